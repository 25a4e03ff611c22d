package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.local.asl.intrinsic.IntrinsicParser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Runs a States Language definition (JSONPath; Task, Pass, Choice, Wait, Succeed, Fail) as Step Functions
 * does, state by state, following https://states-language.net/spec.html: input and output processing
 * (InputPath, Parameters, ResultSelector, ResultPath, OutputPath), the context object, intrinsic functions,
 * Retry with backoff, jitter and MaxDelaySeconds, Catch, and the reserved error names. The definition is checked
 * by {@link AslSupport} when the interpreter is made; what it refuses never runs.
 *
 * <p>An interpreter holds no execution state: several executions may run at once, each on its own thread.
 */
public final class StateMachineInterpreter {

    /** The payload quota of Step Functions (256 KiB) for a state's input and output. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    private static final Pattern EXECUTION_NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\p{Cntrl}]{1,80}");

    private final JsonNode definition;
    private final String stateMachineArn;
    private final String stateMachineName;
    private final TaskInvoker tasks;
    private final InterpreterSettings settings;

    /**
     * @throws UnsupportedDefinitionException if {@link AslSupport} finds anything it refuses (Task resources are
     *                                        checked with {@link TaskInvoker#canInvoke})
     */
    public StateMachineInterpreter(JsonNode definition, String stateMachineArn, TaskInvoker tasks,
                                   InterpreterSettings settings) {
        AslSupport.requireSupported(definition, tasks::canInvoke);
        this.definition = definition.deepCopy();
        this.stateMachineArn = stateMachineArn;
        this.stateMachineName = stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
        this.tasks = tasks;
        this.settings = settings;
    }

