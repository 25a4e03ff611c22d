package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The static check run before any execution: everything in a definition that the local runner does not
 * implement, or that is not valid States Language, as one message per problem naming the state and the
 * feature. The runner implements exactly Task (Lambda handlers of the template), Pass, Choice, Wait, Succeed,
 * Fail and Map with JSONPath processing; anything else (Parallel, JSONata, variables, unknown fields, unknown
 * intrinsic functions or Choice operators, other Task resources) is refused, so a definition can never silently
 * mean something else locally than in Step Functions.
 *
 * <p>A Map is accepted in INLINE mode, or in DISTRIBUTED mode with STANDARD child executions, with ItemsPath or an
 * ItemReader on {@code s3:getObject} (InputType JSON or JSONL, MaxItems or MaxItemsPath), ItemSelector, Label,
 * MaxConcurrency(Path), ToleratedFailureCount(Path) and ToleratedFailurePercentage(Path), a ResultWriter on
 * {@code s3:putObject} (Bucket and Prefix), ResultSelector, ResultPath, Retry and Catch. Its ItemProcessor's states
 * are checked like the top-level ones. Refused: EXPRESS children, ItemBatcher, the other reader input types and
 * options (CSV, Parquet, manifests, bucket listings, ItemsPointer, VersionId), WriterConfig, the deprecated
 * Iterator and Parameters, and a Map inside a Map's ItemProcessor.
 */
public final class AslSupport {

