package dev.vpcepilot.contract;

import static dev.vpcepilot.fixtures.Fixtures.REGION;
import static dev.vpcepilot.fixtures.Fixtures.SERVICE;
import static dev.vpcepilot.fixtures.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vpcepilot.errors.InvalidInput;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class InputValidatorTest {

    private final InputValidator validator = new InputValidator(REGION);

    private static String rtb(int i) {
        return String.format("rtb-%017x", i);
    }

    private static String jsonArray(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    /** A valid policy document whose compact JSON is exactly {@code length} characters. */
    private static String policyOfLength(int length) {
        String head = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"";
        String tail = "\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
        return head + "x".repeat(length - head.length() - tail.length()) + tail;
    }

    private static ObjectNode manyTags(int count) {
        ObjectNode tags = JsonNodeFactory.instance.objectNode();
        IntStream.range(0, count).forEach(i -> tags.put("key" + i, "value" + i));
        return tags;
    }

    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                // the input itself
                Arguments.of("array input", "[]", List.of("must be a JSON object", "an array", "vpcId, routeTableIds")),
                Arguments.of("string input", "\"vpc-0123456789abcdef0\"", List.of("must be a JSON object", "a string")),
                Arguments.of("number input", "42", List.of("must be a JSON object", "a number")),
                Arguments.of("boolean input", "true", List.of("must be a JSON object", "a boolean")),
                // keys
                Arguments.of("unknown key", "{\"region\":\"us-east-1\"}",
                        List.of("Unknown input key 'region'", "Allowed keys, all optional: vpcId, routeTableIds, "
                                + "serviceName, policyDocument, tags, cleanup")),
                Arguments.of("two unknown keys", "{\"foo\":1,\"bar\":2}",
                        List.of("Unknown input keys 'foo', 'bar'")),
                Arguments.of("case-mistyped key", "{\"VpcId\":\"vpc-0123456789abcdef0\"}",
                        List.of("'VpcId'", "case-sensitive", "did you mean 'vpcId'?")),
                Arguments.of("case-mistyped key 2", "{\"routetableids\":[]}",
                        List.of("did you mean 'routeTableIds'?")),
                // vpcId
                Arguments.of("vpcId number", "{\"vpcId\":123}", List.of("vpcId must be a string", "a number",
                        "vpc-0123456789abcdef0")),
                Arguments.of("vpcId array", "{\"vpcId\":[\"vpc-0123456789abcdef0\"]}",
                        List.of("vpcId must be a string", "an array")),
                Arguments.of("vpcId malformed", "{\"vpcId\":\"vpc-123\"}",
                        List.of("'vpc-123' is not a VPC id", "8 or 17", "default VPC")),
                Arguments.of("vpcId upper case", "{\"vpcId\":\"vpc-0123456789ABCDEF0\"}",
                        List.of("is not a VPC id", "lowercase hex")),
                Arguments.of("vpcId injection", "{\"vpcId\":\"vpc-123; rm -rf /\"}",
                        List.of("'vpc-123; rm -rf /' is not a VPC id")),
                Arguments.of("vpcId valid prefix then junk", "{\"vpcId\":\"vpc-0123456789abcdef0 x\"}",
                        List.of("is not a VPC id")),
                Arguments.of("vpcId subnet id", "{\"vpcId\":\"subnet-01234567\"}", List.of("is not a VPC id")),
                // routeTableIds
                Arguments.of("routeTableIds string", "{\"routeTableIds\":\"rtb-01234567\"}",
                        List.of("routeTableIds must be an array", "a string", "[\"rtb-0123456789abcdef0\"]")),
                Arguments.of("routeTableIds object", "{\"routeTableIds\":{}}",
                        List.of("routeTableIds must be an array", "an object")),
                Arguments.of("routeTableIds empty", "{\"routeTableIds\":[]}",
                        List.of("has 0 entries", "1 to 50 route table ids")),
                Arguments.of("routeTableIds too many",
                        "{\"routeTableIds\":" + jsonArray(IntStream.range(0, 51).mapToObj(InputValidatorTest::rtb)
                                .toList()) + "}",
                        List.of("has 51 entries", "1 to 50")),
                Arguments.of("routeTableIds duplicate",
                        "{\"routeTableIds\":[\"rtb-01234567\",\"rtb-89abcdef\",\"rtb-01234567\"]}",
                        List.of("'rtb-01234567' more than once", "each route table id once")),
                Arguments.of("routeTableIds malformed", "{\"routeTableIds\":[\"rtb-01234567\",\"rtb-xyz\"]}",
                        List.of("\"rtb-xyz\", which is not a route table id", "'rtb-' followed by 8 or 17")),
                Arguments.of("routeTableIds number element", "{\"routeTableIds\":[5]}",
                        List.of("contains 5, which is not a route table id")),
                Arguments.of("routeTableIds null element", "{\"routeTableIds\":[null]}",
                        List.of("contains null")),
                // serviceName
                Arguments.of("serviceName other region", "{\"serviceName\":\"com.amazonaws.eu-west-1.dynamodb\"}",
                        List.of("is for region eu-west-1", "runs in us-east-1",
                                "Allowed: 'com.amazonaws.us-east-1.dynamodb'")),
                Arguments.of("serviceName other service", "{\"serviceName\":\"com.amazonaws.us-east-1.s3\"}",
                        List.of("is not a DynamoDB endpoint service name",
                                "Allowed: 'com.amazonaws.us-east-1.dynamodb'")),
                Arguments.of("serviceName interface style", "{\"serviceName\":\"dynamodb\"}",
                        List.of("is not a DynamoDB endpoint service name")),
                Arguments.of("serviceName wrong type", "{\"serviceName\":true}",
                        List.of("serviceName must be a string", "a boolean", "com.amazonaws.us-east-1.dynamodb")),
                // policyDocument
                Arguments.of("policy non-JSON string", "{\"policyDocument\":\"allow everything\"}",
                        List.of("policyDocument is a string but not JSON", "at most 20480 characters")),
                Arguments.of("policy JSON string with trailing text",
                        "{\"policyDocument\":\"{\\\"Statement\\\":[]} trailing\"}",
                        List.of("policyDocument is a string but not JSON")),
                Arguments.of("policy empty string", "{\"policyDocument\":\"\"}",
                        List.of("policyDocument is", "IAM policy document")),
                Arguments.of("policy array", "{\"policyDocument\":[{\"Statement\":[]}]}",
                        List.of("policyDocument is an array", "IAM policy document")),
                Arguments.of("policy string holding an array", "{\"policyDocument\":\"[1,2]\"}",
                        List.of("policyDocument is an array")),
                Arguments.of("policy number", "{\"policyDocument\":5}", List.of("policyDocument is a number")),
                Arguments.of("policy no Statement", "{\"policyDocument\":{\"Version\":\"2012-10-17\"}}",
                        List.of("policyDocument has no Statement", "\"Statement\":[...]")),
                Arguments.of("policy string no Statement", "{\"policyDocument\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\"}",
                        List.of("policyDocument has no Statement")),
                Arguments.of("policy object too long",
                        "{\"policyDocument\":" + policyOfLength(InputValidator.MAX_POLICY_CHARS + 1) + "}",
                        List.of("20481 characters long", "at most 20480 characters")),
                Arguments.of("policy string too long",
                        "{\"policyDocument\":" + TextNode.valueOf(policyOfLength(InputValidator.MAX_POLICY_CHARS + 1))
                                + "}",
                        List.of("20481 characters long", "at most 20480 characters")),
                Arguments.of("policy string too long by whitespace",
                        "{\"policyDocument\":" + TextNode.valueOf(" ".repeat(20_000) + "{\"Statement\":[]}"
                                + " ".repeat(1_000)) + "}",
                        List.of("characters long", "at most 20480 characters")),
                // tags
                Arguments.of("tags array", "{\"tags\":[\"team\",\"data\"]}",
                        List.of("tags must be an object", "an array", "{\"team\": \"data\"}")),
                Arguments.of("tags string", "{\"tags\":\"team=data\"}", List.of("tags must be an object", "a string")),
                Arguments.of("tag value number", "{\"tags\":{\"team\":5}}",
                        List.of("Tag 'team' has the value 5", "a string of 0 to 256")),
                Arguments.of("tag value object", "{\"tags\":{\"team\":{\"a\":1}}}", List.of("Tag 'team' has the value")),
                Arguments.of("tag value null", "{\"tags\":{\"team\":null}}", List.of("Tag 'team' has the value null")),
                Arguments.of("tag value bad chars", "{\"tags\":{\"team\":\"a;b\"}}", List.of("Tag 'team' has the value")),
                Arguments.of("tag value too long", "{\"tags\":{\"team\":\"" + "v".repeat(257) + "\"}}",
                        List.of("Tag 'team' has the value", "0 to 256")),
                Arguments.of("tag key aws:", "{\"tags\":{\"aws:cloudformation:stack-name\":\"x\"}}",
                        List.of("starts with 'aws:'", "AWS reserves")),
                Arguments.of("tag key AWS: upper", "{\"tags\":{\"AWS:Owner\":\"x\"}}", List.of("starts with 'aws:'")),
                Arguments.of("tag key Aws: mixed", "{\"tags\":{\"Aws:Owner\":\"x\"}}", List.of("starts with 'aws:'")),
                Arguments.of("tag key managed-by", "{\"tags\":{\"managed-by\":\"me\"}}",
                        List.of("'managed-by' is reserved", "except 'managed-by' and keys starting with 'vpce-pilot:'")),
                Arguments.of("tag key Managed-By", "{\"tags\":{\"Managed-By\":\"me\"}}", List.of("is reserved")),
                Arguments.of("tag key vpce-pilot:x", "{\"tags\":{\"vpce-pilot:execution\":\"x\"}}",
                        List.of("'vpce-pilot:execution' is reserved")),
                Arguments.of("tag key VPCE-PILOT:x", "{\"tags\":{\"VPCE-PILOT:stack\":\"x\"}}", List.of("is reserved")),
                Arguments.of("tag key bad chars", "{\"tags\":{\"team;drop\":\"x\"}}",
                        List.of("Tag key 'team;drop' is not allowed", "1 to 128 characters")),
                Arguments.of("tag key empty", "{\"tags\":{\"\":\"x\"}}", List.of("Tag key '' is not allowed")),
                Arguments.of("tag key too long", "{\"tags\":{\"" + "k".repeat(129) + "\":\"x\"}}",
                        List.of("is not allowed", "1 to 128")),
                Arguments.of("too many tags", "{\"tags\":" + manyTags(41) + "}",
                        List.of("tags has 41 entries", "at most 40")),
                // cleanup
                Arguments.of("cleanup string", "{\"cleanup\":\"true\"}",
                        List.of("cleanup must be true or false", "a string \"true\"", "not a string")),
                Arguments.of("cleanup number", "{\"cleanup\":1}", List.of("cleanup must be true or false", "a number")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidInputs")
    void rejectsWithAMessageSayingWhatIsAllowed(String name, String input, List<String> expectedFragments) {
        InvalidInput error = assertThrows(InvalidInput.class, () -> validator.validate(json(input)));

        for (String fragment : expectedFragments) {
            assertTrue(error.getMessage().contains(fragment),
                    () -> "message should contain <" + fragment + "> but was: " + error.getMessage());
        }
        assertTrue(error.getMessage().contains("Allowed"), () -> "no 'Allowed' in: " + error.getMessage());
        assertEquals("InvalidInput", error.errorName());
    }

    @Test
    void anEmptyObjectGetsEveryDefault() {
        InputValidator.Input input = validator.validate(json("{}"));

        assertNull(input.vpcId());
        assertNull(input.routeTableIds());
        assertEquals(SERVICE, input.serviceName());
        assertNull(input.policyDocument());
        assertNull(input.tags(), "no tags given: no wish about the tags of an endpoint that is reused");
        assertFalse(input.cleanup());
    }

    @Test
    void explicitNullsCountAsAbsent() {
        InputValidator.Input input = validator.validate(json("{\"vpcId\":null,\"routeTableIds\":null,"
                + "\"serviceName\":null,\"policyDocument\":null,\"tags\":null,\"cleanup\":null}"));

        assertEquals(new InputValidator.Input(null, null, SERVICE, null, null, false, false, null, false), input);
    }

    @Test
    void aNullInputGetsEveryDefault() {
        // JSON null (and no input at all) is treated like {}: every key is optional.
        InputValidator.Input expected = new InputValidator.Input(null, null, SERVICE, null, null, false, false, null, false);
        assertEquals(expected, validator.validate(json("null")));
        assertEquals(expected, validator.validate(null));
    }

    @Test
    void acceptsAFullValidInputAndSortsTheRouteTables() {
        InputValidator.Input input = validator.validate(json("""
                {"vpcId": "vpc-0123456789abcdef0",
                 "routeTableIds": ["rtb-89abcdef", "rtb-01234567"],
                 "serviceName": "com.amazonaws.us-east-1.dynamodb",
                 "policyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                    "Action": "dynamodb:*", "Resource": "*"}]},
                 "tags": {"team": "data", "cost-center": "a1 b2_c.d:e/f=g+h-i@j"},
                 "cleanup": true}
                """));

        assertEquals("vpc-0123456789abcdef0", input.vpcId());
        assertEquals(List.of("rtb-01234567", "rtb-89abcdef"), input.routeTableIds());
        assertEquals(SERVICE, input.serviceName());
        assertEquals("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"dynamodb:*\",\"Resource\":\"*\"}]}", input.policyDocument());
        assertEquals(Map.of("team", "data", "cost-center", "a1 b2_c.d:e/f=g+h-i@j"), input.tags());
        assertTrue(input.cleanup());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vpc-01234567", "vpc-0123456789abcdef0"})
    void acceptsBothVpcIdLengths(String vpcId) {
        assertEquals(vpcId, validator.validate(json("{\"vpcId\":\"" + vpcId + "\"}")).vpcId());
    }

    @Test
    void aPolicyGivenAsAJsonStringIsKeptAsGiven() {
        String policy = "{ \"Statement\": [ { \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\", "
                + "\"Resource\": \"*\" } ] }";
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("policyDocument", policy);

        assertEquals(policy, validator.validate(input).policyDocument());
    }

    @Test
    void aPolicyOfExactlyTheLimitIsAccepted() {
        String policy = policyOfLength(InputValidator.MAX_POLICY_CHARS);
        assertEquals(InputValidator.MAX_POLICY_CHARS, policy.length());

        JsonNode asObject = JsonNodeFactory.instance.objectNode().set("policyDocument", json(policy));
        JsonNode asString = JsonNodeFactory.instance.objectNode().put("policyDocument", policy);

        assertEquals(policy, validator.validate(asObject).policyDocument());
        assertEquals(policy, validator.validate(asString).policyDocument());
    }

    @Test
    void acceptsTheLimitsOfRouteTablesAndTags() {
        List<String> fifty = IntStream.range(0, InputValidator.MAX_ROUTE_TABLES).mapToObj(InputValidatorTest::rtb)
                .toList();
        InputValidator.Input input = validator.validate(json("{\"routeTableIds\":" + jsonArray(fifty.reversed())
                + ",\"tags\":" + manyTags(InputValidator.MAX_USER_TAGS) + "}"));

        assertEquals(fifty, input.routeTableIds());
        assertEquals(InputValidator.MAX_USER_TAGS, input.tags().size());
    }

    @Test
    void acceptsAnEmptyTagValueAndTagKeysThatMerelyContainReservedWords() {
        InputValidator.Input input = validator.validate(json(
                "{\"tags\":{\"owner\":\"\",\"my-aws:thing\":\"x\",\"not-managed-by\":\"y\",\"pilot:vpce\":\"z\"}}"));

        assertEquals(Map.of("owner", "", "my-aws:thing", "x", "not-managed-by", "y", "pilot:vpce", "z"),
                input.tags());
    }

    @Test
    void theServiceNameDefaultsToTheRegionOfTheValidator() {
        InputValidator frankfurt = new InputValidator("eu-central-1");

        assertEquals("com.amazonaws.eu-central-1.dynamodb", frankfurt.validate(json("{}")).serviceName());
        assertEquals("com.amazonaws.eu-central-1.dynamodb", frankfurt.validate(
                json("{\"serviceName\":\"com.amazonaws.eu-central-1.dynamodb\"}")).serviceName());
        InvalidInput error = assertThrows(InvalidInput.class,
                () -> frankfurt.validate(json("{\"serviceName\":\"" + SERVICE + "\"}")));
        assertTrue(error.getMessage().contains("is for region us-east-1, but this workflow runs in eu-central-1"),
                error.getMessage());
    }

    @Test
    void aLongOffendingValueIsCutInTheMessage() {
        String longId = "vpc-" + "z".repeat(500);
        InvalidInput error = assertThrows(InvalidInput.class,
                () -> validator.validate(json("{\"vpcId\":\"" + longId + "\"}")));

        assertFalse(error.getMessage().contains(longId));
        assertTrue(error.getMessage().contains("..."), error.getMessage());
    }

    @Test
    void controlCharactersAreEscapedInTheMessage() {
        InvalidInput error = assertThrows(InvalidInput.class,
                () -> validator.validate(json("{\"vpcId\":\"vpc-1\\nInjected: line\"}")));

        assertFalse(error.getMessage().contains("\n"), error.getMessage());
        assertTrue(error.getMessage().contains("vpc-1\\nInjected: line"), error.getMessage());
    }

    @Test
    void requireDataPathIsABooleanForARunThatKeepsItsEndpoint() {
        assertTrue(validator.validate(json("{\"requireDataPath\": true}")).requireDataPath());
        assertFalse(validator.validate(json("{\"requireDataPath\": false}")).requireDataPath());
        assertFalse(validator.validate(json("{}")).requireDataPath());
        InvalidInput notBoolean = assertThrows(InvalidInput.class,
                () -> validator.validate(json("{\"requireDataPath\": \"true\"}")));
        assertTrue(notBoolean.getMessage().startsWith("requireDataPath must be true or false"), notBoolean.getMessage());
        for (String other : List.of("cleanup", "release")) {
            InvalidInput combined = assertThrows(InvalidInput.class, () -> validator.validate(
                    json("{\"requireDataPath\": true, \"" + other + "\": true}")));
            assertTrue(combined.getMessage().startsWith("requireDataPath cannot be combined with " + other),
                    combined.getMessage());
        }
        assertFalse(validator.validate(json("{\"requireDataPath\": false, \"cleanup\": true}")).requireDataPath());
    }
}
