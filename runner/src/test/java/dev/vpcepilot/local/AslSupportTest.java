package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.local.asl.AslSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The static check: what the runner refuses, and that each refusal names the state and the feature. */
class AslSupportTest {

    /** A definition with one state "S" (given) going to "End" when it has Next. */
    private static List<String> problemsOf(String state) {
        return AslSupport.unsupportedFeatures(json("""
                {"StartAt": "S", "States": {"S": %s, "End": {"Type": "Succeed"}}}
                """.formatted(state)), resource -> resource.equals("arn:fn"));
    }

    private static void assertRefused(String state, String expected) {
        List<String> problems = problemsOf(state);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem containing <" + expected + "> in " + problems);
    }

    @Test
    void aDefinitionUsingEverySupportedFeatureHasNoProblems() {
        List<String> problems = AslSupport.unsupportedFeatures(json("""
                {"Comment": "all of it", "Version": "1.0", "QueryLanguage": "JSONPath", "StartAt": "P", "States": {
                  "P": {"Type": "Pass", "Comment": "c", "InputPath": "$", "Parameters": {"a.$": "$.x",
                        "b.$": "States.Format('{}', $$.Execution.Id)", "c": [{"d.$": "$.items[*].id"}]},
                        "ResultPath": "$.p", "OutputPath": "$", "Next": "T"},
                  "T": {"Type": "Task", "Resource": "arn:fn", "TimeoutSeconds": 30, "ResultSelector": {"id.$": "$.id"},
                        "ResultPath": null, "Retry": [{"ErrorEquals": ["Transient"], "IntervalSeconds": 2,
                        "MaxAttempts": 6, "BackoffRate": 2.0, "MaxDelaySeconds": 20, "JitterStrategy": "FULL"},
                        {"ErrorEquals": ["States.ALL"]}],
                        "Catch": [{"ErrorEquals": ["States.Timeout", "States.TaskFailed"], "ResultPath": "$.error",
                        "Next": "F"}], "Next": "C"},
                  "C": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.p", "IsNull": true}, "Next": "W"}],
                        "Default": "S"},
                  "W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "S"},
                  "S": {"Type": "Succeed", "OutputPath": "$.p"},
                  "F": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "States.Format('{}', $.error.Cause)"}}}
                """), resource -> resource.equals("arn:fn"));
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'Type': 'Parallel', 'Branches': [], 'End': true}                    | State \"S\" (Parallel): the Parallel state type is not supported",
            "{'Type': 'Pass', 'QueryLanguage': 'JSONata', 'End': true}            | State \"S\" (Pass): QueryLanguage JSONata is not supported",
            "{'Type': 'Pass', 'Output': '{% $states.input %}', 'End': true}       | State \"S\" (Pass): field Output (JSONata) is not supported",
            "{'Type': 'Pass', 'Assign': {'x': 1}, 'End': true}                    | State \"S\" (Pass): field Assign (workflow variables) is not supported",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Arguments': {}, 'End': true} | State \"S\" (Task): field Arguments (JSONata) is not supported",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'ItemProcessor': {}, 'End': true} | State \"S\" (Task): field ItemProcessor is not allowed in a Task state",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'HeartbeatSeconds': 5, 'End': true} | State \"S\" (Task): field HeartbeatSeconds (activity and callback heartbeats) is not supported",
            "{'Type': 'Pass', 'Bogus': 1, 'End': true}                            | State \"S\" (Pass): unknown field Bogus",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Result': 1, 'End': true}     | State \"S\" (Task): field Result is not allowed in a Task state",
            "{'Type': 'Pass', 'Parameters': {'x.$': 'States.Nope()'}, 'End': true} | State \"S\" (Pass): Parameters: field 'x.$': intrinsic function States.Nope is not supported",
            "{'Type': 'Pass', 'Parameters': {'x.$': 'States.Format(oops)'}, 'End': true} | State \"S\" (Pass): Parameters: field 'x.$': not a valid intrinsic function call",
            "{'Type': 'Pass', 'Parameters': {'x.$': 'plain'}, 'End': true}        | State \"S\" (Pass): Parameters: field 'x.$': 'plain' is neither a JSONPath",
            "{'Type': 'Pass', 'Parameters': {'x': 1, 'x.$': '$'}, 'End': true}    | fields 'x' and 'x.$' both set the same output field",
            "{'Type': 'Task', 'Resource': 'arn:aws:states:::lambda:invoke', 'End': true} | State \"S\" (Task): Resource 'arn:aws:states:::lambda:invoke' is not a Lambda function of the template",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'ResultPath': '$.a[*]', 'End': true} | State \"S\" (Task): ResultPath: '$.a[*]' is not a Reference Path",
            "{'Type': 'Pass', 'InputPath': '$.a[?(@.b', 'End': true}              | State \"S\" (Pass): InputPath: '$.a[?(@.b' is not a valid JSONPath",
            "{'Type': 'Pass', 'InputPath': '$$.Execution', 'End': true}           | InputPath must be a path on the state input",
            "{'Type': 'Pass', 'Next': 'Nowhere'}                                  | State \"S\" (Pass): Next \"Nowhere\" names no state",
            "{'Type': 'Pass', 'Next': 'End', 'End': true}                         | must have exactly one of Next and End",
            "{'Type': 'Pass', 'End': false}                                       | End must be true",
            "{'Type': 'Choice', 'Choices': [{'Variable': '$.x', 'StringContains': 'a', 'Next': 'End'}]} | State \"S\" (Choice): Choices #1: Choice operator StringContains is not supported",
            "{'Type': 'Choice', 'Choices': [{'Condition': '{% true %}', 'Next': 'End'}]} | Choice Rule field Condition (JSONata or variables) is not supported",
            "{'Type': 'Choice', 'Choices': [{'Variable': '$.x', 'IsNull': true}], 'Default': 'End'} | Choices #1: a Choice Rule of Choices must have Next",
            "{'Type': 'Choice', 'Choices': []}                                    | Choices must be a non-empty array",
            "{'Type': 'Wait', 'Seconds': 1, 'SecondsPath': '$.s', 'End': true}    | must have exactly one of Seconds, SecondsPath, Timestamp and TimestampPath",
            "{'Type': 'Wait', 'Seconds': -1, 'End': true}                         | Seconds must be an integer from 0",
            "{'Type': 'Wait', 'Timestamp': '2024-01-01 00:00:00', 'End': true}    | Timestamp must be an RFC 3339 timestamp",
            "{'Type': 'Fail', 'Error': 'E', 'ErrorPath': '$.e'}                   | must not have both Error and ErrorPath",
            "{'Type': 'Fail', 'CausePath': '$.c[*]'}                              | CausePath: '$.c[*]' is not a Reference Path",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Retry': [{'ErrorEquals': ['States.ALL', 'X']}], 'End': true} | Retry #1.ErrorEquals: States.ALL must appear alone, in the last Retrier",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Retry': [{'ErrorEquals': ['States.ALL']}, {'ErrorEquals': ['X']}], 'End': true} | Retry #1.ErrorEquals: States.ALL must appear alone, in the last Retrier",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Catch': [{'ErrorEquals': ['States.Nope'], 'Next': 'End'}], 'End': true} | Catch #1.ErrorEquals: States.Nope is not a States error name",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Retry': [{'ErrorEquals': ['X'], 'Backoff': 2}], 'End': true} | Retry #1: unknown field Backoff",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Retry': [{'ErrorEquals': ['X'], 'BackoffRate': 0.5}], 'End': true} | Retry #1.BackoffRate must be a number >= 1.0",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Retry': [{'ErrorEquals': ['X'], 'JitterStrategy': 'HALF'}], 'End': true} | Retry #1.JitterStrategy must be FULL or NONE",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'Catch': [{'ErrorEquals': ['X'], 'Next': 'End', 'Output': {}}], 'End': true} | Catch #1: field Output (JSONata) is not supported",
            "{'Type': 'Task', 'Resource': 'arn:fn', 'TimeoutSecondsPath': '$.t', 'End': true} | field TimeoutSecondsPath (a timeout from the input) is not supported",
            "{'Type': 'Nope', 'End': true}                                        | State \"S\" (Nope): unknown state type Nope",
            "{'End': true}                                                        | State \"S\": has no Type"})
    void refusesWithAMessageNamingTheStateAndTheFeature(String state, String expected) {
        assertRefused(state.replace('\'', '"'), expected);
    }

    @Test
    void refusesJsonataAndTimeoutsAtTheTopLevelAndUnreachableStates() {
        List<String> problems = AslSupport.unsupportedFeatures(json("""
                {"QueryLanguage": "JSONata", "TimeoutSeconds": 60, "Extra": 1, "StartAt": "A", "States": {
                  "A": {"Type": "Succeed"}, "Orphan": {"Type": "Succeed"}}}
                """));
        assertTrue(problems.contains("Definition: QueryLanguage JSONata is not supported by the local runner "
                + "(JSONPath only)"), problems.toString());
        assertTrue(problems.contains("Definition: top-level TimeoutSeconds (an execution time limit) is not supported "
                + "by the local runner"), problems.toString());
        assertTrue(problems.contains("Definition: unknown top-level field Extra"), problems.toString());
        assertTrue(problems.contains("State \"Orphan\": not reachable from StartAt"), problems.toString());
    }

    @Test
    void refusesAMissingStartAtOrStates() {
        assertTrue(AslSupport.unsupportedFeatures(json("{\"StartAt\": \"X\", \"States\": {\"A\": {\"Type\": "
                + "\"Succeed\"}}}")).stream().anyMatch(p -> p.startsWith("Definition: StartAt must name a state")));
        assertEquals(List.of("Definition: States must be a non-empty object"),
                AslSupport.unsupportedFeatures(json("{\"StartAt\": \"X\"}")));
    }
}