    private static final int MAX_STATE_NAME = 80;
    private static final long MAX_INTEGER_FIELD = 99_999_999L;
    private static final long MAX_DELAY_SECONDS = 31_622_400L;

    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("Comment", "StartAt", "States", "Version",
            "QueryLanguage");
    private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Task", union(COMMON, Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector",
                    "ResultPath", "Retry", "Catch", "Resource", "TimeoutSeconds")),
            "Pass", union(COMMON, Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath",
                    "Result")),
            "Choice", union(COMMON, Set.of("InputPath", "OutputPath", "Choices", "Default")),
            "Wait", union(COMMON, Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath",
                    "Timestamp", "TimestampPath")),
            "Succeed", union(COMMON, Set.of("InputPath", "OutputPath")),
            "Fail", union(COMMON, Set.of("Error", "ErrorPath", "Cause", "CausePath")),
            "Map", union(COMMON, Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "ResultSelector",
                    "Retry", "Catch", "ItemProcessor", "ItemsPath", "ItemSelector", "ItemReader", "ResultWriter",
                    "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath",
                    "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label")));
    private static final Set<String> UNSUPPORTED_TYPES = Set.of("Parallel");
    /** The Map fields that Step Functions documents for Distributed mode only. */
    private static final List<String> DISTRIBUTED_ONLY = List.of("ItemReader", "ResultWriter", "Label",
            "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath");
    private static final Pattern S3_GET_OBJECT = Pattern.compile("arn:aws[a-z-]*:states:::s3:getObject");
    private static final Pattern S3_PUT_OBJECT = Pattern.compile("arn:aws[a-z-]*:states:::s3:putObject");
    /** Labels: 1 to 40 characters, none of those the Developer Guide forbids (Distributed Map state fields). */
    private static final Pattern LABEL =
            Pattern.compile("[^\\s?*<>{}\\[\\]:;,\\\\|^~$#%&`\"\\p{Cntrl}\\x7F-\\x9F]{1,40}");
    private static final Map<String, String> UNSUPPORTED_FIELDS = Map.ofEntries(
            Map.entry("Arguments", "JSONata"), Map.entry("Output", "JSONata"),
            Map.entry("Assign", "workflow variables"),
            Map.entry("HeartbeatSeconds", "activity and callback heartbeats"),
            Map.entry("HeartbeatSecondsPath", "activity and callback heartbeats"),
            Map.entry("TimeoutSecondsPath", "a timeout from the input"),
            Map.entry("Credentials", "cross-account task credentials"),
            Map.entry("Iterator", "the deprecated name of a Map's ItemProcessor"), Map.entry("Items", "JSONata"),
            Map.entry("ItemBatcher", "batching a Map's items into child executions"),
            Map.entry("Branches", "Parallel"));
    private static final Set<String> RETRIER_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCHER_FIELDS = Set.of("ErrorEquals", "Next", "ResultPath", "Comment");

    private AslSupport() {
    }

    /** Problems of the definition, not checking what Task Resources name. */
    public static List<String> unsupportedFeatures(JsonNode definition) {
        return unsupportedFeatures(definition, resource -> true);
    }

    /** Problems of the definition; a Task Resource must be accepted by {@code knownResource}. */
    public static List<String> unsupportedFeatures(JsonNode definition, Predicate<String> knownResource) {
        List<String> problems = new ArrayList<>();
        if (definition == null || !definition.isObject()) {
            problems.add("Definition: must be a JSON object");
            return problems;
        }
        for (String field : fieldNames(definition)) {
            if (field.equals("TimeoutSeconds")) {
                problems.add("Definition: top-level TimeoutSeconds (an execution time limit) is not supported by the "
                        + "local runner");
            } else if (!TOP_LEVEL_FIELDS.contains(field)) {
                problems.add("Definition: unknown top-level field " + field);
            }
        }
        queryLanguageProblem(definition).ifPresent(p -> problems.add("Definition: " + p));
        if (definition.has("Version") && !"1.0".equals(definition.get("Version").asText())) {
            problems.add("Definition: Version must be \"1.0\"");
        }
        checkGraph(definition, new Scope("", false, knownResource, problems, new HashSet<>(), new HashSet<>()));
        return problems;
    }

    /** Throws {@link UnsupportedDefinitionException} listing every problem, if there is any. */
    public static void requireSupported(JsonNode definition, Predicate<String> knownResource) {
        List<String> problems = unsupportedFeatures(definition, knownResource);
        if (!problems.isEmpty()) {
            throw new UnsupportedDefinitionException(problems);
        }
    }

    /**
     * Where a graph of states is: the definition itself, or a Map's ItemProcessor ({@code prefix} names the Map).
     * State names and Map labels must be unique in the whole state machine, nested graphs included.
     */
    private record Scope(String prefix, boolean nested, Predicate<String> knownResource, List<String> problems,
                         Set<String> stateNames, Set<String> labels) {
        Scope inside(String mapName) {
            return new Scope(prefix + "State \"" + mapName + "\" > ", true, knownResource, problems, stateNames,
                    labels);
        }
    }

    /** StartAt and States of the definition or of an ItemProcessor, each state, and reachability. */
    private static void checkGraph(JsonNode graph, Scope scope) {
        String where = scope.nested() ? scope.prefix() + "ItemProcessor" : "Definition";
        List<String> problems = scope.problems();
        JsonNode states = graph.path("States");
        if (!states.isObject() || states.isEmpty()) {
            problems.add(where + ": States must be a non-empty object");
            return;
        }
        JsonNode startAt = graph.path("StartAt");
        if (!startAt.isTextual() || !states.has(startAt.asText())) {
            problems.add(where + ": StartAt must name a state; found " + JsonText.abbreviate(startAt));
        }
        for (String name : fieldNames(states)) {
            if (!scope.stateNames().add(name)) {
                problems.add(scope.prefix() + "State \"" + name + "\": the name is used by another state (state "
                        + "names must be unique in the whole state machine, Map ItemProcessors included)");
            }
            new StateCheck(name, states.get(name), states, scope).run();
        }
        if (startAt.isTextual() && states.has(startAt.asText())) {
            Set<String> reachable = reachableFrom(startAt.asText(), states);
            for (String name : fieldNames(states)) {
                if (!reachable.contains(name)) {
                    problems.add(scope.prefix() + "State \"" + name + "\": not reachable from StartAt");
                }
            }
        }
    }

    private static Optional<String> queryLanguageProblem(JsonNode node) {
        JsonNode language = node.get("QueryLanguage");
        if (language == null || "JSONPath".equals(language.asText())) {
            return Optional.empty();
        }
        if ("JSONata".equals(language.asText())) {
            return Optional.of("QueryLanguage JSONata is not supported by the local runner (JSONPath only)");
        }
        return Optional.of("QueryLanguage must be JSONPath or JSONata, not " + JsonText.abbreviate(language));
    }

    /** The checks of one state; problems are prefixed with the state's name and type. */
    private static final class StateCheck {
        private final String name;
        private final JsonNode state;
        private final JsonNode states;
        private final Scope scope;
        private final Predicate<String> knownResource;
        private final List<String> problems;
        private String where;

        StateCheck(String name, JsonNode state, JsonNode states, Scope scope) {
            this.name = name;
            this.state = state;
            this.states = states;
            this.scope = scope;
            this.knownResource = scope.knownResource();
            this.problems = scope.problems();
            this.where = scope.prefix() + "State \"" + name + "\"";
        }

        void run() {
            if (name.length() > MAX_STATE_NAME) {
                problem("a state name must be at most " + MAX_STATE_NAME + " characters");
            }
            if (!state.isObject()) {
                problem("must be a JSON object");
                return;
            }
            JsonNode typeNode = state.path("Type");
            if (!typeNode.isTextual()) {
                problem("has no Type");
                return;
            }
            String type = typeNode.asText();
            where += " (" + type + ")";
            queryLanguageProblem(state).ifPresent(this::problem);
            if (UNSUPPORTED_TYPES.contains(type)) {
                problem("the " + type + " state type is not supported by the local runner");
                return;
            }
            Set<String> allowed = FIELDS.get(type);
            if (allowed == null) {
                problem("unknown state type " + type);
                return;
            }
            for (String field : fieldNames(state)) {
                if (allowed.contains(field)) {
                    continue;
                }
                if (type.equals("Map") && field.equals("Parameters")) {
                    problem("field Parameters (the deprecated name of a Map's ItemSelector) is not supported by the "
                            + "local runner; use ItemSelector");
                } else if (UNSUPPORTED_FIELDS.containsKey(field)) {
                    problem("field " + field + " (" + UNSUPPORTED_FIELDS.get(field) + ") is not supported by the "
                            + "local runner");
                } else if (FIELDS.values().stream().anyMatch(fields -> fields.contains(field))) {
                    problem("field " + field + " is not allowed in a " + type + " state");
                } else {
                    problem("unknown field " + field);
                }
            }
            checkTransition(type);
            checkPath("InputPath");
            checkPath("OutputPath");
            checkReferencePath("ResultPath", state.get("ResultPath"));
            checkPayloadTemplate("Parameters");
            checkPayloadTemplate("ResultSelector");
            switch (type) {
                case "Task" -> checkTask();
                case "Choice" -> checkChoice();
                case "Wait" -> checkWait();
                case "Fail" -> checkFail();
                case "Map" -> checkMap();
                default -> { }
            }
        }

        private void checkTransition(String type) {
            if (!Set.of("Task", "Pass", "Wait", "Map").contains(type)) {
                return;
            }
            boolean hasNext = state.has("Next");
            boolean hasEnd = state.has("End");
            if (hasNext == hasEnd) {
                problem("must have exactly one of Next and End");
            }
            if (hasNext) {
                checkTarget("Next", state.get("Next"));
            }
            if (hasEnd && !state.get("End").asBoolean(false)) {
                problem("End must be true");
            }
        }

        private void checkTask() {
            JsonNode resource = state.path("Resource");
            if (!resource.isTextual()) {
                problem("Resource must be a string");
            } else if (!knownResource.test(resource.asText())) {
                problem("Resource '" + resource.asText() + "' is not a Lambda function of the template; the local "
                        + "runner runs only the template's Java handlers (service integrations and activities are "
                        + "not supported)");
            }
            if (state.has("TimeoutSeconds")) {
                checkInteger("TimeoutSeconds", state.get("TimeoutSeconds"), 1, MAX_INTEGER_FIELD);
            }
            if (state.has("Retry")) {
                checkRetry(state.get("Retry"));
            }
            if (state.has("Catch")) {
                checkCatch(state.get("Catch"));
            }
        }

        private void checkMap() {
            JsonNode processor = state.get("ItemProcessor");
            if (processor == null || !processor.isObject()) {
                problem("ItemProcessor must be an object with StartAt and States");
                return;
            }
            for (String field : fieldNames(processor)) {
                if (!Set.of("StartAt", "States", "ProcessorConfig", "Comment").contains(field)) {
                    problem("ItemProcessor: unknown field " + field);
                }
            }
            boolean distributed = checkProcessorConfig(processor.path("ProcessorConfig"));
            if (scope.nested()) {
                problem("a Map state inside a Map's ItemProcessor is not supported by the local runner");
            } else {
                checkGraph(processor, scope.inside(name));
            }
            if (!distributed) {
                for (String field : DISTRIBUTED_ONLY) {
                    if (state.has(field)) {
                        problem("field " + field + " applies to DISTRIBUTED mode only (ItemProcessor.ProcessorConfig"
                                + ".Mode); this Map runs INLINE");
                    }
                }
            }
            if (state.has("ItemsPath")) {
                JsonNode itemsPath = state.get("ItemsPath");
                String text = itemsPath.asText();
                if (!itemsPath.isTextual()) {
                    problem("ItemsPath must be a Reference Path");
                } else {
                    JsonPaths.referencePathProblem(JsonPaths.isContextPath(text) ? text.substring(1) : text)
                            .ifPresent(p -> problem("ItemsPath: " + p));
                }
                if (state.has("ItemReader")) {
                    problem("ItemsPath cannot be used with an ItemReader: it selects the items of a JSON input passed "
                            + "from a previous state (ItemsPath, Step Functions Developer Guide)");
                }
            }
            checkPayloadTemplate("ItemSelector");
            checkNumberOrPath("MaxConcurrency", true, 0, MAX_INTEGER_FIELD);
            checkNumberOrPath("ToleratedFailureCount", true, 0, MAX_INTEGER_FIELD);
            checkNumberOrPath("ToleratedFailurePercentage", false, 0, 100);
            if (state.has("Label")) {
                JsonNode label = state.get("Label");
                if (!label.isTextual() || !LABEL.matcher(label.asText()).matches()) {
                    problem("Label must be 1 to 40 characters without whitespace, control characters or any of "
                            + "? * < > { } [ ] : ; , \\ | ^ ~ $ # % & ` \", not " + JsonText.abbreviate(label));
                } else if (!scope.labels().add(label.asText())) {
                    problem("Label \"" + label.asText() + "\" is used by another Map state (labels must be unique in "
                            + "the state machine)");
                }
            }
            if (state.has("ItemReader")) {
                checkItemReader(state.get("ItemReader"));
            }
            if (state.has("ResultWriter")) {
                checkResultWriter(state.get("ResultWriter"));
            }
            if (state.has("Retry")) {
                checkRetry(state.get("Retry"));
            }
            if (state.has("Catch")) {
                checkCatch(state.get("Catch"));
            }
        }

        /** Checks ProcessorConfig; true when the Map runs in DISTRIBUTED mode. */
        private boolean checkProcessorConfig(JsonNode config) {
            if (config.isMissingNode()) {
                return false;
            }
            if (!config.isObject()) {
                problem("ItemProcessor.ProcessorConfig must be an object");
                return false;
            }
            for (String field : fieldNames(config)) {
                if (!field.equals("Mode") && !field.equals("ExecutionType")) {
                    problem("ItemProcessor.ProcessorConfig: unknown field " + field);
                }
            }
            String mode = config.path("Mode").asText("INLINE");
            JsonNode executionType = config.get("ExecutionType");
            if (mode.equals("INLINE")) {
                if (executionType != null) {
                    problem("ItemProcessor.ProcessorConfig.ExecutionType applies to DISTRIBUTED mode only");
                }
                return false;
            }
            if (!mode.equals("DISTRIBUTED")) {
                problem("ItemProcessor.ProcessorConfig.Mode must be INLINE or DISTRIBUTED, not "
                        + JsonText.abbreviate(config.get("Mode")));
                return false;
            }
            if (executionType == null) {
                problem("ItemProcessor.ProcessorConfig.ExecutionType is required in DISTRIBUTED mode (STANDARD)");
            } else if (executionType.asText().equals("EXPRESS")) {
                problem("ItemProcessor.ProcessorConfig.ExecutionType EXPRESS (Express child workflows: at-least-once, "
                        + "at most 5 minutes, no history of their own) is not supported by the local runner; use "
                        + "STANDARD");
            } else if (!executionType.asText().equals("STANDARD")) {
                problem("ItemProcessor.ProcessorConfig.ExecutionType must be STANDARD or EXPRESS, not "
                        + JsonText.abbreviate(executionType));
            }
            return true;
        }

        /** {@code field} (an integer, or a number when {@code integer} is false, from min to max) or field + Path. */
        private void checkNumberOrPath(String field, boolean integer, long min, long max) {
            String pathField = field + "Path";
            if (state.has(field) && state.has(pathField)) {
                problem("must not have both " + field + " and " + pathField);
            }
            if (state.has(pathField)) {
                checkReferencePath(pathField, state.get(pathField));
            }
            if (!state.has(field)) {
                return;
            }
            JsonNode value = state.get(field);
            if (integer) {
                checkInteger(field, value, min, max);
            } else if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
                problem(field + " must be a number from " + min + " to " + max + ", not " + JsonText.abbreviate(value));
            }
        }

        private void checkItemReader(JsonNode reader) {
            if (!reader.isObject()) {
                problem("ItemReader must be an object");
                return;
            }
            for (String field : fieldNames(reader)) {
                if (field.equals("Arguments")) {
                    problem("ItemReader: field Arguments (JSONata) is not supported by the local runner");
                } else if (!Set.of("Resource", "Parameters", "ReaderConfig").contains(field)) {
                    problem("ItemReader: unknown field " + field);
                }
            }
            JsonNode resource = reader.path("Resource");
            if (!resource.isTextual()) {
                problem("ItemReader.Resource must be arn:aws:states:::s3:getObject");
            } else if (resource.asText().endsWith(":s3:listObjectsV2")) {
                problem("ItemReader.Resource " + resource.asText() + " (the objects of a bucket as items) is not "
                        + "supported by the local runner; use arn:aws:states:::s3:getObject with InputType JSON or "
                        + "JSONL");
            } else if (!S3_GET_OBJECT.matcher(resource.asText()).matches()) {
                problem("ItemReader.Resource must be arn:aws:states:::s3:getObject, not " + resource.asText());
            }
            checkS3Parameters("ItemReader", reader.get("Parameters"), "Key", Set.of("VersionId",
                    "ExpectedBucketOwner"));
            JsonNode config = reader.get("ReaderConfig");
            if (config == null || !config.isObject()) {
                problem("ItemReader.ReaderConfig must be an object with InputType JSON or JSONL");
                return;
            }
            for (String field : fieldNames(config)) {
                if (Set.of("CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "ItemsPointer", "Transformation",
                        "ManifestType").contains(field)) {
                    problem("ItemReader.ReaderConfig: field " + field + " is not supported by the local runner");
                } else if (!Set.of("InputType", "MaxItems", "MaxItemsPath").contains(field)) {
                    problem("ItemReader.ReaderConfig: unknown field " + field);
                }
            }
            JsonNode inputType = config.path("InputType");
            if (inputType.isMissingNode()) {
                problem("ItemReader.ReaderConfig.InputType is required (JSON or JSONL)");
            } else if (Set.of("CSV", "PARQUET", "MANIFEST").contains(inputType.asText())) {
                problem("ItemReader.ReaderConfig.InputType " + inputType.asText() + " is not supported by the local "
                        + "runner (JSON and JSONL are)");
            } else if (!Set.of("JSON", "JSONL").contains(inputType.asText())) {
                problem("ItemReader.ReaderConfig.InputType must be CSV, JSON, JSONL, PARQUET or MANIFEST, not "
                        + JsonText.abbreviate(inputType));
            }
            if (config.has("MaxItems") && config.has("MaxItemsPath")) {
                problem("ItemReader.ReaderConfig must not have both MaxItems and MaxItemsPath");
            }
            if (config.has("MaxItems")) {
                checkInteger("ItemReader.ReaderConfig.MaxItems", config.get("MaxItems"), 0, MapItemReader.MAX_ITEMS);
            }
            if (config.has("MaxItemsPath")) {
                checkReferencePath("ItemReader.ReaderConfig.MaxItemsPath", config.get("MaxItemsPath"));
            }
        }

        private void checkResultWriter(JsonNode writer) {
            if (!writer.isObject()) {
                problem("ResultWriter must be an object");
                return;
            }
            for (String field : fieldNames(writer)) {
                if (field.equals("WriterConfig")) {
                    problem("ResultWriter: field WriterConfig (output transformations and JSON Lines results) is not "
                            + "supported by the local runner");
                } else if (field.equals("Arguments")) {
                    problem("ResultWriter: field Arguments (JSONata) is not supported by the local runner");
                } else if (!Set.of("Resource", "Parameters").contains(field)) {
                    problem("ResultWriter: unknown field " + field);
                }
            }
            JsonNode resource = writer.path("Resource");
            if (!resource.isTextual() || !S3_PUT_OBJECT.matcher(resource.asText()).matches()) {
                problem("ResultWriter.Resource must be arn:aws:states:::s3:putObject, not "
                        + JsonText.abbreviate(resource));
            }
            checkS3Parameters("ResultWriter", writer.get("Parameters"), "Prefix", Set.of());
        }

        /** Parameters with Bucket (required) and {@code other} (Key required, Prefix optional), as is or with .$. */
        private void checkS3Parameters(String owner, JsonNode parameters, String other, Set<String> unsupported) {
            String label = owner + ".Parameters";
            if (parameters == null || !parameters.isObject()) {
                problem(label + " must be an object with Bucket" + (other.equals("Key") ? " and Key" : ""));
                return;
            }
            for (String field : fieldNames(parameters)) {
                String plain = field.endsWith(".$") ? field.substring(0, field.length() - 2) : field;
                if (unsupported.contains(plain)) {
                    problem(label + ": field " + field + " is not supported by the local runner");
                } else if (!plain.equals("Bucket") && !plain.equals(other)) {
                    problem(label + ": unknown field " + field + " (Bucket and " + other + " are read)");
                }
            }
            if (!parameters.has("Bucket") && !parameters.has("Bucket.$")) {
                problem(label + " must give Bucket (or Bucket.$)");
            }
            if (other.equals("Key") && !parameters.has("Key") && !parameters.has("Key.$")) {
                problem(label + " must give Key (or Key.$)");
            }
            PayloadTemplate.problems(parameters).forEach(p -> problem(label + ": " + p));
        }

        private void checkRetry(JsonNode retriers) {
            if (!retriers.isArray()) {
                problem("Retry must be an array");
                return;
            }
            for (int i = 0; i < retriers.size(); i++) {
                JsonNode retrier = retriers.get(i);
                String label = "Retry #" + (i + 1);
                if (!retrier.isObject()) {
                    problem(label + " must be an object");
                    continue;
                }
                for (String field : fieldNames(retrier)) {
                    if (!RETRIER_FIELDS.contains(field)) {
                        problem(label + ": unknown field " + field);
                    }
                }
                checkErrorEquals(label, retrier.get("ErrorEquals"), i == retriers.size() - 1);
                if (retrier.has("IntervalSeconds")) {
                    checkInteger(label + ".IntervalSeconds", retrier.get("IntervalSeconds"), 1, MAX_INTEGER_FIELD);
                }
                if (retrier.has("MaxAttempts")) {
                    checkInteger(label + ".MaxAttempts", retrier.get("MaxAttempts"), 0, MAX_INTEGER_FIELD);
                }
                if (retrier.has("MaxDelaySeconds")) {
                    checkInteger(label + ".MaxDelaySeconds", retrier.get("MaxDelaySeconds"), 1, MAX_DELAY_SECONDS);
                }
                if (retrier.has("BackoffRate")) {
                    JsonNode rate = retrier.get("BackoffRate");
                    if (!rate.isNumber() || rate.asDouble() < 1.0) {
                        problem(label + ".BackoffRate must be a number >= 1.0");
                    }
                }
                if (retrier.has("JitterStrategy")) {
                    String jitter = retrier.get("JitterStrategy").asText();
                    if (!jitter.equals("FULL") && !jitter.equals("NONE")) {
                        problem(label + ".JitterStrategy must be FULL or NONE");
                    }
                }
            }
        }

        private void checkCatch(JsonNode catchers) {
            if (!catchers.isArray()) {
                problem("Catch must be an array");
                return;
            }
            for (int i = 0; i < catchers.size(); i++) {
                JsonNode catcher = catchers.get(i);
                String label = "Catch #" + (i + 1);
                if (!catcher.isObject()) {
                    problem(label + " must be an object");
                    continue;
                }
                for (String field : fieldNames(catcher)) {
                    if (UNSUPPORTED_FIELDS.containsKey(field)) {
                        problem(label + ": field " + field + " (" + UNSUPPORTED_FIELDS.get(field) + ") is not "
                                + "supported by the local runner");
                    } else if (!CATCHER_FIELDS.contains(field)) {
                        problem(label + ": unknown field " + field);
                    }
                }
                checkErrorEquals(label, catcher.get("ErrorEquals"), i == catchers.size() - 1);
                checkTarget(label + ".Next", catcher.get("Next"));
                checkReferencePath(label + ".ResultPath", catcher.get("ResultPath"));
            }
        }

        private void checkErrorEquals(String label, JsonNode errorEquals, boolean last) {
            if (errorEquals == null || !errorEquals.isArray() || errorEquals.isEmpty()) {
                problem(label + ".ErrorEquals must be a non-empty array of error names");
                return;
            }
            for (JsonNode error : errorEquals) {
                if (!error.isTextual()) {
                    problem(label + ".ErrorEquals must hold strings only");
                    continue;
                }
                String errorName = error.asText();
                if (errorName.startsWith("States.") && !ErrorNames.RESERVED.contains(errorName)) {
                    problem(label + ".ErrorEquals: " + errorName + " is not a States error name");
                }
                if (errorName.equals(ErrorNames.ALL) && (errorEquals.size() != 1 || !last)) {
                    problem(label + ".ErrorEquals: States.ALL must appear alone, in the last "
                            + (label.startsWith("Retry") ? "Retrier" : "Catcher"));
                }
            }
        }

        private void checkChoice() {
            JsonNode choices = state.path("Choices");
            if (!choices.isArray() || choices.isEmpty()) {
                problem("Choices must be a non-empty array");
                return;
            }
            for (int i = 0; i < choices.size(); i++) {
                JsonNode rule = choices.get(i);
                String label = "Choices #" + (i + 1);
                ChoiceRules.problems(rule, true).forEach(p -> problem(label + ": " + p));
                if (rule.path("Next").isTextual()) {
                    checkTarget(label + ".Next", rule.get("Next"));
                }
            }
            if (state.has("Default")) {
                checkTarget("Default", state.get("Default"));
            }
        }

        private void checkWait() {
            int given = 0;
            for (String field : List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath")) {
                given += state.has(field) ? 1 : 0;
            }
            if (given != 1) {
                problem("must have exactly one of Seconds, SecondsPath, Timestamp and TimestampPath");
            }
            if (state.has("Seconds")) {
                checkInteger("Seconds", state.get("Seconds"), 0, MAX_INTEGER_FIELD);
            }
            if (state.has("Timestamp")) {
                JsonNode timestamp = state.get("Timestamp");
                if (!timestamp.isTextual() || Timestamps.parse(timestamp.asText()).isEmpty()) {
                    problem("Timestamp must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z");
                }
            }
            for (String field : List.of("SecondsPath", "TimestampPath")) {
                if (state.has(field)) {
                    checkReferencePath(field, state.get(field));
                }
            }
        }

        private void checkFail() {
            if (state.has("Error") && state.has("ErrorPath")) {
                problem("must not have both Error and ErrorPath");
            }
            if (state.has("Cause") && state.has("CausePath")) {
                problem("must not have both Cause and CausePath");
            }
            for (String field : List.of("Error", "Cause")) {
                if (state.has(field) && !state.get(field).isTextual()) {
                    problem(field + " must be a string");
                }
            }
            for (String field : List.of("ErrorPath", "CausePath")) {
                JsonNode value = state.get(field);
                if (value == null) {
                    continue;
                }
                if (!value.isTextual()) {
                    problem(field + " must be a string");
                } else if (IntrinsicParser.looksLikeCall(value.asText())) {
                    PayloadTemplate.expressionProblem(value.asText()).ifPresent(p -> problem(field + ": " + p));
                } else {
                    checkReferencePath(field, value);
                }
            }
        }

        private void checkPath(String field) {
            JsonNode value = state.get(field);
            if (value == null || value.isNull()) {
                return;
            }
            if (!value.isTextual()) {
                problem(field + " must be a path or null");
            } else if (JsonPaths.isContextPath(value.asText())) {
                problem(field + " must be a path on the state input, not the context object");
            } else {
                JsonPaths.pathProblem(value.asText()).ifPresent(p -> problem(field + ": " + p));
            }
        }

        private void checkReferencePath(String field, JsonNode value) {
            if (value == null || value.isNull()) {
                return;
            }
            if (!value.isTextual()) {
                problem(field + " must be a Reference Path or null");
            } else {
                JsonPaths.referencePathProblem(value.asText()).ifPresent(p -> problem(field + ": " + p));
            }
        }

        private void checkPayloadTemplate(String field) {
            JsonNode template = state.get(field);
            if (template != null) {
                PayloadTemplate.problems(template).forEach(p -> problem(field + ": " + p));
            }
        }

        private void checkTarget(String field, JsonNode target) {
            if (target == null || !target.isTextual()) {
                problem(field + " must name a state");
            } else if (!states.has(target.asText())) {
                problem(field + " \"" + target.asText() + "\" names no state");
            }
        }

        private void checkInteger(String field, JsonNode value, long min, long max) {
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
                problem(field + " must be an integer from " + min + " to " + max + ", not "
                        + JsonText.abbreviate(value));
            }
        }

        private void problem(String text) {
            problems.add(where + ": " + text);
        }
    }

    private static Set<String> reachableFrom(String start, JsonNode states) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(start));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name) || !states.path(name).isObject()) {
                continue;
            }
            JsonNode state = states.get(name);
            List<JsonNode> targets = new ArrayList<>();
            targets.add(state.get("Next"));
            targets.add(state.get("Default"));
            state.path("Choices").forEach(rule -> targets.add(rule.get("Next")));
            state.path("Catch").forEach(catcher -> targets.add(catcher.get("Next")));
            for (JsonNode target : targets) {
                if (target != null && target.isTextual() && states.has(target.asText())) {
                    pending.push(target.asText());
                }
            }
        }
        return seen;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
