package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Runs a States Language definition (JSONPath; Task, Pass, Choice, Wait, Succeed, Fail, Map) as Step Functions
 * does, state by state, following https://states-language.net/spec.html: input and output processing
 * (InputPath, Parameters, ResultSelector, ResultPath, OutputPath), the context object, intrinsic functions,
 * Retry with backoff, jitter and MaxDelaySeconds, Catch, and the reserved error names. Map states run in
 * {@link MapState}: inline iterations inside the execution, or a Distributed Map's child executions, each with its
 * own identity, context object and events. The definition is checked by {@link AslSupport} when the interpreter is
 * made; what it refuses never runs.
 *
 * <p>An interpreter holds no execution state: several executions may run at once, each on its own thread (and a
 * Map's iterations on threads of their own).
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
    private final Map<String, MapState> maps;

    /**
     * An interpreter whose Map states read and write no S3 objects ({@link ObjectStore#NONE}).
     *
     * @throws UnsupportedDefinitionException if {@link AslSupport} finds anything it refuses (Task resources are
     *                                        checked with {@link TaskInvoker#canInvoke})
     */
    public StateMachineInterpreter(JsonNode definition, String stateMachineArn, TaskInvoker tasks,
                                   InterpreterSettings settings) {
        this(definition, stateMachineArn, tasks, ObjectStore.NONE, settings);
    }

    /**
     * @param objects where Distributed Maps read items ({@code ItemReader}) and write results ({@code ResultWriter})
     * @throws UnsupportedDefinitionException if {@link AslSupport} finds anything it refuses (Task resources are
     *                                        checked with {@link TaskInvoker#canInvoke})
     */
    public StateMachineInterpreter(JsonNode definition, String stateMachineArn, TaskInvoker tasks,
                                   ObjectStore objects, InterpreterSettings settings) {
        AslSupport.requireSupported(definition, tasks::canInvoke);
        this.definition = definition.deepCopy();
        this.stateMachineArn = stateMachineArn;
        this.stateMachineName = stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
        this.tasks = tasks;
        this.settings = settings;
        Map<String, MapState> mapStates = new HashMap<>();
        this.definition.get("States").properties().forEach(entry -> {
            if ("Map".equals(entry.getValue().path("Type").asText())) {
                mapStates.put(entry.getKey(), new MapState(entry.getKey(), entry.getValue(), stateMachineArn,
                        objects, settings));
            }
        });
        this.maps = Map.copyOf(mapStates);
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
     * aborted at its next state boundary, or when the task it waits for ends, with no further state, Retry or Catch.
     */
    public ExecutionResult execute(JsonNode input, String executionName, ExecutionListener listener,
                                   BooleanSupplier stopRequested) {
        if (!isValidExecutionName(executionName)) {
            throw new IllegalArgumentException("Invalid execution name '" + executionName + "': 1 to 80 characters, "
                    + "no whitespace, brackets, wildcards or any of < > { } [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /");
        }
        Execution execution = new Execution(definition, input == null ? JsonNodeFactory.instance.objectNode()
                : input.deepCopy(), new Identity(executionArn(executionName), executionName, stateMachineArn,
                stateMachineName), listener, () -> Thread.currentThread().isInterrupted()
                || stopRequested.getAsBoolean());
        return execution.run();
    }

    /**
     * Who an execution is, as its context object tells: a Distributed Map's child has its own ARN and name, and
     * the labelled state machine ARN of its Map Run.
     */
    record Identity(String executionArn, String executionName, String stateMachineArn, String stateMachineName) {
    }

    /** The step a state ends with: the next state and its input, or the end of the execution. */
    private record Step(String next, JsonNode output) {
        static Step end(JsonNode output) {
            return new Step(null, output);
        }
    }

    /** One try of a state with Retry and Catch: its output, given the context object of that try. */
    @FunctionalInterface
    private interface Attempt {
        JsonNode run(JsonNode context, int retryCount) throws InterruptedException;
    }

    /**
     * One execution: its identity, context, events and the state loop. Its events may come from several threads
     * (a Map's iterations and children), so they are recorded and passed to the listener one at a time.
     */
    private final class Execution implements MapState.Host {
        private final JsonNode graph;
        private final JsonNode input;
        private final Identity id;
        private final ExecutionListener listener;
        private final BooleanSupplier stopRequested;
        private final List<ProgressEvent> events = new ArrayList<>();
        private final Instant startTime;
        private final AtomicInteger transitions = new AtomicInteger();
        private volatile String currentState;

        /**
         * @param graph         the {@code StartAt} and {@code States} to run (the definition, or a Map's ItemProcessor)
         * @param stopRequested asked before each state: true stops the execution as ABORTED (its Map Run failed)
         */
        Execution(JsonNode graph, JsonNode input, Identity id, ExecutionListener listener,
                  BooleanSupplier stopRequested) {
            this.graph = graph;
            this.input = input;
            this.id = id;
            this.listener = listener;
            this.stopRequested = stopRequested;
            this.startTime = settings.clock().instant();
        }

        ExecutionResult run() {
            emit(new ProgressEvent.ExecutionStarted(id.executionArn()));
            try {
                StateData.checkSize(input, "The execution input");
                JsonNode output = runStates(graph, input, true, stopRequested);
                emit(new ProgressEvent.ExecutionSucceeded(output));
                return result(ExecutionResult.Status.SUCCEEDED, output, null, null);
            } catch (StatesError e) {
                emit(new ProgressEvent.ExecutionFailed(currentState, e.error(), e.cause()));
                return result(ExecutionResult.Status.FAILED, null, e.error(), e.cause());
            } catch (MapState.Stopped e) {
                emit(new ProgressEvent.ExecutionAborted(e.stateName()));
                return result(ExecutionResult.Status.ABORTED, null, null, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                String cause = "The local execution was interrupted in state " + currentState;
                emit(new ProgressEvent.ExecutionFailed(currentState, "Aborted", cause));
                return result(ExecutionResult.Status.FAILED, null, "Aborted", cause);
            }
        }

        /**
         * Runs {@code states} (StartAt and States) from its first state to its end and returns the last output.
         *
         * @param top  whether this is the execution's own graph (an inline Map iteration is not: the Map state stays
         *             the execution's current state)
         * @param stop asked before each state; true ends the run with {@link MapState.Stopped}
         */
        private JsonNode runStates(JsonNode states, JsonNode data, boolean top, BooleanSupplier stop)
                throws InterruptedException {
            String stateName = states.get("StartAt").asText();
            while (true) {
                if (stop.getAsBoolean()) {
                    throw new MapState.Stopped(stateName);
                }
                if (transitions.incrementAndGet() > settings.maxTransitions()) {
                    throw StatesError.runtime("The execution entered more than " + settings.maxTransitions()
                            + " states (the local runner's bound); the definition seems to loop forever");
                }
                if (top) {
                    currentState = stateName;
                }
                JsonNode state = states.get("States").get(stateName);
                String type = state.get("Type").asText();
                emit(new ProgressEvent.StateEntered(stateName, type));
                Instant entered = settings.clock().instant();
                String name = stateName;
                JsonNode rawInput = data;
                Step step = switch (type) {
                    case "Task" -> withRetryAndCatch(stateName, state, data, entered, stop,
                            (context, retryCount) -> taskAttempt(name, state, rawInput, context, retryCount));
                    case "Map" -> withRetryAndCatch(stateName, state, data, entered, stop,
                            (context, retryCount) -> maps.get(name).run(this, rawInput, context));
                    case "Pass" -> pass(state, data, context(stateName, entered, 0));
                    case "Choice" -> choice(stateName, state, data, context(stateName, entered, 0));
                    case "Wait" -> waitState(stateName, state, data);
                    case "Succeed" -> Step.end(StateData.outputPath(state, StateData.inputPath(state, data)));
                    case "Fail" -> throw fail(stateName, state, data, context(stateName, entered, 0));
                    default -> throw StatesError.runtime("Unsupported state type " + type);
                };
                StateData.checkSize(step.output(), "The output of state " + stateName);
                if (step.next() == null) {
                    return step.output();
                }
                data = step.output();
                stateName = step.next();
            }
        }

        @Override
        public JsonNode iterate(JsonNode processor, JsonNode item, BooleanSupplier stop) throws InterruptedException {
            StateData.checkSize(item, "The input of a Map iteration");
            return runStates(processor, item, false, () -> stopRequested.getAsBoolean() || stop.getAsBoolean());
        }

        @Override
        public ExecutionResult child(JsonNode processor, JsonNode item, Identity child, BooleanSupplier stop) {
            return new Execution(processor, item, child, ExecutionListener.NONE, stop).run();
        }

        /**
         * Runs a Task or Map state: its attempt, again per its Retry, and its Catch when the retries are spent. A
         * stop asked for during a retry's wait stops the run before the next attempt.
         */
        private Step withRetryAndCatch(String stateName, JsonNode state, JsonNode rawInput, Instant entered,
                                       BooleanSupplier stop, Attempt attempt) throws InterruptedException {
            List<JsonNode> retriers = list(state.get("Retry"));
            List<JsonNode> catchers = list(state.get("Catch"));
            int[] retriesPerRetrier = new int[retriers.size()];
            int retryCount = 0;
            while (true) {
                JsonNode context = context(stateName, entered, retryCount);
                try {
                    return new Step(state.path("Next").asText(null), attempt.run(context, retryCount));
                } catch (StatesError error) {
                    if (stop.getAsBoolean()) {
                        // stopped while the attempt ran: a stopped execution runs no Retry and no Catch
                        throw new MapState.Stopped(stateName);
                    }
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
                            if (stop.getAsBoolean()) {
                                throw new MapState.Stopped(stateName);
                            }
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
                    JsonNode output = StateData.resultPath(catcher.has("ResultPath") ? catcher.get("ResultPath") : null,
                            rawInput, errorOutput);
                    emit(new ProgressEvent.ErrorCaught(stateName, error.error(), error.cause(), catcherIndex,
                            catcher.get("Next").asText()));
                    return new Step(catcher.get("Next").asText(), output);
                }
            }
        }

        private JsonNode taskAttempt(String stateName, JsonNode state, JsonNode rawInput, JsonNode context,
                                     int retryCount) throws InterruptedException {
            JsonNode effective = StateData.inputPath(state, rawInput);
            if (state.has("Parameters")) {
                effective = PayloadTemplate.evaluate(state.get("Parameters"), effective, context);
            }
            StateData.checkSize(effective, "The input of the task in state " + stateName);
            JsonNode result = invoke(state, new TaskInvoker.TaskInvocation(state.get("Resource").asText(), effective,
                    stateName, id.executionArn(), retryCount));
            StateData.checkSize(result, "The result of the task in state " + stateName);
            if (state.has("ResultSelector")) {
                result = PayloadTemplate.evaluate(state.get("ResultSelector"), result, context);
            }
            return StateData.outputPath(state, StateData.resultPath(state.get("ResultPath"), rawInput, result));
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
            JsonNode effective = StateData.inputPath(state, rawInput);
            if (state.has("Parameters")) {
                effective = PayloadTemplate.evaluate(state.get("Parameters"), effective, context);
            }
            JsonNode result = state.has("Result") ? state.get("Result").deepCopy() : effective;
            return new Step(state.path("Next").asText(null),
                    StateData.outputPath(state, StateData.resultPath(state.get("ResultPath"), rawInput, result)));
        }

        private Step choice(String stateName, JsonNode state, JsonNode rawInput, JsonNode context) {
            JsonNode effective = StateData.inputPath(state, rawInput);
            for (JsonNode rule : state.get("Choices")) {
                if (ChoiceRules.matches(rule, effective, context)) {
                    return new Step(rule.get("Next").asText(), StateData.outputPath(state, effective));
                }
            }
            if (state.has("Default")) {
                return new Step(state.get("Default").asText(), StateData.outputPath(state, effective));
            }
            throw new StatesError(ErrorNames.NO_CHOICE_MATCHED, "No Choice Rule of state " + stateName
                    + " matched the input " + JsonText.abbreviate(effective) + " and it has no Default");
        }

        private Step waitState(String stateName, JsonNode state, JsonNode rawInput) throws InterruptedException {
            JsonNode effective = StateData.inputPath(state, rawInput);
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
            JsonNode output = StateData.outputPath(state, effective);
            Duration slept = TimeScale.scale(delay, settings.timeScale());
            emit(new ProgressEvent.Waited(stateName, delay, slept));
            settings.sleeper().sleep(slept);
            return new Step(state.path("Next").asText(null), output);
        }

        private StatesError fail(String stateName, JsonNode state, JsonNode rawInput, JsonNode context) {
            String error = state.has("Error") ? state.get("Error").asText()
                    : failField(stateName, state, "ErrorPath", rawInput, context);
            String cause = state.has("Cause") ? state.get("Cause").asText()
                    : failField(stateName, state, "CausePath", rawInput, context);
            return new StatesError(error, cause);
        }

        private String failField(String stateName, JsonNode state, String field, JsonNode rawInput,
                                 JsonNode context) {
            if (!state.has(field)) {
                return null;
            }
            String expression = state.get(field).asText();
            JsonNode value = IntrinsicParser.looksLikeCall(expression)
                    ? PayloadTemplate.expression(expression, rawInput, context, field)
                    : JsonPaths.read(expression, rawInput, context, field);
            if (!value.isTextual()) {
                throw StatesError.runtime("The " + field + " " + expression + " of state " + stateName
                        + " must select a string, not " + JsonText.abbreviate(value));
            }
            return value.asText();
        }

        private JsonNode context(String stateName, Instant entered, int retryCount) {
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            ObjectNode execution = context.putObject("Execution");
            execution.put("Id", id.executionArn());
            execution.put("Name", id.executionName());
            execution.set("Input", input);
            execution.put("StartTime", Timestamps.format(startTime));
            ObjectNode state = context.putObject("State");
            state.put("Name", stateName);
            state.put("EnteredTime", Timestamps.format(entered));
            state.put("RetryCount", retryCount);
            ObjectNode stateMachine = context.putObject("StateMachine");
            stateMachine.put("Id", id.stateMachineArn());
            stateMachine.put("Name", id.stateMachineName());
            return context;
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

        @Override
        public synchronized void emit(ProgressEvent event) {
            events.add(event);
            listener.onEvent(event);
        }

        private synchronized ExecutionResult result(ExecutionResult.Status status, JsonNode output, String error,
                                                    String cause) {
            return new ExecutionResult(id.executionArn(), id.executionName(), status, output, error, cause, events,
                    startTime, settings.clock().instant());
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
