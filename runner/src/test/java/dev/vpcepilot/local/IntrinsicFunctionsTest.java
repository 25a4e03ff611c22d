package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.IntrinsicExpression;
import dev.vpcepilot.local.asl.IntrinsicFunctions;
import dev.vpcepilot.local.asl.IntrinsicParser;
import dev.vpcepilot.local.asl.IntrinsicSyntaxException;
import dev.vpcepilot.local.asl.PayloadTemplate;
import dev.vpcepilot.local.asl.StatesError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and evaluating the intrinsic functions, on this input and context. */
class IntrinsicFunctionsTest {

    private static final JsonNode INPUT = json("""
            {"name": "vpc", "n": 3, "list": [1, 2, 2, 3], "csv": "a,b;c", "obj": {"k": 1},
             "jsonText": "{\\"x\\": [1, true]}", "other": {"k": 2, "z": 0}}
            """);
    private static final JsonNode CONTEXT = json("{\"Execution\": {\"Name\": \"exec-1\"}}");

    private static JsonNode eval(String expression) {
        return PayloadTemplate.expression(expression, INPUT, CONTEXT, "field.$");
    }

    private static String failure(String expression) {
        StatesError error = assertThrows(StatesError.class, () -> eval(expression));
        assertEquals("States.Runtime", error.error());
        return error.cause();
    }

    @Test
    void formatFillsPlaceholdersInOrderAndHonoursEscapes() {
        assertEquals(json("\"It's vpc: {3} true null\""),
                eval("States.Format('It\\'s {}: \\{{}\\} {} {}', $.name, $.n, true, null)"));
        assertEquals(json("\"exec-1/1.5\""), eval("States.Format('{}/{}', $$.Execution.Name, 1.5)"));
        assertEquals(json("\"no placeholders\""), eval("States.Format('no placeholders')"));
    }

    @Test
    void formatNeedsOnePlaceholderPerArgumentAndScalarArguments() {
        assertTrue(failure("States.Format('{} {}', $.name)").contains("placeholders"));
        assertTrue(failure("States.Format('{}', $.name, $.n)").contains("placeholder"));
        assertTrue(failure("States.Format('{}', $.obj)").contains("string, number, boolean or null"));
    }

    @Test
    void stringToJsonAndJsonToStringAreInverse() {
        assertEquals(json("{\"x\": [1, true]}"), eval("States.StringToJson($.jsonText)"));
        assertEquals(json("\"{\\\"k\\\":1}\""), eval("States.JsonToString($.obj)"));
        assertEquals(json("5"), eval("States.StringToJson('5')"));
        assertTrue(failure("States.StringToJson('{broken')").contains("not a JSON document"));
        assertTrue(failure("States.StringToJson($.n)").contains("must be a string"));
    }

    @Test
    void arrayFunctions() {
        assertEquals(json("[\"vpc\", 3, true, null, -1.5, [1, 2, 2, 3]]"),
                eval("States.Array($.name, $.n, true, null, -1.5, $.list)"));
        assertEquals(json("[]"), eval("States.Array()"));
        assertEquals(json("4"), eval("States.ArrayLength($.list)"));
        assertEquals(json("2"), eval("States.ArrayGetItem($.list, 1)"));
        assertEquals(json("true"), eval("States.ArrayContains($.list, 3)"));
        assertEquals(json("false"), eval("States.ArrayContains($.list, 4)"));
        assertEquals(json("[1, 2, 3]"), eval("States.ArrayUnique($.list)"));
        assertEquals(json("[[1, 2], [2, 3]]"), eval("States.ArrayPartition($.list, 2)"));
        assertEquals(json("[[1, 2, 2], [3]]"), eval("States.ArrayPartition($.list, 3)"));
        assertEquals(json("[1, 3, 5]"), eval("States.ArrayRange(1, 6, 2)"));
        assertEquals(json("[5, 4, 3]"), eval("States.ArrayRange(5, 3, -1)"));
        assertTrue(failure("States.ArrayGetItem($.list, 4)").contains("out of range"));
        assertTrue(failure("States.ArrayLength($.name)").contains("must be an array"));
        assertTrue(failure("States.ArrayRange(1, 2000, 1)").contains("1000"));
    }

    @Test
    void stringSplitSplitsOnEveryDelimiterCharacter() {
        assertEquals(json("[\"a\", \"b\", \"c\"]"), eval("States.StringSplit($.csv, ',;')"));
        assertEquals(json("[\"This\", \"is\", \"a\", \"test\", \"string\"]"),
                eval("States.StringSplit('This.is+a,test=string', '.+,=')"));
    }

