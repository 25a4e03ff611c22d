package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.StateMachineInterpreter;
import dev.vpcepilot.local.asl.UnsupportedDefinitionException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Input and output processing, the context object, Pass, Choice, Wait, Succeed and Fail. */
class InterpreterDataFlowTest {

    @Test
    void passPlacesResultAtNestedResultPathThenAppliesOutputPath() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "P", "States": {
                  "P": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.a.b", "Next": "Q"},
                  "Q": {"Type": "Pass", "OutputPath": "$.a", "End": true}}}
                """, """
                {"keep": true}
                """);
        assertTrue(result.succeeded());
        assertEquals(json("{\"b\": {\"x\": 1}}"), result.output());
    }

    @Test
    void passWithoutResultPassesItsEffectiveInputAndNullInputPathMeansEmptyObject() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Pass", "InputPath": "$.inner", "ResultPath": "$.copy", "Next": "B"},
                  "B": {"Type": "Pass", "InputPath": null, "ResultPath": "$.empty", "End": true}}}
                """, """
                {"inner": {"v": 2}}
                """);
        assertEquals(json("{\"inner\": {\"v\": 2}, \"copy\": {\"v\": 2}, \"empty\": {}}"), result.output());
    }

    @Test
    void parametersReadInputContextObjectAndIntrinsicsAtAnyDepth() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "Build", "States": {
                  "Build": {"Type": "Pass", "Parameters": {
                      "literal": "text",
                      "value.$": "$.v",
                      "nested": {"items": [{"first.$": "$.list[0]"}, 7]},
                      "all.$": "$.list[*]",
                      "execution.$": "$$.Execution.Id",
                      "name.$": "$$.Execution.Name",
                      "input.$": "$$.Execution.Input.v",
                      "start.$": "$$.Execution.StartTime",
                      "state.$": "$$.State.Name",
                      "entered.$": "$$.State.EnteredTime",
                      "retries.$": "$$.State.RetryCount",
                      "machine.$": "$$.StateMachine.Id",
                      "machineName.$": "$$.StateMachine.Name",
                      "formatted.$": "States.Format('{} has {} items', $.v, States.ArrayLength($.list))"},
                    "End": true}}}
                """, """
                {"v": "abc", "list": [10, 20]}
                """);
        assertEquals(json("""
                {"literal": "text", "value": "abc", "nested": {"items": [{"first": 10}, 7]}, "all": [10, 20],
                 "execution": "arn:aws:states:us-east-1:123456789012:execution:Machine:test-execution",
                 "name": "test-execution", "input": "abc", "start": "2024-05-01T12:00:00.000Z", "state": "Build",
                 "entered": "2024-05-01T12:00:00.000Z", "retries": 0,
                 "machine": "arn:aws:states:us-east-1:123456789012:stateMachine:Machine", "machineName": "Machine",
                 "formatted": "abc has 2 items"}
                """), result.output());
    }

    @Test
    void taskAppliesInputPathParametersResultSelectorResultPathAndOutputPathInOrder() {
        Interpreter interpreter = new Interpreter().task("fn", call -> json("{\"id\": \"x-1\", \"noise\": true}"));
        ExecutionResult result = interpreter.run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn",
                  "InputPath": "$.request", "Parameters": {"vpc.$": "$.vpc", "fixed": 1},
                  "ResultSelector": {"endpointId.$": "$.id"}, "ResultPath": "$.result", "OutputPath": "$.result",
                  "End": true}}}
                """, """
                {"request": {"vpc": "vpc-1", "other": 0}, "kept": true}
                """);
        assertEquals(json("{\"vpc\": \"vpc-1\", \"fixed\": 1}"), interpreter.invocations.get(0).input());
        assertEquals(json("{\"endpointId\": \"x-1\"}"), result.output());
    }

    @Test
    void resultPathNullDiscardsTheResultAndKeepsTheRawInput() {
        ExecutionResult result = new Interpreter().task("fn", call -> json("{\"ignored\": 1}")).run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "InputPath": "$.a",
                  "ResultPath": null, "End": true}}}
                """, """
                {"a": {"b": 1}, "c": 2}
                """);
        assertEquals(json("{\"a\": {\"b\": 1}, \"c\": 2}"), result.output());
    }

    @Test
    void resultPathThroughANonObjectIsResultPathMatchFailure() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "ResultPath": "$.a.b", "End": true}}}
                """, """
                {"a": "text"}
                """);
        assertEquals("States.ResultPathMatchFailure", result.error());
    }

    @Test
    void aPathThatMatchesNothingIsStatesRuntime() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": true}}}
                """, "{}");
        assertEquals("States.Runtime", result.error());
        assertTrue(result.cause().contains("$.missing") && result.cause().contains("x.$"), result.cause());

        ExecutionResult outOfRange = new Interpreter().run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.list[3]", "End": true}}}
                """, "{\"list\": [1]}");
        assertEquals("States.Runtime", outOfRange.error());
    }

    @Test
    void choiceEvaluatesRulesInOrderThenDefaultOnItsEffectiveInput() {
        String definition = """
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "InputPath": "$.in", "OutputPath": "$.n", "Choices": [
                      {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
                      {"And": [{"Variable": "$.n", "NumericGreaterThanEquals": 0},
                               {"Not": {"Variable": "$.n", "NumericEquals": 5}}], "Next": "Small"}],
                    "Default": "Other"},
                  "Big": {"Type": "Pass", "Result": "big", "End": true},
                  "Small": {"Type": "Pass", "InputPath": "$", "ResultPath": "$", "Result": "small", "End": true},
                  "Other": {"Type": "Succeed"}}}
                """;
        assertEquals(json("\"big\""), new Interpreter().run(definition, "{\"in\": {\"n\": 11}}").output());
        assertEquals(json("\"small\""), new Interpreter().run(definition, "{\"in\": {\"n\": 3}}").output());
        ExecutionResult other = new Interpreter().run(definition, "{\"in\": {\"n\": 5}}");
        assertEquals(json("5"), other.output());
        assertEquals(List.of("C", "Other"), other.statesEntered());
    }

    @Test
    void choiceWithoutMatchOrDefaultFailsWithNoChoiceMatched() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "D"}]},
                  "D": {"Type": "Succeed"}}}
                """, "{}");
        assertEquals("States.NoChoiceMatched", result.error());
    }

    @Test
    void choiceOnAMissingVariableIsStatesRuntime() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "a", "Next": "D"}],
                    "Default": "D"},
                  "D": {"Type": "Succeed"}}}
                """, "{}");
        assertEquals("States.Runtime", result.error());
    }

    @Test
    void waitSecondsAndSecondsPathAreScaledAndReported() {
        Interpreter interpreter = new Interpreter().timeScale(0.5);
        ExecutionResult result = interpreter.run("""
                {"StartAt": "W1", "States": {
                  "W1": {"Type": "Wait", "Seconds": 4, "Next": "W2"},
                  "W2": {"Type": "Wait", "SecondsPath": "$.delay", "OutputPath": "$.delay", "End": true}}}
                """, "{\"delay\": 10}");
        assertEquals(json("10"), result.output());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(5)), interpreter.sleeps);
        List<ProgressEvent.Waited> waits = result.events(ProgressEvent.Waited.class);
        assertEquals(Duration.ofSeconds(4), waits.get(0).delay());
        assertEquals(Duration.ofSeconds(2), waits.get(0).slept());
    }

    @Test
    void waitUntilATimestampWaitsTheDifferenceOrNothingIfPast() {
        Interpreter interpreter = new Interpreter();
        ExecutionResult result = interpreter.run("""
                {"StartAt": "W1", "States": {
                  "W1": {"Type": "Wait", "Timestamp": "2024-05-01T12:00:30Z", "Next": "W2"},
                  "W2": {"Type": "Wait", "TimestampPath": "$.until", "Next": "W3"},
                  "W3": {"Type": "Wait", "TimestampPath": "$.past", "End": true}}}
                """, """
                {"until": "2024-05-01T14:00:01+02:00", "past": "2020-01-01T00:00:00Z"}
                """);
        assertTrue(result.succeeded());
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ZERO), interpreter.sleeps);
    }

    @Test
    void waitOnABadSecondsPathValueIsStatesRuntime() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.d", "End": true}}}
                """, "{\"d\": \"soon\"}");
        assertEquals("States.Runtime", result.error());
    }

    @Test
    void failTakesErrorAndCauseFromPathsAndIntrinsics() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.failure.error",
                  "CausePath": "States.Format('{} after {} tries', $.failure.cause, $.n)"}}}
                """, """
                {"failure": {"error": "VpcNotFound", "cause": "no such VPC"}, "n": 3}
                """);
        assertEquals(ExecutionResult.Status.FAILED, result.status());
        assertEquals("VpcNotFound", result.error());
        assertEquals("no such VPC after 3 tries", result.cause());
        assertEquals(json("{\"error\": \"VpcNotFound\", \"cause\": \"no such VPC after 3 tries\"}"),
                result.document());
    }

    @Test
    void failWithLiteralsOrNothing() {
        ExecutionResult literal = new Interpreter().run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Broken", "Cause": "by design"}}}
                """, "{}");
        assertEquals("Broken", literal.error());
        assertEquals("by design", literal.cause());
        ExecutionResult bare = new Interpreter().run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail"}}}
                """, "{}");
        assertEquals(ExecutionResult.Status.FAILED, bare.status());
        assertEquals(null, bare.error());
    }

    @Test
    void failErrorPathToANonStringIsStatesRuntime() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.e"}}}
                """, "{\"e\": 42}");
        assertEquals("States.Runtime", result.error());
    }

    @Test
    void succeedAppliesInputPathAndOutputPath() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "S", "States": {"S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}}}
                """, "{\"a\": {\"b\": [1, 2]}}");
        assertEquals(json("[1, 2]"), result.output());
    }

    @Test
    void aLoopEndsAtTheTransitionBoundAsStatesRuntime() {
        ExecutionResult result = new Interpreter().maxTransitions(50).run("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Pass", "Next": "B"},
                  "B": {"Type": "Pass", "Next": "A"}}}
                """, "{}");
        assertEquals("States.Runtime", result.error());
        assertTrue(result.cause().contains("50"), result.cause());
        assertEquals(50, result.statesEntered().size());
    }

    @Test
    void anOutputOverThePayloadQuotaIsDataLimitExceeded() {
        String big = "x".repeat(StateMachineInterpreter.MAX_PAYLOAD_BYTES);
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "%s", "End": true}}}
                """.formatted(big), "{}");
        assertEquals("States.DataLimitExceeded", result.error());
    }

    @Test
    void eventsTellTheWholeStoryInOrder() {
        ExecutionResult result = new Interpreter().run("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
                """, "{}");
        List<String> lines = result.events().stream().map(ProgressEvent::describe).toList();
        assertEquals(List.of(
                "execution arn:aws:states:us-east-1:123456789012:execution:Machine:test-execution",
                "-> A (Pass)", "-> B (Succeed)", "execution succeeded"), lines);
    }

    @Test
    void executionNamesFollowStepFunctionsRules() {
        StateMachineInterpreter interpreter = new Interpreter().interpreter("""
                {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}
                """);
        assertThrows(IllegalArgumentException.class, () -> interpreter.execute(json("{}"), "has space", e -> { }));
        assertThrows(IllegalArgumentException.class, () -> interpreter.execute(json("{}"), "x".repeat(81), e -> { }));
        assertTrue(interpreter.execute(json("{}"), "ok-name_1", e -> { }).succeeded());
    }

    @Test
    void theInterpreterRefusesAnUnsupportedDefinitionBeforeRunning() {
        UnsupportedDefinitionException refused = assertThrows(UnsupportedDefinitionException.class,
                () -> new Interpreter().interpreter("""
                        {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true}}}
                        """));
        assertTrue(refused.getMessage().contains("State \"M\" (Map)"), refused.getMessage());
    }

    @Test
    void theInputIsNotChangedByTheExecution() {
        var input = json("{\"a\": {\"b\": 1}}");
        new Interpreter().interpreter("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 2, "ResultPath": "$.a.c", "End": true}}}
                """).execute(input, "n", e -> { });
        assertFalse(input.path("a").has("c"));
    }
}