    /** {@code arn:...:execution:<state machine name>:<execution name>}. */
    public String executionArn(String executionName) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
    }

    /** Whether {@code name} is a valid execution name (1 to 80 characters, none of Step Functions' forbidden ones). */
    public static boolean isValidExecutionName(String name) {
        return name != null && EXECUTION_NAME.matcher(name).matches();
    }

    public ExecutionResult execute(JsonNode input, String executionName, ExecutionListener listener) {
        return execute(input, executionName, listener, () -> false);
    }

    /**
     * One execution that may be stopped (as StopExecution stops one): once {@code stopRequested} answers true, or
     * the executing thread is interrupted (which also ends a Wait or a Retry's pause at once), the execution ends as
     * {@code Aborted} at its next state boundary, or when the task it waits for ends, with no further state, Retry
     * or Catch.
     */
    public ExecutionResult execute(JsonNode input, String executionName, ExecutionListener listener,
                                   BooleanSupplier stopRequested) {
        if (!isValidExecutionName(executionName)) {
            throw new IllegalArgumentException("Invalid execution name '" + executionName + "': 1 to 80 characters, "
                    + "no whitespace, brackets, wildcards or any of < > { } [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /");
        }
        return new Execution(input == null ? JsonNodeFactory.instance.objectNode() : input.deepCopy(),
                executionName, listener, stopRequested).run();
    }

    /** The step a state ends with: the next state and its input, or the end of the execution. */
    private record Step(String next, JsonNode output) {
        static Step end(JsonNode output) {
            return new Step(null, output);
        }
    }

    /** One execution: its identity, context, events and the state loop. */
    private final class Execution {
        private final JsonNode input;
        private final String name;
        private final String arn;
        private final ExecutionListener listener;
        private final BooleanSupplier stopRequested;
        private final List<ProgressEvent> events = new ArrayList<>();
        private final Instant startTime;
        private String currentState;

        Execution(JsonNode input, String name, ExecutionListener listener, BooleanSupplier stopRequested) {
            this.stopRequested = stopRequested;
            this.input = input;
            this.name = name;
            this.arn = executionArn(name);
            this.listener = listener;
            this.startTime = settings.clock().instant();
        }

        ExecutionResult run() {
            emit(new ProgressEvent.ExecutionStarted(arn));
            String stateName = definition.get("StartAt").asText();
            JsonNode data = input;
            int transitions = 0;
            try {
                checkSize(data, "The execution input");
                while (true) {
                    abortIfInterrupted();
                    if (++transitions > settings.maxTransitions()) {
                        throw StatesError.runtime("The execution entered more than " + settings.maxTransitions()
                                + " states (the local runner's bound); the definition seems to loop forever");
                    }
                    currentState = stateName;
                    JsonNode state = definition.get("States").get(stateName);
                    String type = state.get("Type").asText();
                    emit(new ProgressEvent.StateEntered(stateName, type));
                    Instant entered = settings.clock().instant();
                    Step step = switch (type) {
                        case "Task" -> task(stateName, state, data, entered);
                        case "Pass" -> pass(state, data, context(stateName, entered, 0));
                        case "Choice" -> choice(stateName, state, data, context(stateName, entered, 0));
                        case "Wait" -> waitState(stateName, state, data);
                        case "Succeed" -> Step.end(outputPath(state, inputPath(state, data)));
                        case "Fail" -> throw fail(state, data, context(stateName, entered, 0));
                        default -> throw StatesError.runtime("Unsupported state type " + type);
                    };
                    checkSize(step.output(), "The output of state " + stateName);
                    if (step.next() == null) {
                        emit(new ProgressEvent.ExecutionSucceeded(step.output()));
                        return result(ExecutionResult.Status.SUCCEEDED, step.output(), null, null);
                    }
                    data = step.output();
                    stateName = step.next();
                }
            } catch (StatesError e) {
                emit(new ProgressEvent.ExecutionFailed(currentState, e.error(), e.cause()));
                return result(ExecutionResult.Status.FAILED, null, e.error(), e.cause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                String cause = "The local execution was interrupted in state " + currentState;
                emit(new ProgressEvent.ExecutionFailed(currentState, "Aborted", cause));
                return result(ExecutionResult.Status.FAILED, null, "Aborted", cause);
            }
        }

        /** A stopped execution (see {@link #execute(JsonNode, String, ExecutionListener, BooleanSupplier)}) ends. */
        private void abortIfInterrupted() throws InterruptedException {
            if (Thread.currentThread().isInterrupted() || stopRequested.getAsBoolean()) {
                throw new InterruptedException("stopped");
            }
        }

        private Step task(String stateName, JsonNode state, JsonNode rawInput, Instant entered)
                throws InterruptedException {
            List<JsonNode> retriers = list(state.get("Retry"));
            List<JsonNode> catchers = list(state.get("Catch"));
            int[] retriesPerRetrier = new int[retriers.size()];
            int retryCount = 0;
            while (true) {
                JsonNode context = context(stateName, entered, retryCount);
                try {
                    return new Step(state.path("Next").asText(null), taskAttempt(stateName, state, rawInput, context,
                            retryCount));
                } catch (StatesError error) {
                    abortIfInterrupted(); // a stopped execution neither retries nor catches
                    int retrierIndex = firstMatching(retriers, error.error());
                    if (retrierIndex >= 0) {
                        JsonNode retrier = retriers.get(retrierIndex);
                        int maxAttempts = retrier.path("MaxAttempts").asInt(3);
                        if (retriesPerRetrier[retrierIndex] < maxAttempts) {
                            Duration delay = retryDelay(retrier, retriesPerRetrier[retrierIndex]);
                            retriesPerRetrier[retrierIndex]++;
                            retryCount++;
                            Duration slept = TimeScale.scale(delay, settings.timeScale());
                            emit(new ProgressEvent.TaskRetried(stateName, error.error(), retriesPerRetrier[retrierIndex],
                                    maxAttempts, delay, slept));
                            settings.sleeper().sleep(slept);
                            continue;
                        }
                    }
                    int catcherIndex = firstMatching(catchers, error.error());
                    if (catcherIndex < 0) {
                        throw error;
                    }
                    JsonNode catcher = catchers.get(catcherIndex);
                    ObjectNode errorOutput = JsonNodeFactory.instance.objectNode();
                    errorOutput.put("Error", error.error());
                    errorOutput.put("Cause", error.cause());
                    JsonNode output = resultPath(catcher.has("ResultPath") ? catcher.get("ResultPath") : null,
                            rawInput, errorOutput);
                    emit(new ProgressEvent.ErrorCaught(stateName, error.error(), error.cause(), catcherIndex,
                            catcher.get("Next").asText()));
                    return new Step(catcher.get("Next").asText(), output);
                }
            }
        }

        private JsonNode taskAttempt(String stateName, JsonNode state, JsonNode rawInput, JsonNode context,
                                     int retryCount) throws InterruptedException {
            JsonNode effective = inputPath(state, rawInput);
            if (state.has("Parameters")) {
                effective = PayloadTemplate.evaluate(state.get("Parameters"), effective, context);
            }
            checkSize(effective, "The input of the task in state " + stateName);
            JsonNode result = invoke(state, new TaskInvoker.TaskInvocation(state.get("Resource").asText(), effective,
                    stateName, arn, retryCount));
            checkSize(result, "The result of the task in state " + stateName);
            if (state.has("ResultSelector")) {
                result = PayloadTemplate.evaluate(state.get("ResultSelector"), result, context);
            }
            return outputPath(state, resultPath(state.get("ResultPath"), rawInput, result));
        }

        private JsonNode invoke(JsonNode state, TaskInvoker.TaskInvocation invocation) throws InterruptedException {
            if (!state.has("TimeoutSeconds")) {
                return invokeDirectly(invocation);
            }
            long timeoutSeconds = state.get("TimeoutSeconds").asLong();
            CompletableFuture<JsonNode> future = new CompletableFuture<>();
            Thread worker = Thread.ofPlatform().daemon().name("task-" + invocation.stateName()).start(() -> {
                try {
                    future.complete(invokeDirectly(invocation));
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
            try {
                return future.get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                worker.interrupt();
                throw new StatesError(ErrorNames.TIMEOUT, "The task of state " + invocation.stateName()
                        + " did not finish within its TimeoutSeconds of " + timeoutSeconds + " s");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw (Error) e.getCause();
            }
        }

        private JsonNode invokeDirectly(TaskInvoker.TaskInvocation invocation) {
            try {
                JsonNode result = tasks.invoke(invocation);
                return result == null ? JsonNodeFactory.instance.nullNode() : result;
            } catch (StatesError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new StatesError(e.getClass().getName(), e.getMessage() == null ? e.getClass().getName()
                        : e.getMessage());
            }
        }

        private Duration retryDelay(JsonNode retrier, int retriesSoFar) {
            double seconds = retrier.path("IntervalSeconds").asDouble(1)
                    * Math.pow(retrier.path("BackoffRate").asDouble(2.0), retriesSoFar);
            if (retrier.has("MaxDelaySeconds")) {
                seconds = Math.min(seconds, retrier.get("MaxDelaySeconds").asDouble());
            }
            if ("FULL".equals(retrier.path("JitterStrategy").asText("NONE"))) {
                seconds = settings.random().nextDouble() * seconds;
            }
            return Duration.ofNanos(Math.round(seconds * 1e9));
        }

        private Step pass(JsonNode state, JsonNode rawInput, JsonNode context) {
            JsonNode effective = inputPath(state, rawInput);
            if (state.has("Parameters")) {
                effective = PayloadTemplate.evaluate(state.get("Parameters"), effective, context);
            }
            JsonNode result = state.has("Result") ? state.get("Result").deepCopy() : effective;
            return new Step(state.path("Next").asText(null),
                    outputPath(state, resultPath(state.get("ResultPath"), rawInput, result)));
        }

        private Step choice(String stateName, JsonNode state, JsonNode rawInput, JsonNode context) {
            JsonNode effective = inputPath(state, rawInput);
            for (JsonNode rule : state.get("Choices")) {
                if (ChoiceRules.matches(rule, effective, context)) {
                    return new Step(rule.get("Next").asText(), outputPath(state, effective));
                }
            }
            if (state.has("Default")) {
                return new Step(state.get("Default").asText(), outputPath(state, effective));
            }
            throw new StatesError(ErrorNames.NO_CHOICE_MATCHED, "No Choice Rule of state " + stateName
                    + " matched the input " + JsonText.abbreviate(effective) + " and it has no Default");
        }

        private Step waitState(String stateName, JsonNode state, JsonNode rawInput) throws InterruptedException {
            JsonNode effective = inputPath(state, rawInput);
            Duration delay;
            if (state.has("Seconds")) {
                delay = Duration.ofSeconds(state.get("Seconds").asLong());
            } else if (state.has("SecondsPath")) {
                String path = state.get("SecondsPath").asText();
                JsonNode seconds = JsonPaths.read(path, effective, null, "SecondsPath");
                if (!seconds.isNumber() || !seconds.canConvertToExactIntegral() || seconds.asLong() < 0) {
                    throw StatesError.runtime("The SecondsPath " + path + " of state " + stateName
                            + " must point to a non-negative integer, not " + JsonText.abbreviate(seconds));
                }
                delay = Duration.ofSeconds(seconds.asLong());
            } else {
                String text;
                if (state.has("Timestamp")) {
                    text = state.get("Timestamp").asText();
                } else {
                    String path = state.get("TimestampPath").asText();
                    JsonNode value = JsonPaths.read(path, effective, null, "TimestampPath");
                    text = value.isTextual() ? value.asText() : JsonText.compact(value);
                }
                Instant until = Timestamps.parse(text).orElseThrow(() -> StatesError.runtime("The TimestampPath of "
                        + "state " + stateName + " must point to an RFC 3339 timestamp, not " + text));
                delay = Duration.between(settings.clock().instant(), until);
                if (delay.isNegative()) {
                    delay = Duration.ZERO;
                }
            }
            JsonNode output = outputPath(state, effective);
            Duration slept = TimeScale.scale(delay, settings.timeScale());
            emit(new ProgressEvent.Waited(stateName, delay, slept));
            settings.sleeper().sleep(slept);
            return new Step(state.path("Next").asText(null), output);
        }

        private StatesError fail(JsonNode state, JsonNode rawInput, JsonNode context) {
            String error = state.has("Error") ? state.get("Error").asText()
                    : failField(state, "ErrorPath", rawInput, context);
            String cause = state.has("Cause") ? state.get("Cause").asText()
                    : failField(state, "CausePath", rawInput, context);
            return new StatesError(error, cause);
        }

        private String failField(JsonNode state, String field, JsonNode rawInput, JsonNode context) {
            if (!state.has(field)) {
                return null;
            }
            String expression = state.get(field).asText();
            JsonNode value = IntrinsicParser.looksLikeCall(expression)
                    ? PayloadTemplate.expression(expression, rawInput, context, field)
                    : JsonPaths.read(expression, rawInput, context, field);
            if (!value.isTextual()) {
                throw StatesError.runtime("The " + field + " " + expression + " of state " + currentState
                        + " must select a string, not " + JsonText.abbreviate(value));
            }
            return value.asText();
        }

        private JsonNode inputPath(JsonNode state, JsonNode rawInput) {
            return selectPath(state, "InputPath", rawInput);
        }

        private JsonNode outputPath(JsonNode state, JsonNode output) {
            return selectPath(state, "OutputPath", output);
        }

        private JsonNode selectPath(JsonNode state, String field, JsonNode data) {
            JsonNode path = state.get(field);
            if (path == null) {
                return data;
            }
            if (path.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            return JsonPaths.read(path.asText(), data, null, field);
        }

        /** Places the result per a ResultPath field: absent means {@code $}; JSON null discards the result. */
        private JsonNode resultPath(JsonNode field, JsonNode rawInput, JsonNode result) {
            if (field == null) {
                return result;
            }
            if (field.isNull()) {
                return rawInput;
            }
            ReferencePath path = ReferencePath.parse(field.asText()).orElseThrow(() -> new StatesError(
                    ErrorNames.RESULT_PATH_MATCH_FAILURE, "'" + field.asText() + "' is not a Reference Path"));
            return path.placeInto(rawInput, result);
        }

        private JsonNode context(String stateName, Instant entered, int retryCount) {
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            ObjectNode execution = context.putObject("Execution");
            execution.put("Id", arn);
            execution.put("Name", name);
            execution.set("Input", input);
            execution.put("StartTime", Timestamps.format(startTime));
            ObjectNode state = context.putObject("State");
            state.put("Name", stateName);
            state.put("EnteredTime", Timestamps.format(entered));
            state.put("RetryCount", retryCount);
            ObjectNode stateMachine = context.putObject("StateMachine");
            stateMachine.put("Id", stateMachineArn);
            stateMachine.put("Name", stateMachineName);
            return context;
        }

        private void checkSize(JsonNode payload, String what) {
            int bytes = JsonText.utf8Length(payload);
            if (bytes > MAX_PAYLOAD_BYTES) {
                throw new StatesError(ErrorNames.DATA_LIMIT_EXCEEDED, what + " is " + bytes + " bytes, more than the "
                        + MAX_PAYLOAD_BYTES + " bytes Step Functions allows");
            }
        }

        private int firstMatching(List<JsonNode> handlers, String error) {
            for (int i = 0; i < handlers.size(); i++) {
                List<String> names = new ArrayList<>();
                handlers.get(i).get("ErrorEquals").forEach(n -> names.add(n.asText()));
                if (ErrorNames.matches(names, error)) {
                    return i;
                }
            }
            return -1;
        }

        private void emit(ProgressEvent event) {
            events.add(event);
            listener.onEvent(event);
        }

        private ExecutionResult result(ExecutionResult.Status status, JsonNode output, String error, String cause) {
            return new ExecutionResult(arn, name, status, output, error, cause, events, startTime,
                    settings.clock().instant());
        }
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        if (array != null) {
            array.forEach(items::add);
        }
        return items;
    }
}
