package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.UUID;
import static dev.vpcepilot.local.TestProject.fieldNames;
import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.asl.UnsupportedDefinitionException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Map state's data flow and identities: items, ItemSelector, child executions, inline iterations, Retry. */
class MapStateTest {

    static final String DISTRIBUTED = "\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}";

    /** Items from ItemsPath; each child execution with its own ARN, name, input and state machine in $$. */
    @Test
    void eachItemRunsAsAChildExecutionWithItsOwnIdentityAndContextObject() {
        Interpreter interpreter = new Interpreter().task("fn", call -> json("{\"arn\": \"" + call.executionArn() + "\"}"));
        ExecutionResult result = interpreter.run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "Label": "Targets", "ItemsPath": "$.targets",
                  "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value",
                                   "source.$": "$$.Map.Item.Source", "mode.$": "$.mode", "map.$": "$$.State.Name",
                                   "parent.$": "$$.Execution.Id"},
                  "ItemProcessor": {%s, "StartAt": "Work", "States": {
                    "Work": {"Type": "Task", "Resource": "fn", "ResultPath": "$.task", "Next": "Context"},
                    "Context": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name",
                        "input.$": "$$.Execution.Input", "machine.$": "$$.StateMachine.Id",
                        "machineName.$": "$$.StateMachine.Name", "state.$": "$$.State.Name", "task.$": "$.task.arn"},
                      "End": true}}},
                  "End": true}}}
                """.formatted(DISTRIBUTED), """
                {"targets": [{"account": "111"}, {"account": "222"}, {"account": "333"}], "mode": "verify"}
                """);
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(3, result.output().size());
        String parent = "arn:aws:states:us-east-1:123456789012:execution:Machine:test-execution";
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            JsonNode child = result.output().get(i);
            JsonNode expectedInput = json("""
                    {"index": %d, "value": {"account": "%s"}, "source": "STATE_DATA", "mode": "verify", "map": "Each",
                     "parent": "%s"}""".formatted(i, "111222333".substring(3 * i, 3 * i + 3), parent));
            assertEquals(expectedInput, child.get("input"));
            String name = child.get("name").asText();
            assertTrue(name.matches(UUID), name);
            assertTrue(names.add(name), "child names are unique");
            assertEquals("arn:aws:states:us-east-1:123456789012:execution:Machine/Targets:" + name,
                    child.get("id").asText());
            assertEquals(child.get("id"), child.get("task"), "a child's Task runs in the child execution");
            assertEquals("arn:aws:states:us-east-1:123456789012:stateMachine:Machine/Targets",
                    child.get("machine").asText());
            assertEquals("Machine/Targets", child.get("machineName").asText());
            assertEquals("Context", child.get("state").asText());
        }
        List<ProgressEvent.MapRunStarted> runs = result.events(ProgressEvent.MapRunStarted.class);
        assertEquals(1, runs.size());
        assertTrue(Pattern.matches("arn:aws:states:us-east-1:123456789012:mapRun:Machine/Targets:" + UUID,
                runs.get(0).mapRunArn()), runs.get(0).mapRunArn());
        assertEquals(List.of("Each"), result.statesEntered(), "the child's states are in the child's events only");
        List<ProgressEvent.ChildExecutionEnded> ended = result.events(ProgressEvent.ChildExecutionEnded.class);
        assertEquals(3, ended.size());
        assertEquals(3, result.events(ProgressEvent.ChildExecutionStarted.class).size());
        for (ProgressEvent.ChildExecutionEnded end : ended) {
            ExecutionResult child = end.child();
            assertEquals(List.of("Work", "Context"), child.statesEntered());
            assertEquals(result.output().get(end.index()), child.output());
            assertEquals(child.executionArn(), child.events(ProgressEvent.ExecutionStarted.class).get(0).executionArn());
            assertTrue(end.describe().startsWith("  item " + end.index() + " SUCCEEDED arn:aws:states:"), end.describe());
        }
    }

    @Test
    void withoutALabelTheMapRunAndItsChildrenCarryAGeneratedOneThatStaysTheSame() {
        String definition = """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map",
                  "ItemProcessor": {%s, "StartAt": "P", "States": {"P": {"Type": "Pass",
                    "Parameters": {"id.$": "$$.Execution.Id"}, "End": true}}}, "End": true}}}
                """.formatted(DISTRIBUTED);
        ExecutionResult first = new Interpreter().run(definition, "[1]");
        ExecutionResult second = new Interpreter().run(definition, "[1]");
        String run = first.events(ProgressEvent.MapRunStarted.class).get(0).mapRunArn();
        Pattern arn = Pattern.compile("arn:aws:states:us-east-1:123456789012:mapRun:Machine/(" + UUID + "):" + UUID);
        java.util.regex.Matcher matcher = arn.matcher(run);
        assertTrue(matcher.matches(), run);
        String label = matcher.group(1);
        assertTrue(first.output().get(0).get("id").asText().startsWith(
                "arn:aws:states:us-east-1:123456789012:execution:Machine/" + label + ":"));
        String secondRun = second.events(ProgressEvent.MapRunStarted.class).get(0).mapRunArn();
        assertTrue(secondRun.contains("/" + label + ":"), "one label per Map state");
        assertNotEquals(run, secondRun, "every Map Run has an ARN of its own");
    }

    /** The States Language's own Map example: InputPath, ItemsPath, ItemSelector, ResultPath. */
    @Test
    void inputPathItemsPathItemSelectorResultSelectorResultPathAndOutputPathApplyInOrder() {
        Interpreter interpreter = new Interpreter().task("ship-val",
                call -> json("{\"ok\": \"" + call.input().at("/parcel/prod").asText() + "\"}"));
        ExecutionResult result = interpreter.run("""
                {"StartAt": "Validate-All", "States": {"Validate-All": {"Type": "Map", "InputPath": "$.detail",
                  "ItemsPath": "$.shipped", "MaxConcurrency": 0,
                  "ItemSelector": {"parcel.$": "$$.Map.Item.Value", "courier.$": "$.delivery-partner"},
                  "ItemProcessor": {%s, "StartAt": "Validate", "States": {
                    "Validate": {"Type": "Task", "Resource": "ship-val", "End": true}}},
                  "ResultSelector": {"all.$": "$[*].ok", "count.$": "States.ArrayLength($)"},
                  "ResultPath": "$.detail.shipped", "OutputPath": "$.detail", "End": true}}}
                """.formatted(DISTRIBUTED), """
                {"ship-date": "2016-03-14T01:59:00Z", "detail": {"delivery-partner": "UQS", "shipped": [
                  {"prod": "R31", "dest-code": 9511, "quantity": 1344}, {"prod": "S39", "dest-code": 9511, "quantity": 40}]}}
                """);
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(json("""
                {"delivery-partner": "UQS", "shipped": {"all": ["R31", "S39"], "count": 2}}"""), result.output());
        assertEquals(json("""
                {"parcel": {"prod": "R31", "dest-code": 9511, "quantity": 1344}, "courier": "UQS"}"""),
                interpreter.invocations.stream().filter(c -> c.input().at("/parcel/prod").asText().equals("R31"))
                        .findFirst().orElseThrow().input());
    }

    @Test
    void theItemsMustBeAnArray() {
        String definition = """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
                  "ItemProcessor": {%s, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
                  "Caught": {"Type": "Succeed"}}}
                """.formatted(DISTRIBUTED);
        ExecutionResult number = new Interpreter().run(definition, "{\"items\": 1}");
        assertEquals("States.Runtime", number.error(), "not catchable");
        assertEquals("Map state input must be an array but was: 1", number.cause());
        ExecutionResult object = new Interpreter().run(definition, "{\"items\": {\"a\": 1}}");
        assertEquals("States.Runtime", object.error());
        assertTrue(object.cause().contains("selects a JSON object") && object.cause().contains("arrays only"),
                object.cause());
        ExecutionResult missing = new Interpreter().run(definition, "{}");
        assertEquals("States.Runtime", missing.error());
    }

    /** "JSONPath states can refer to the context ($$.) from ... ItemsPath (in Map states)". */
    @Test
    void itemsPathMayReadTheContextObject() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "Skip", "States": {
                  "Skip": {"Type": "Pass", "Result": "replaced", "Next": "Each"},
                  "Each": {"Type": "Map", "ItemsPath": "$$.Execution.Input.items",
                    "ItemProcessor": {%s, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                    "End": true}}}
                """.formatted(DISTRIBUTED), "{\"items\": [\"x\", \"y\"]}");
        assertEquals(json("[\"x\", \"y\"]"), result.output());
    }

    /** What the CLI prints on stderr for a Map Run (each event's describe()). */
    @Test
    void theMapRunIsReportedInLinesAPersonCanRead() {
        ExecutionResult result = new Interpreter().task("fn", call -> {
            throw new StatesError("Broken", "no " + call.input().asText());
        }).run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "Label": "L", "MaxConcurrency": 1,
                  "ToleratedFailureCount": 5, "ItemProcessor": {%s, "StartAt": "T", "States": {
                    "T": {"Type": "Task", "Resource": "fn", "End": true}}}, "End": true}}}
                """.formatted(DISTRIBUTED), "[\"a\"]");
        List<String> lines = result.events().stream()
                .filter(e -> !(e instanceof ProgressEvent.ExecutionStarted || e instanceof ProgressEvent.StateEntered
                        || e instanceof ProgressEvent.ExecutionSucceeded))
                .map(ProgressEvent::describe).map(line -> line.replaceAll(UUID, "<uuid>")).toList();
        String run = "arn:aws:states:us-east-1:123456789012:mapRun:Machine/L:<uuid>";
        String child = "arn:aws:states:us-east-1:123456789012:execution:Machine/L:<uuid>";
        assertEquals(List.of("map run " + run + ": 1 item, at most 1 at once",
                "  item 0 started " + child,
                "  item 0 FAILED " + child + ": Broken: no a",
                "map run " + run + " SUCCEEDED: 0 succeeded, 1 failed"), lines);
    }

    @Test
    void noItemsIsAnEmptyResult() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map",
                  "ItemProcessor": {%s, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
                """.formatted(DISTRIBUTED), "[]");
        assertEquals(json("[]"), result.output());
        ProgressEvent.MapRunEnded end = result.events(ProgressEvent.MapRunEnded.class).get(0);
        assertEquals(List.of(0, 0, 0, 0), List.of(end.succeeded(), end.failed(), end.aborted(), end.pending()));
        assertEquals(null, end.error());
    }

    /** The ResultWriter page: "If a child workflow execution fails, Step Functions returns its execution result". */
    @Test
    void aToleratedFailedChildAppearsInTheResultAsItsExecutionRecord() {
        Interpreter interpreter = new Interpreter().task("fn", call -> {
            if (call.input().asInt() == 2) {
                throw new StatesError("Broken", "item two is broken");
            }
            return call.input();
        });
        ExecutionResult result = interpreter.run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "Label": "L", "ToleratedFailureCount": 1,
                  "ItemProcessor": {%s, "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn",
                    "End": true}}}, "End": true}}}
                """.formatted(DISTRIBUTED), "[1, 2, 3]");
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(json("1"), result.output().get(0));
        assertEquals(json("3"), result.output().get(2));
        JsonNode failed = result.output().get(1);
        assertEquals(List.of("Cause", "Error", "ExecutionArn", "Input", "InputDetails", "Name", "RedriveCount",
                "RedriveStatus", "StartDate", "StateMachineArn", "Status", "StopDate"), fieldNames(failed));
        assertEquals("Broken", failed.get("Error").asText());
        assertEquals("item two is broken", failed.get("Cause").asText());
        assertEquals("FAILED", failed.get("Status").asText());
        assertEquals("2", failed.get("Input").asText(), "the input as JSON text");
        assertEquals("arn:aws:states:us-east-1:123456789012:stateMachine:Machine/L",
                failed.get("StateMachineArn").asText());
        assertEquals("arn:aws:states:us-east-1:123456789012:execution:Machine/L:" + failed.get("Name").asText(),
                failed.get("ExecutionArn").asText());
        assertEquals("2024-05-01T12:00:00.000Z", failed.get("StartDate").asText());
        ProgressEvent.ChildExecutionEnded end = result.events(ProgressEvent.ChildExecutionEnded.class).stream()
                .filter(e -> e.index() == 1).findFirst().orElseThrow();
        assertTrue(end.describe().contains("FAILED") && end.describe().contains("Broken: item two is broken"),
                end.describe());
    }

    /** "When you retry a Map state, it creates a new Map Run." */
    @Test
    void aRetryOfTheMapStateIsANewMapRunOfEveryItem() {
        AtomicInteger calls = new AtomicInteger();
        Interpreter interpreter = new Interpreter().task("fn", call -> {
            if (calls.incrementAndGet() == 1) {
                throw new StatesError("Flaky", "first call");
            }
            return call.input();
        });
        ExecutionResult result = interpreter.run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 1,
                  "ItemProcessor": {%s, "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "End": true}}},
                  "Retry": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 1}],
                  "End": true}}}
                """.formatted(DISTRIBUTED), "[1, 2]");
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(json("[1, 2]"), result.output());
        List<String> runs = result.events(ProgressEvent.MapRunStarted.class).stream()
                .map(ProgressEvent.MapRunStarted::mapRunArn).toList();
        assertEquals(2, runs.size());
        assertNotEquals(runs.get(0), runs.get(1));
        assertEquals(1, result.events(ProgressEvent.TaskRetried.class).size());
        assertEquals(3, calls.get(), "the first run stopped after its failure; the second ran both items");
    }

    @Test
    void inlineIterationsRunInsideTheExecutionAndItsEvents() {
        Interpreter interpreter = new Interpreter().task("fn", call -> json("\"" + call.executionArn() + "\""));
        ExecutionResult result = interpreter.run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "T", "States": {
                      "T": {"Type": "Task", "Resource": "fn", "ResultPath": "$.arn", "Next": "P"},
                      "P": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id", "arn.$": "$.arn",
                        "item.$": "$.n", "state.$": "$$.State.Name"}, "End": true}}},
                  "ItemSelector": {"n.$": "$$.Map.Item.Index"}, "Next": "Done"},
                  "Done": {"Type": "Succeed"}}}
                """, "[\"a\", \"b\"]");
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        String arn = "arn:aws:states:us-east-1:123456789012:execution:Machine:test-execution";
        assertEquals(json("""
                [{"id": "%1$s", "arn": "%1$s", "item": 0, "state": "P"},
                 {"id": "%1$s", "arn": "%1$s", "item": 1, "state": "P"}]""".formatted(arn)), result.output());
        assertEquals(List.of("Each", "Done"), result.statesEntered().stream().filter(s -> !s.equals("T")
                && !s.equals("P")).toList());
        assertEquals(2, result.statesEntered().stream().filter("P"::equals).count(), "iterations are events of the execution");
        assertTrue(result.events(ProgressEvent.MapRunStarted.class).isEmpty(), "no Map Run in Inline mode");
    }

    @Test
    void aFailedInlineIterationFailsTheMapWithItsErrorForCatch() {
        Interpreter interpreter = new Interpreter().task("fn", call -> {
            if (call.input().asInt() == 2) {
                throw new StatesError("Broken", "item two");
            }
            return call.input();
        });
        ExecutionResult result = interpreter.run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 1, "ItemsPath": "$.items",
                  "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "End": true}}},
                  "Catch": [{"ErrorEquals": ["Broken"], "ResultPath": "$.error", "Next": "Caught"}], "End": true},
                  "Caught": {"Type": "Pass", "InputPath": "$.error", "End": true}}}
                """, "{\"items\": [1, 2, 3]}");
        assertEquals(json("{\"Error\": \"Broken\", \"Cause\": \"item two\"}"), result.output());
        assertEquals(List.of(1, 2), interpreter.invocations.stream().map(c -> c.input().asInt()).toList(),
                "no iteration starts after a failed one");
    }

    @Test
    void childTaskResourcesAreCheckedLikeTopLevelOnes() {
        Interpreter interpreter = new Interpreter();
        UnsupportedDefinitionException refused = assertThrows(UnsupportedDefinitionException.class,
                () -> interpreter.interpreter("""
                        {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": {%s, "StartAt": "T",
                          "States": {"T": {"Type": "Task", "Resource": "unknown", "End": true}}}, "End": true}}}
                        """.formatted(DISTRIBUTED)));
        assertTrue(refused.problems().stream().anyMatch(p -> p.startsWith("State \"Each\" > State \"T\" (Task): "
                + "Resource 'unknown' is not a Lambda function")), refused.problems().toString());
    }

    static String statuses(ExecutionResult result) {
        return result.events(ProgressEvent.ChildExecutionEnded.class).stream()
                .sorted(Comparator.comparingInt(ProgressEvent.ChildExecutionEnded::index))
                .map(e -> e.index() + ":" + e.child().status()).collect(Collectors.joining(" "));
    }
}
