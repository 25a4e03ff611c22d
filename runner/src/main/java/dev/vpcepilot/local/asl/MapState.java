package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One Map state (JSONPath), as the Step Functions Developer Guide ("Map state", "Using Map state in Distributed
 * mode", "ItemsPath", "ItemReader", "ItemSelector", "ResultWriter", "Accessing execution data from the Context
 * object") and the States Language define it. In order: InputPath; the items, from {@code ItemsPath} (default
 * {@code $}) on the effective input or from the {@code ItemReader} ({@link MapItemReader}); {@code ItemSelector}
 * for each item, on the effective input with {@code $$.Map.Item.Index}, {@code .Value} and {@code .Source} in the
 * context object; the iterations; ResultSelector, ResultPath and OutputPath on the result.
 *
 * <p><b>INLINE</b> (the default mode): each item is an iteration of the ItemProcessor inside the execution (its
 * events are the execution's, its context object the execution's); at most {@code MaxConcurrency} at once, and
 * never more than {@value #INLINE_MAX_CONCURRENCY}, Step Functions' bound in Inline mode. The first iteration to
 * fail fails the Map state with its error; no iteration starts after it, and running ones stop before their next
 * state. The result is the array of the iterations' outputs, in item order.
 *
 * <p><b>DISTRIBUTED</b>: each attempt of the state is a new Map Run, {@code arn:...:mapRun:<state machine>/<label>:
 * <uuid>}; each item a child execution with its own ARN ({@code arn:...:execution:<state machine>/<label>:<name>}),
 * context object ({@code $$.Execution} is the child's, {@code $$.Execution.Input} the selected item,
 * {@code $$.StateMachine.Id} the labelled state machine ARN) and events; the parent's events show the Map Run and
 * each child's start and end. At most {@code MaxConcurrency} children run at once, each on a thread of its own;
 * 0 means no limit on AWS (up to 10,000 at once), bounded here by {@link InterpreterSettings#maxChildren()}. A
 * failed child counts against the {@link FailureTolerance}; once it is exceeded no child starts any more, running
 * children are aborted before their next state, the results are written if there is a ResultWriter, and the state
 * fails with {@code States.ExceedToleratedFailureThreshold} ("The specified tolerated failure threshold was
 * exceeded", AWS's cause). Without a ResultWriter the result is the array of the children's outputs in item order,
 * a tolerated failed child's entry being its execution record, as the ResultWriter page's note on failed children
 * says; with one it is what {@link MapResultWriter} returns.
 */
final class MapState {

    /** The most iterations Step Functions runs at once in Inline mode. */
    static final int INLINE_MAX_CONCURRENCY = 40;
    /** The cause of {@code States.ExceedToleratedFailureThreshold} on AWS. */
    static final String THRESHOLD_EXCEEDED = "The specified tolerated failure threshold was exceeded";

    /** What a Map state needs from the execution it runs in. */
    interface Host {
        /** Records an event of this execution and passes it to its listener. */
        void emit(ProgressEvent event);

        /** Runs one inline iteration of {@code processor} inside this execution; stops before a state once asked. */
        JsonNode iterate(JsonNode processor, JsonNode item, BooleanSupplier stop) throws InterruptedException;

        /** Runs a child execution of {@code processor} to its end (ABORTED if asked to stop before a state). */
        ExecutionResult child(JsonNode processor, JsonNode item, StateMachineInterpreter.Identity child,
                              BooleanSupplier stop);
    }

    /** The items of a Map and where they came from ({@code $$.Map.Item.Source}). */
    record Items(List<JsonNode> values, String source) {
    }

    /** An execution or iteration stopped before entering {@code stateName} because its Map Run or Map failed. */
    static final class Stopped extends RuntimeException {
        private final String stateName;

        Stopped(String stateName) {
            super("stopped before " + stateName, null, false, false);
            this.stateName = stateName;
        }

        String stateName() {
            return stateName;
        }
    }

    private final String stateName;
    private final JsonNode state;
    private final JsonNode processor;
    private final boolean distributed;
    private final String label;
    private final String stateMachineArn;
    private final ObjectStore objects;
    private final InterpreterSettings settings;

    MapState(String stateName, JsonNode state, String stateMachineArn, ObjectStore objects,
             InterpreterSettings settings) {
        this.stateName = stateName;
        this.state = state;
        this.processor = state.get("ItemProcessor");
        this.distributed = "DISTRIBUTED".equals(processor.at("/ProcessorConfig/Mode").asText());
        // "If you don't specify a label, Step Functions automatically generates a unique label": one per state.
        this.label = state.has("Label") ? state.get("Label").asText()
                : UUID.nameUUIDFromBytes((stateMachineArn + "#" + stateName).getBytes(StandardCharsets.UTF_8))
                .toString();
        this.stateMachineArn = stateMachineArn;
        this.objects = objects;
        this.settings = settings;
    }

    /** The state's output: the iterations' result placed and filtered by ResultSelector, ResultPath, OutputPath. */
    JsonNode run(Host host, JsonNode rawInput, JsonNode context) throws InterruptedException {
        JsonNode effective = StateData.inputPath(state, rawInput);
        JsonNode result = distributed ? mapRun(host, effective, context) : inline(host, effective, context);
        if (state.has("ResultSelector")) {
            result = PayloadTemplate.evaluate(state.get("ResultSelector"), result, context);
        }
        return StateData.outputPath(state, StateData.resultPath(state.get("ResultPath"), rawInput, result));
    }

    private JsonNode inline(Host host, JsonNode effective, JsonNode context) throws InterruptedException {
        int concurrency = concurrency(effective, INLINE_MAX_CONCURRENCY);
        List<JsonNode> inputs = select(itemsFromInput(effective, context), effective, context);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<StatesError> firstFailure = new AtomicReference<>();
        List<JsonNode> outputs = Iterations.run(inputs.size(), concurrency, "map-" + stateName, stop, index -> {
            try {
                return host.iterate(processor, inputs.get(index), stop::get);
            } catch (StatesError e) {
                firstFailure.compareAndSet(null, e);
                stop.set(true);
                return null;
            } catch (Stopped e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
                return null;
            }
        });
        if (firstFailure.get() != null) {
            throw firstFailure.get();
        }
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (JsonNode output : outputs) {
            if (output == null) {
                throw new Stopped(stateName);
            }
            result.add(output);
        }
        return result;
    }

    private JsonNode mapRun(Host host, JsonNode effective, JsonNode context) throws InterruptedException {
        int concurrency = concurrency(effective, settings.maxChildren());
        FailureTolerance tolerance = FailureTolerance.of(stateName, state, effective);
        JsonNode reader = state.get("ItemReader");
        long maxItems = reader == null ? 0 : MapItemReader.maxItems(stateName, reader, effective);
        String mapRunArn = stateMachineArn.replace(":stateMachine:", ":mapRun:") + "/" + label + ":"
                + UUID.randomUUID();
        List<JsonNode> inputs;
        try {
            Items items = reader == null ? itemsFromInput(effective, context)
                    : MapItemReader.read(reader, maxItems, effective, context, objects);
            inputs = select(items, effective, context);
        } catch (StatesError e) {
            host.emit(new ProgressEvent.MapRunEnded(mapRunArn, 0, 0, 0, 0, e.error()));
            throw e;
        }
        host.emit(new ProgressEvent.MapRunStarted(stateName, mapRunArn, inputs.size(), concurrency));

        String childMachineArn = stateMachineArn + "/" + label;
        String childMachineName = childMachineArn.substring(childMachineArn.lastIndexOf(':') + 1);
        String childArnPrefix = childMachineArn.replace(":stateMachine:", ":execution:") + ":";
        int total = inputs.size();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        List<ExecutionResult> children = Iterations.run(total, concurrency, "map-" + label, stop, index -> {
            String name = UUID.nameUUIDFromBytes((mapRunArn + "/" + index).getBytes(StandardCharsets.UTF_8))
                    .toString();
            StateMachineInterpreter.Identity id = new StateMachineInterpreter.Identity(childArnPrefix + name, name,
                    childMachineArn, childMachineName);
            host.emit(new ProgressEvent.ChildExecutionStarted(mapRunArn, index, id.executionArn()));
            ExecutionResult child = host.child(processor, inputs.get(index), id, stop::get);
            // Stop before reporting the child: whoever sees the failure that exceeds the threshold sees the stop.
            if (child.status() == ExecutionResult.Status.FAILED
                    && tolerance.exceeded(failures.incrementAndGet(), total)) {
                stop.set(true);
            }
            host.emit(new ProgressEvent.ChildExecutionEnded(mapRunArn, index, child));
            return child;
        });

        Map<String, List<JsonNode>> records = new LinkedHashMap<>();
        ArrayNode outputs = JsonNodeFactory.instance.arrayNode();
        int succeeded = 0;
        int failed = 0;
        int aborted = 0;
        int pending = 0;
        for (int i = 0; i < total; i++) {
            ExecutionResult child = children.get(i);
            String status;
            JsonNode record;
            if (child == null) {
                pending++;
                status = "PENDING";
                record = pendingRecord(inputs.get(i));
            } else {
                record = record(child, inputs.get(i), childMachineArn);
                switch (child.status()) {
                    case SUCCEEDED -> succeeded++;
                    case FAILED -> failed++;
                    case ABORTED -> aborted++;
                }
                status = child.succeeded() ? "SUCCEEDED" : "FAILED";
                outputs.add(child.succeeded() ? child.output() : record);
            }
            records.computeIfAbsent(status, s -> new ArrayList<>()).add(record);
        }
        boolean exceeded = tolerance.exceeded(failed, total);
        JsonNode result = outputs;
        StatesError error = exceeded ? new StatesError(ErrorNames.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                THRESHOLD_EXCEEDED) : null;
        if (state.has("ResultWriter")) {
            try {
                result = MapResultWriter.write(state.get("ResultWriter"), effective, context, mapRunArn, records,
                        objects);
            } catch (StatesError writeError) {
                if (error == null) {
                    error = writeError;
                }
            }
        }
        host.emit(new ProgressEvent.MapRunEnded(mapRunArn, succeeded, failed, aborted, pending,
                error == null ? null : error.error()));
        if (error != null) {
            throw error;
        }
        return result;
    }

    /** The items of {@code ItemsPath} (default {@code $}) on the effective input; it must select an array. */
    private Items itemsFromInput(JsonNode effective, JsonNode context) {
        String path = state.path("ItemsPath").asText("$");
        JsonNode items = JsonPaths.read(path, effective, context, "ItemsPath");
        if (items.isObject()) {
            throw StatesError.runtime("The ItemsPath " + path + " of state " + stateName + " selects a JSON object: "
                    + "Step Functions iterates over its key-value pairs, the local runner over arrays only");
        }
        if (!items.isArray()) {
            throw StatesError.runtime("Map state input must be an array but was: " + JsonText.abbreviate(items));
        }
        List<JsonNode> values = new ArrayList<>();
        items.forEach(values::add);
        return new Items(values, "STATE_DATA");
    }

    /** Each item after {@code ItemSelector}, evaluated on the effective input with {@code $$.Map.Item}. */
    private List<JsonNode> select(Items items, JsonNode effective, JsonNode context) {
        JsonNode selector = state.get("ItemSelector");
        List<JsonNode> selected = new ArrayList<>();
        for (int i = 0; i < items.values().size(); i++) {
            JsonNode value = items.values().get(i);
            if (selector == null) {
                selected.add(value);
                continue;
            }
            ObjectNode itemContext = context.deepCopy();
            ObjectNode item = itemContext.putObject("Map").putObject("Item");
            item.put("Index", i);
            item.set("Value", value);
            item.put("Source", items.source());
            selected.add(PayloadTemplate.evaluate(selector, effective, itemContext));
        }
        return selected;
    }

    /**
     * MaxConcurrency, or MaxConcurrencyPath read from the effective input; 0 (no limit) and values above
     * {@code bound} are {@code bound}.
     */
    private int concurrency(JsonNode effective, int bound) {
        long value = state.path("MaxConcurrency").asLong(0);
        if (state.has("MaxConcurrencyPath")) {
            String path = state.get("MaxConcurrencyPath").asText();
            JsonNode node = JsonPaths.read(path, effective, null, "MaxConcurrencyPath");
            String where = "An error occurred while executing the state '" + stateName + "'. ";
            if (!isInteger(node)) {
                throw StatesError.runtime(where + "The MaxConcurrencyPath field refers to value \"" + text(node)
                        + "\" which is not a valid integer: " + path);
            }
            value = node.asLong();
            if (value < 0) {
                throw StatesError.runtime(where + "MaxConcurrency cannot be negative.");
            }
        }
        return value == 0 || value > bound ? bound : (int) value;
    }

    /**
     * A child's record in the results, as DescribeExecution describes it and the ResultWriter page shows it
     * (Transformation NONE): Input and Output as JSON text, dates with milliseconds.
     */
    static ObjectNode record(ExecutionResult child, JsonNode input, String childMachineArn) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        boolean succeeded = child.succeeded();
        if (child.cause() != null) {
            record.put("Cause", child.cause());
        }
        if (child.error() != null) {
            record.put("Error", child.error());
        }
        record.put("ExecutionArn", child.executionArn());
        record.put("Input", JsonText.compact(input));
        record.putObject("InputDetails").put("Included", true);
        record.put("Name", child.executionName());
        if (succeeded) {
            record.put("Output", JsonText.compact(child.output()));
            record.putObject("OutputDetails").put("Included", true);
        }
        record.put("RedriveCount", 0);
        record.put("RedriveStatus", succeeded ? "NOT_REDRIVABLE" : "REDRIVABLE");
        if (succeeded) {
            record.put("RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven");
        }
        record.put("StartDate", Timestamps.format(child.startTime()));
        record.put("StateMachineArn", childMachineArn);
        record.put("Status", child.status().name());
        record.put("StopDate", Timestamps.format(child.stopTime()));
        return record;
    }

    /** An item that never started: its input and status only (it has no execution). */
    static ObjectNode pendingRecord(JsonNode input) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("Input", JsonText.compact(input));
        record.putObject("InputDetails").put("Included", true);
        record.put("Status", "PENDING");
        return record;
    }

    /** Whether {@code value} is a JSON number with an integer value that fits a long. */
    static boolean isInteger(JsonNode value) {
        return value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToLong();
    }

    /** A value as Step Functions quotes it in causes: a string's text, anything else as JSON. */
    static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : JsonText.abbreviate(value);
    }
}