    @Test
    void nestedCallsAndContextPaths() {
        assertEquals(json("\"b\""), eval("States.ArrayGetItem(States.StringSplit($.csv, ',;'), 1)"));
        assertEquals(json("\"exec-1 has 4\""),
                eval("States.Format('{} has {}', $$.Execution.Name, States.ArrayLength($.list))"));
    }

    @Test
    void mathAddRoundsToIntegersWithinTheIntRange() {
        assertEquals(json("5"), eval("States.MathAdd($.n, 2)"));
        assertEquals(json("-1"), eval("States.MathAdd(-4, $.n)"));
        assertEquals(json("4"), eval("States.MathAdd(1.4, 2.6)"));
        assertTrue(failure("States.MathAdd(2147483648, 1)").contains("range"));
        assertTrue(failure("States.MathAdd($.name, 1)").contains("number"));
    }

    @Test
    void mathRandomStaysInItsRangeAndASeedRepeats() {
        for (int i = 0; i < 50; i++) {
            int value = eval("States.MathRandom(1, 4)").asInt();
            assertTrue(value >= 1 && value < 4, "out of range: " + value);
        }
        assertEquals(eval("States.MathRandom(0, 1000, 42)"), eval("States.MathRandom(0, 1000, 42)"));
    }

    @Test
    void encodingHashingMergingAndUuids() throws Exception {
        assertEquals(json("\"aW5wdXQgZGF0YQ==\""), eval("States.Base64Encode('input data')"));
        assertEquals(json("\"input data\""), eval("States.Base64Decode('aW5wdXQgZGF0YQ==')"));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("input data".getBytes(StandardCharsets.UTF_8)));
        assertEquals(json("\"" + sha256 + "\""), eval("States.Hash('input data', 'SHA-256')"));
        assertTrue(failure("States.Hash('x', 'SHA-3')").contains("algorithm"));
        assertEquals(json("{\"k\": 2, \"z\": 0}"), eval("States.JsonMerge($.obj, $.other, false)"));
        assertTrue(failure("States.JsonMerge($.obj, $.other, true)").contains("shallow"));
        assertTrue(eval("States.UUID()").asText()
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void aPathArgumentThatMatchesNothingIsStatesRuntime() {
        assertTrue(failure("States.Format('{}', $.missing)").contains("$.missing"));
    }

    @Test
    void theParserKeepsArgumentKindsApart() {
        IntrinsicExpression.Call call = IntrinsicParser.parse(
                "States.Array( 'a,b' , $['odd key'], $.list[0], -2, States.UUID() )");
        assertEquals("States.Array", call.name());
        List<IntrinsicExpression> args = call.arguments();
        assertEquals(new IntrinsicExpression.StringLiteral("a,b"), args.get(0));
        assertEquals(new IntrinsicExpression.PathReference("$['odd key']"), args.get(1));
        assertEquals(new IntrinsicExpression.PathReference("$.list[0]"), args.get(2));
        assertEquals(new IntrinsicExpression.JsonLiteral(json("-2")), args.get(3));
        assertEquals(new IntrinsicExpression.Call("States.UUID", List.of()), args.get(4));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "States.Format('unterminated)",
            "States.Format('bad escape \\n')",
            "States.Format('a') trailing",
            "States.Format('a'",
            "States.Array(1 2)",
            "States.Array(nope)",
            "States.Array($..)",
            "Format('a')",
            "States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array("
                    + "States.Array(States.Array(States.Array(States.Array(1)))))))))))"})
    void malformedCallsAreSyntaxErrors(String text) {
        assertThrows(IntrinsicSyntaxException.class, () -> IntrinsicParser.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "States.Nope(1)                          | intrinsic function States.Nope is not supported",
            "States.UUID(1)                          | States.UUID takes 0 argument(s), not 1",
            "States.ArrayGetItem($.list)             | States.ArrayGetItem takes 2 argument(s), not 1",
            "States.Array(States.Unknown())          | intrinsic function States.Unknown is not supported"})
    void unknownFunctionsAndWrongArgumentCountsAreReported(String text, String problem) {
        List<String> problems = IntrinsicFunctions.problems(IntrinsicParser.parse(text));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(problem), problems.get(0));
    }
}
