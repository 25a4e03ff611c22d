package dev.vpcepilot.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.hook.CustomResourceRequest;
import dev.vpcepilot.hook.EndpointHook;
import dev.vpcepilot.hook.HookAnswer;
import dev.vpcepilot.hook.PhysicalIds;
import dev.vpcepilot.hook.ResourceProperties;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.Emulator;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The input contract of the README ("The contract"), enforced on the real workflow: every malformed execution
 * input fails as {@code InvalidInput} with a cause that says what is allowed, carries no stack trace, and is
 * refused before any AWS call that changes anything (the fault proxy in front of moto counts the calls). The
 * custom resource's properties get the same treatment through {@link ResourceProperties} and the hook.
 */
@Reliability
class BadInputTest {

    private static final String VPC_12 = "vpc-0123456789abcdef0";
    private static final String RTB_12 = "rtb-0123456789abcdef0";
    private static final String POLICY_START = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\",\"Sid\":\"";

    private static FaultProxy proxy;
    private static LocalWorkflow workflow;

    @BeforeAll
    static void start() throws IOException {
        proxy = FaultProxy.start(Emulator.moto());
        workflow = Emulator.workflow(proxy.endpoint()).build();
    }

    @AfterAll
    static void stop() {
        if (workflow != null) {
            workflow.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @BeforeEach
    void resetCounts() {
        proxy.reset();
    }

    static Stream<Arguments> malformedInputs() {
        String longPolicyObject = POLICY_START + "x".repeat(20_500) + "\"}]}";
        return Stream.of(
                // not an object at all
                bad("top-level array", "[]", "must be a JSON object"),
                bad("top-level array of an object", "[{\"vpcId\":\"" + VPC_12 + "\"}]", "must be a JSON object"),
                bad("top-level string", "\"" + VPC_12 + "\"", "must be a JSON object"),
                bad("top-level string 'null'", "\"null\"", "must be a JSON object"),
                bad("top-level number", "42", "must be a JSON object"),
                bad("top-level boolean", "true", "must be a JSON object"),
                // wrong JSON type for each key
                bad("vpcId a number", "{\"vpcId\":12345678}", "vpcId must be a string"),
                bad("vpcId an object", "{\"vpcId\":{\"id\":\"" + VPC_12 + "\"}}", "vpcId must be a string"),
                bad("vpcId an array", "{\"vpcId\":[\"" + VPC_12 + "\"]}", "vpcId must be a string"),
                bad("routeTableIds a string", "{\"routeTableIds\":\"" + RTB_12 + "\"}",
                        "routeTableIds must be an array"),
                bad("routeTableIds an object", "{\"routeTableIds\":{\"a\":\"" + RTB_12 + "\"}}",
                        "routeTableIds must be an array"),
                bad("routeTableIds holding a number", "{\"routeTableIds\":[7]}", "not a route table id"),
                bad("routeTableIds holding null", "{\"routeTableIds\":[null]}", "not a route table id"),
                bad("serviceName a number", "{\"serviceName\":1}", "serviceName must be a string"),
                bad("policyDocument a number", "{\"policyDocument\":7}", "policyDocument is a number"),
                bad("policyDocument an array", "{\"policyDocument\":[{\"Statement\":[]}]}",
                        "policyDocument is an array"),
                bad("tags an array", "{\"tags\":[{\"Key\":\"team\",\"Value\":\"data\"}]}", "tags must be an object"),
                bad("tags a string", "{\"tags\":\"team=data\"}", "tags must be an object"),
                bad("tag value a number", "{\"tags\":{\"team\":7}}", "Tag 'team' has the value 7"),
                bad("tag value null", "{\"tags\":{\"team\":null}}", "Tag 'team' has the value null"),
                bad("cleanup a string", "{\"cleanup\":\"true\"}", "cleanup must be true or false"),
                bad("cleanup a number", "{\"cleanup\":1}", "cleanup must be true or false"),
                // malformed and oversized ids
                bad("vpcId vpc-xyz", "{\"vpcId\":\"vpc-xyz\"}", "is not a VPC id"),
                bad("vpcId empty", "{\"vpcId\":\"\"}", "is not a VPC id"),
                bad("vpcId upper-case hex", "{\"vpcId\":\"vpc-0123456789ABCDEF0\"}", "is not a VPC id"),
                bad("vpcId of 300 characters", "{\"vpcId\":\"vpc-" + "0".repeat(296) + "\"}", "is not a VPC id"),
                bad("route table id of 300 characters", "{\"routeTableIds\":[\"rtb-" + "a".repeat(296) + "\"]}",
                        "not a route table id"),
                bad("routeTableIds empty", "{\"routeTableIds\":[]}", "has 0 entries"),
                bad("routeTableIds twice the same", "{\"routeTableIds\":[\"" + RTB_12 + "\",\"" + RTB_12 + "\"]}",
                        "more than once"),
                bad("51 route tables", "{\"routeTableIds\":[" + IntStream.range(0, 51)
                        .mapToObj(i -> "\"rtb-" + String.format("%08x", i) + "\"").collect(Collectors.joining(","))
                        + "]}", "has 51 entries"),
                // shell and JSON injection
                bad("shell injection in vpcId", "{\"vpcId\":\"vpc-123; rm -rf /\"}", "is not a VPC id"),
                bad("command substitution in vpcId", "{\"vpcId\":\"$(reboot)\"}", "is not a VPC id"),
                bad("backticks in a route table id", "{\"routeTableIds\":[\"rtb-12345678`reboot`\"]}",
                        "not a route table id"),
                bad("JSON injection in vpcId", "{\"vpcId\":\"vpc-1\\\",\\\"cleanup\\\":true\"}", "is not a VPC id"),
                bad("JSON injection in a tag value",
                        "{\"tags\":{\"team\":\"x\\\",\\\"managed-by\\\":\\\"vpce-pilot\"}}",
                        "Tag 'team' has the value"),
                bad("shell injection in a tag key", "{\"tags\":{\"$(reboot)\":\"x\"}}", "is not allowed"),
                bad("command substitution in serviceName",
                        "{\"serviceName\":\"com.amazonaws.us-east-1.dynamodb$(id)\"}",
                        "is not a DynamoDB endpoint service name"),
                // unknown and case-mistyped keys
                bad("unknown key", "{\"foo\":1}", "Unknown input key 'foo'"),
                bad("unknown key next to valid ones", "{\"vpcId\":\"" + VPC_12 + "\",\"region\":\"eu-west-1\"}",
                        "Unknown input key 'region'"),
                bad("VpcId in PascalCase", "{\"VpcId\":\"" + VPC_12 + "\"}", "did you mean 'vpcId'"),
                bad("CLEANUP in capitals", "{\"CLEANUP\":true}", "did you mean 'cleanup'"),
                // reserved tag keys
                bad("aws: tag key", "{\"tags\":{\"aws:cloudformation:stack-name\":\"x\"}}", "starts with 'aws:'"),
                bad("AWS: tag key in capitals", "{\"tags\":{\"AWS:foo\":\"x\"}}", "starts with 'aws:'"),
                bad("managed-by tag key", "{\"tags\":{\"managed-by\":\"vpce-pilot\"}}", "reserved for vpce-pilot"),
                bad("vpce-pilot: tag key", "{\"tags\":{\"vpce-pilot:execution\":\"mine\"}}", "reserved for vpce-pilot"),
                bad("tag key of 129 characters", "{\"tags\":{\"" + "k".repeat(129) + "\":\"v\"}}", "is not allowed"),
                bad("41 tags", "{\"tags\":{" + IntStream.range(0, 41).mapToObj(i -> "\"k" + i + "\":\"v\"")
                        .collect(Collectors.joining(",")) + "}}", "has 41 entries"),
                // policies
                bad("policy string that is not JSON", "{\"policyDocument\":\"not json\"}", "not JSON"),
                bad("policy string with text after the object", "{\"policyDocument\":\"{\\\"Statement\\\":[]} junk\"}",
                        "not JSON"),
                bad("policy without Statement", "{\"policyDocument\":{\"Version\":\"2012-10-17\"}}",
                        "has no Statement"),
                bad("policy object over 20,480 characters", "{\"policyDocument\":" + longPolicyObject + "}",
                        "characters long"),
                bad("policy string over 20,480 characters", "{\"policyDocument\":" + quoteJson(longPolicyObject) + "}",
                        "characters long"),
                // the service
                bad("service name of another region", "{\"serviceName\":\"com.amazonaws.eu-west-1.dynamodb\"}",
                        "is for region eu-west-1"),
                bad("service name of another service", "{\"serviceName\":\"com.amazonaws.us-east-1.s3\"}",
                        "is not a DynamoDB endpoint service name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedInputs")
    void aMalformedInputFailsAsInvalidInputBeforeAnythingChanges(String what, String input, String says) {
        ExecutionResult result = workflow.run(TestProject.json(input));

        assertEquals(ExecutionResult.Status.FAILED, result.status(), what);
        assertEquals("InvalidInput", result.error(), result.cause());
        assertTrue(result.cause().contains(says), "the cause says what is wrong (" + says + "): " + result.cause());
        assertTrue(result.cause().contains("Allowed"), "the cause says what is allowed: " + result.cause());
        assertCauseIsOneShortSentence(result.cause());
        assertEquals(0, proxy.mutatingCount(), "no AWS call that changes anything: " + proxy.countsJson());
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "HandleFailure", "Failed"), result.statesEntered());
    }

    static Stream<Arguments> acceptedNullishInputs() {
        return Stream.of(
                Arguments.of("JSON null: no input at all", "null", false),
                Arguments.of("an empty object", "{}", false),
                Arguments.of("every key null: absent", "{\"vpcId\":\"VPC\",\"routeTableIds\":null,\"serviceName\":null,"
                        + "\"policyDocument\":null,\"tags\":null,\"cleanup\":null}", false),
                Arguments.of("no tags", "{\"vpcId\":\"VPC\",\"tags\":{},\"cleanup\":true}", true),
                Arguments.of("an empty tag value", "{\"vpcId\":\"VPC\",\"tags\":{\"team\":\"\"},\"cleanup\":true}",
                        true));
    }

    /** What the contract allows must not be refused: explicit nulls are absent keys, JSON null is no input. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedNullishInputs")
    void nullishInputsTheContractAllowsAreAccepted(String what, String input, boolean cleanup) {
        String vpc = Emulator.freshVpc();
        ExecutionResult result = workflow.run(TestProject.json(input.replace("VPC", vpc)));

        Emulator.assertSucceeded(result);
        assertEquals(cleanup, result.output().path("cleanedUp").asBoolean(), result.output().toString());
        if (input.contains("VPC")) {
            assertEquals(vpc, result.output().path("vpcId").asText());
        }
    }

    static Stream<Arguments> badResourceProperties() {
        return Stream.of(
                // refused while mapping the properties
                props("unknown property Foo", Map.of("Foo", "bar"), true, "Unknown property Foo"),
                props("vpcId in camelCase", Map.of("vpcId", VPC_12), true, "Unknown property vpcId"),
                props("Cleanup is not a property", Map.of("Cleanup", "true"), true, "Unknown property Cleanup"),
                props("Tags list without Value", Map.of("Tags", List.of(Map.of("Key", "team"))), true,
                        "Tags given as a list"),
                props("Tags list of strings", Map.of("Tags", List.of("team=data")), true, "Tags given as a list"),
                props("Tags list entry with an extra field", Map.of("Tags", List.of(Map.of("Key", "a", "Value", "b",
                        "Extra", "c"))), true, "Tags given as a list"),
                // mapped, then refused by the workflow's own validation
                props("VpcId vpc-xyz", Map.of("VpcId", "vpc-xyz"), false, "is not a VPC id"),
                props("RouteTableIds as one string", Map.of("RouteTableIds", RTB_12), false,
                        "routeTableIds must be an array"),
                props("aws: tag in the Tags list", Map.of("Tags", List.of(Map.of("Key", "aws:owner", "Value", "x"))),
                        false, "starts with 'aws:'"),
                props("managed-by in the Tags map", Map.of("Tags", Map.of("managed-by", "me")), false,
                        "reserved for vpce-pilot"),
                props("PolicyDocument not JSON", Map.of("PolicyDocument", "{not json"), false, "not JSON"),
                props("ServiceName of another region", Map.of("ServiceName", "com.amazonaws.eu-west-1.dynamodb"), false,
                        "is for region eu-west-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResourceProperties")
    void badCustomResourcePropertiesFailAsInvalidInput(String what, Map<String, Object> properties,
                                                       boolean refusedWhileMapping, String says) {
        Map<String, Object> withToken = new LinkedHashMap<>(properties);
        withToken.put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:hook");
        if (refusedWhileMapping) {
            InvalidInput refused = assertThrows(InvalidInput.class,
                    () -> ResourceProperties.toExecutionInput(withToken));
            assertTrue(refused.getMessage().contains(says), refused.getMessage());
            assertTrue(refused.getMessage().contains("Allowed"), refused.getMessage());
        } else {
            ObjectNode input = ResourceProperties.toExecutionInput(withToken);
            ExecutionResult result = workflow.run(input);
            assertEquals("InvalidInput", result.error(), result.cause());
            assertTrue(result.cause().contains(says), result.cause());
            assertTrue(result.cause().contains("Allowed"), result.cause());
            assertCauseIsOneShortSentence(result.cause());
        }

        // and the whole custom-resource path: the hook answers FAILED, nothing changed in AWS
        try (LocalWorkflowRunner runner = new LocalWorkflowRunner(workflow)) {
            EndpointHook hook = Emulator.hook(runner, line -> { });
            CustomResourceRequest create = CfnRequests.HOOK.request("Create",
                    "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/" + UUID.randomUUID(), null,
                    withToken);
            HookAnswer answer = hook.handle(create, Duration.ofSeconds(30));
            assertFalse(answer.success(), answer.reason());
            assertTrue(answer.reason().contains("InvalidInput"), answer.reason());
            assertTrue(answer.reason().contains("Allowed"), answer.reason());
            assertTrue(answer.physicalResourceId().startsWith(PhysicalIds.FAILED_CREATE_PREFIX),
                    answer.physicalResourceId());
        }
        assertEquals(0, proxy.mutatingCount(), proxy.countsJson());
    }

    /** Through the real ./run-local: the input is an argument, never shell text; nothing runs, nothing changes. */
    @Test
    void shellInjectionThroughRunLocalIsJustAnInvalidVpcId() throws IOException {
        Path marker = Files.createTempDirectory("vpce-pilot-injection").resolve("pwned");
        String input = "{\"vpcId\":\"vpc-123; touch " + marker + " $(touch " + marker + ") `touch " + marker + "`\"}";

        RunLocal.Run run = Emulator.runLocal(proxy.endpoint(), input).run();

        assertEquals(1, run.exitCode(), run.toString());
        JsonNode document = run.doc();
        assertEquals("InvalidInput", document.path("error").asText(), run.toString());
        assertTrue(document.path("cause").asText().contains("Allowed"), run.toString());
        assertFalse(Files.exists(marker), "no shell ran the input");
        // ./run-local deploys the template's table and bucket through the given endpoint before it runs (a
        // CreateTable, and a CreateBucket: a PUT of the bucket's path): those are no run's calls
        int deployment = proxy.counts().entrySet().stream().filter(e -> e.getKey().equals("dynamodb:CreateTable")
                || e.getKey().matches("other:PUT /[^/]+")).mapToInt(java.util.Map.Entry::getValue).sum();
        assertEquals(0, proxy.mutatingCount() - deployment, proxy.countsJson());
        Files.deleteIfExists(marker.getParent());
    }

    /** The rules this suite enforces are the ones the README states (section "The contract"). */
    @Test
    void theReadmeStatesTheInputRules() throws IOException {
        String readme = Files.readString(TestProject.root().resolve("README.md"));
        int start = readme.indexOf("## The contract");
        assertTrue(start >= 0, "README has a section 'The contract'");
        int end = readme.indexOf("### Output", start);
        String contract = readme.substring(start, end < 0 ? readme.length() : end).replaceAll("\\s+", " ");
        for (String rule : List.of("unknown keys are rejected", "Keys are case-sensitive", "must be a JSON object",
                "`vpc-` + 8 or 17 lowercase hex digits", "1 to 50 distinct `rtb-`",
                "**of the region the workflow runs in**",
                "at most 20,480 characters", "no `aws:` keys, no `managed-by`", "a JSON boolean, not a string",
                "`InvalidInput`", "what is allowed", "before any AWS call that changes anything")) {
            assertTrue(contract.contains(rule), "the README's contract states: " + rule);
        }
    }

    // ---- helpers ----

    private static Arguments bad(String what, String input, String says) {
        return Arguments.of(what, input, says);
    }

    private static Arguments props(String what, Map<String, Object> properties, boolean refusedWhileMapping,
                                   String says) {
        return Arguments.of(what, properties, refusedWhileMapping, says);
    }

    private static String quoteJson(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A readable cause: no stack trace or exception class, no Lambda error document, and no oversized echo. */
    private static void assertCauseIsOneShortSentence(String cause) {
        for (String marker : List.of("\tat ", "Exception:", "stackTrace", "errorMessage", "errorType", "\n")) {
            assertFalse(cause.contains(marker), "no stack trace (" + marker.trim() + ") in: " + cause);
        }
        assertTrue(cause.length() < 600, "the cause does not echo the input wholesale (" + cause.length()
                + " characters): " + cause);
    }
}
