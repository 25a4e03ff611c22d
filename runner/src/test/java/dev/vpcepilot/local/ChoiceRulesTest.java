package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.ChoiceRules;
import dev.vpcepilot.local.asl.StatesError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every Choice operator, on one input. */
class ChoiceRulesTest {

    private static final JsonNode INPUT = json("""
            {"s": "beta", "s2": "beta", "low": "alpha", "n": 5, "n2": 5.0, "big": 10, "t": true, "f": false,
             "nul": null, "ts": "2024-05-01T12:00:00Z", "ts2": "2024-05-01T14:00:00+02:00",
             "later": "2024-05-02T00:00:00Z", "notTs": "2024-05-01 12:00:00", "star": "a*b", "list": [1]}
            """);
    private static final JsonNode CONTEXT = json("{\"Execution\": {\"Name\": \"exec-1\"}}");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'Variable': '$.s', 'StringEquals': 'beta'}                       | true",
            "{'Variable': '$.s', 'StringEquals': 'Beta'}                       | false",
            "{'Variable': '$.n', 'StringEquals': '5'}                          | false",
            "{'Variable': '$.s', 'StringEqualsPath': '$.s2'}                   | true",
            "{'Variable': '$.s', 'StringLessThan': 'gamma'}                    | true",
            "{'Variable': '$.s', 'StringGreaterThan': 'alpha'}                 | true",
            "{'Variable': '$.s', 'StringLessThanEquals': 'beta'}               | true",
            "{'Variable': '$.s', 'StringGreaterThanEquals': 'c'}               | false",
            "{'Variable': '$.s', 'StringGreaterThanPath': '$.low'}             | true",
            "{'Variable': '$.s', 'StringLessThanPath': '$.low'}                | false",
            "{'Variable': '$.s', 'StringLessThanEqualsPath': '$.s2'}           | true",
            "{'Variable': '$.s', 'StringGreaterThanEqualsPath': '$.s2'}        | true",
            "{'Variable': '$.s', 'StringMatches': 'b*a'}                       | true",
            "{'Variable': '$.s', 'StringMatches': '*et*'}                      | true",
            "{'Variable': '$.s', 'StringMatches': 'b*x'}                       | false",
            "{'Variable': '$.star', 'StringMatches': 'a\\\\*b'}                | true",
            "{'Variable': '$.s', 'StringMatches': 'b\\\\*a'}                   | false",
            "{'Variable': '$.n', 'NumericEquals': 5}                           | true",
            "{'Variable': '$.n2', 'NumericEquals': 5}                          | true",
            "{'Variable': '$.s', 'NumericEquals': 5}                           | false",
            "{'Variable': '$.n', 'NumericEqualsPath': '$.n2'}                  | true",
            "{'Variable': '$.n', 'NumericLessThan': 5.5}                       | true",
            "{'Variable': '$.n', 'NumericGreaterThan': 5}                      | false",
            "{'Variable': '$.n', 'NumericLessThanEquals': 5}                   | true",
            "{'Variable': '$.n', 'NumericGreaterThanEquals': 6}                | false",
            "{'Variable': '$.n', 'NumericLessThanPath': '$.big'}               | true",
            "{'Variable': '$.n', 'NumericGreaterThanPath': '$.big'}            | false",
            "{'Variable': '$.n', 'NumericLessThanEqualsPath': '$.n2'}          | true",
            "{'Variable': '$.big', 'NumericGreaterThanEqualsPath': '$.n'}      | true",
            "{'Variable': '$.t', 'BooleanEquals': true}                        | true",
            "{'Variable': '$.f', 'BooleanEquals': true}                        | false",
            "{'Variable': '$.s', 'BooleanEquals': true}                        | false",
            "{'Variable': '$.t', 'BooleanEqualsPath': '$.f'}                   | false",
            "{'Variable': '$.ts', 'TimestampEquals': '2024-05-01T12:00:00Z'}   | true",
            "{'Variable': '$.ts', 'TimestampEqualsPath': '$.ts2'}              | true",
            "{'Variable': '$.ts', 'TimestampLessThan': '2024-05-01T12:00:01Z'} | true",
            "{'Variable': '$.ts', 'TimestampGreaterThan': '2024-05-01T11:00:00Z'} | true",
            "{'Variable': '$.ts', 'TimestampLessThanEquals': '2024-05-01T12:00:00Z'} | true",
            "{'Variable': '$.ts', 'TimestampGreaterThanEquals': '2024-05-02T00:00:00Z'} | false",
            "{'Variable': '$.ts', 'TimestampLessThanPath': '$.later'}          | true",
            "{'Variable': '$.ts', 'TimestampGreaterThanPath': '$.later'}       | false",
            "{'Variable': '$.later', 'TimestampGreaterThanEqualsPath': '$.ts'} | true",
            "{'Variable': '$.ts', 'TimestampLessThanEqualsPath': '$.ts2'}      | true",
            "{'Variable': '$.notTs', 'TimestampEquals': '2024-05-01T12:00:00Z'} | false",
            "{'Variable': '$.nul', 'IsNull': true}                             | true",
            "{'Variable': '$.s', 'IsNull': false}                              | true",
            "{'Variable': '$.s', 'IsPresent': true}                            | true",
            "{'Variable': '$.nope', 'IsPresent': true}                         | false",
            "{'Variable': '$.nope', 'IsPresent': false}                        | true",
            "{'Variable': '$.nul', 'IsPresent': true}                          | true",
            "{'Variable': '$.n', 'IsNumeric': true}                            | true",
            "{'Variable': '$.s', 'IsNumeric': true}                            | false",
            "{'Variable': '$.s', 'IsString': true}                             | true",
            "{'Variable': '$.list', 'IsString': false}                         | true",
            "{'Variable': '$.f', 'IsBoolean': true}                            | true",
            "{'Variable': '$.ts', 'IsTimestamp': true}                         | true",
            "{'Variable': '$.notTs', 'IsTimestamp': true}                      | false",
            "{'Variable': '$$.Execution.Name', 'StringEquals': 'exec-1'}       | true",
            "{'And': [{'Variable': '$.n', 'NumericEquals': 5}, {'Variable': '$.t', 'BooleanEquals': true}]} | true",
            "{'And': [{'Variable': '$.n', 'NumericEquals': 5}, {'Variable': '$.f', 'BooleanEquals': true}]} | false",
            "{'Or': [{'Variable': '$.n', 'NumericEquals': 6}, {'Variable': '$.t', 'BooleanEquals': true}]}  | true",
            "{'Or': [{'Variable': '$.n', 'NumericEquals': 6}, {'Variable': '$.f', 'BooleanEquals': true}]}  | false",
            "{'Not': {'Variable': '$.n', 'NumericEquals': 6}}                  | true",
            "{'Or': [{'Variable': '$.nope', 'IsPresent': true}, {'Not': {'Variable': '$.s', 'StringEquals': 'x'}}]} | true"})
    void operators(String rule, boolean expected) {
        JsonNode node = json(rule.replace('\'', '"'));
        assertTrue(ChoiceRules.problems(node, false).isEmpty(), () -> ChoiceRules.problems(node, false).toString());
        assertEquals(expected, ChoiceRules.matches(node, INPUT, CONTEXT));
    }

    @Test
    void aMissingVariableOrComparedPathIsStatesRuntime() {
        StatesError variable = assertThrows(StatesError.class, () -> ChoiceRules.matches(
                json("{\"Variable\": \"$.nope\", \"IsNull\": true}"), INPUT, CONTEXT));
        assertEquals("States.Runtime", variable.error());
        StatesError path = assertThrows(StatesError.class, () -> ChoiceRules.matches(
                json("{\"Variable\": \"$.n\", \"NumericEqualsPath\": \"$.nope\"}"), INPUT, CONTEXT));
        assertEquals("States.Runtime", path.error());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'Variable': '$.s', 'StringContains': 'x'}                    | Choice operator StringContains is not supported",
            "{'Condition': '{% true %}'}                                   | Choice Rule field Condition (JSONata",
            "{'Variable': '$.s'}                                           | a Choice Rule has no operator",
            "{'Variable': '$.s', 'StringEquals': 'a', 'IsNull': true}      | a Choice Rule must have exactly one operator",
            "{'Variable': '$.n', 'NumericEquals': '5'}                     | NumericEquals \"5\": must be a number",
            "{'Variable': '$.t', 'TimestampEquals': 'yesterday'}           | TimestampEquals \"yesterday\": must be an RFC 3339",
            "{'StringEquals': 'a'}                                         | StringEquals needs a Variable",
            "{'And': []}                                                   | And must be a non-empty array",
            "{'Not': {'Variable': '$.s', 'IsNull': true, 'Next': 'X'}}     | a Choice Rule inside And, Or or Not must not have Next",
            "{'Variable': '$.s', 'StringEqualsPath': 'not a path'}         | StringEqualsPath \"not a path\": a path must start with $"})
    void invalidOrUnsupportedRulesAreReported(String rule, String problem) {
        var problems = ChoiceRules.problems(json(rule.replace('\'', '"')), false);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(problem)), problems.toString());
    }
}
