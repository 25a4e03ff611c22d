package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Runtime;
import dev.vpcepilot.lambda.RealRuntime;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.runtime.InvocationResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The custom-resource hook as Lambda runs it: CloudFormation's request, as the JSON CloudFormation sends, handed by
 * the real runtime interface client to the handler built the SAM way; the hook starts the state machine through the
 * Step Functions API (loopback, backed by the local interpreter whose Tasks run in the same real runtime), tags and
 * deletes through EC2 (moto), and PUTs its answer to a presigned S3 URL on the emulator, which each test reads back.
 */
@org.junit.jupiter.api.extension.ExtendWith(RealRuntime.StopAfterClass.class)
@Runtime
class RealRuntimeHookTest {

    private static final String STACK =
            "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/0f6a2c40-1a2b-11f0-9cd2-0242ac120002";
    private static final CfnRequests REQUESTS = CfnRequests
            .to("arn:aws:lambda:us-east-1:123456789012:function:CloudFormationHookFunction:live").serviceTimeout("900");

    private static RealRuntime runtime;
    private MotoEc2 aws;

    @BeforeAll
    static void setUp() {
        runtime = RealRuntime.fresh();
    }

    @BeforeEach
    void emptyEmulator() {
        runtime.reset();
        runtime.proxy.clearRules();
        runtime.bucket.ensureBucket();
        aws = new MotoEc2(runtime.moto.endpoint(), RealRuntime.REGION);
    }

    @AfterEach
    void close() {
        aws.close();
    }

    /** A request as CloudFormation sends it to the hook's alias (with its ServiceTimeout), answered to the bucket. */
    private static ObjectNode request(String type, String physicalId, Map<String, Object> properties) {
        return REQUESTS.json(type, STACK, physicalId, properties,
                runtime.bucket.presignedPutUrl("answers/" + UUID.randomUUID() + ".json"));
    }

    /** Invokes the hook; returns the answer CloudFormation got (read back from the presigned URL's object). */
    private static JsonNode answer(ObjectNode request) {
        InvocationResult result = runtime.invoke(RealRuntime.HOOK, JsonText.compact(request));
        assertTrue(result.succeeded(), () -> "the hook's invocation failed: " + result.errorDocument() + "\n"
                + runtime.logTail());
        String key = keyOf(request.get("ResponseURL").asText());
        return runtime.bucket.read(key).orElseThrow(() -> new AssertionError("CloudFormation got no answer for "
                + request.get("RequestType").asText() + "\n" + runtime.logTail()));
    }

    private static String keyOf(String presignedUrl) {
        String path = java.net.URI.create(presignedUrl).getPath();
        return path.substring(path.indexOf("/answers/") + 1);
    }

    private static void assertAnswers(ObjectNode request, JsonNode answer) {
        assertEquals(request.get("RequestId").asText(), answer.path("RequestId").asText());
        assertEquals(STACK, answer.path("StackId").asText());
        assertEquals("DynamoDbEndpoint", answer.path("LogicalResourceId").asText());
        assertFalse(answer.path("PhysicalResourceId").asText().isBlank(), answer.toString());
    }

    @Test
    void createUpdateAndDeleteEachEndWithTheirAnswerAtThePresignedUrl() {
        ObjectNode create = request("Create", null, Map.of("Tags", Map.of("team", "data")));
        JsonNode created = answer(create);
        assertEquals("SUCCESS", created.path("Status").asText(), created.toString());
        assertAnswers(create, created);
        String id = created.path("PhysicalResourceId").asText();
        assertTrue(id.startsWith("vpce-"), id);
        assertEquals(id, created.path("Data").path("VpcEndpointId").asText());
        assertTrue(created.path("Data").path("VpcId").asText().startsWith("vpc-"), created.toString());
        assertTrue(created.path("Data").path("PrefixListId").asText().startsWith("pl-"), created.toString());
        assertEquals("stack:" + STACK + "|DynamoDbEndpoint", created.path("Data").path("Claims").asText(),
                "the endpoint is claimed for its stack");

        ObjectNode update = request("Update", id, Map.of("Tags", Map.of("team", "data", "stage", "prod")));
        JsonNode updated = answer(update);
        assertEquals("SUCCESS", updated.path("Status").asText(), updated.toString());
        assertAnswers(update, updated);
        assertEquals(id, updated.path("PhysicalResourceId").asText(), "same VPC: the id stays");

        ObjectNode delete = request("Delete", id, Map.of("Tags", Map.of("team", "data", "stage", "prod")));
        JsonNode deleted = answer(delete);
        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
        assertAnswers(delete, deleted);
        assertEquals(id, deleted.path("PhysicalResourceId").asText(), "a Delete never changes the id");
        assertFalse(aws.isLive(id), "the endpoint went with the stack");
    }

    @Test
    void theHookRunsOnContainerCredentialsAndNeverLogsItsResponseUrl() {
        int before = runtime.lambda.credentials().served();
        ObjectNode create = request("Create", null, Map.of());
        answer(create);
        assertTrue(runtime.lambda.credentials().served() > before || before > 0,
                "the SDK fetched the role's credentials from the container credentials endpoint");
        assertEquals(0, runtime.lambda.credentials().refused());
        String url = create.get("ResponseURL").asText();
        String signature = url.substring(url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
        synchronized (runtime.log) {
            for (String line : runtime.log) {
                assertFalse(line.contains(url) || line.contains(signature), "the ResponseURL reached a log: " + line);
                for (String secret : runtime.lambda.credentials().secrets().values()) {
                    assertFalse(line.contains(secret), "a credential reached a log: " + line);
                }
            }
        }
    }

    @Test
    void anUnknownRequestTypeAnswersFailed() {
        ObjectNode request = request("Replace", "vpce-0123456789abcdef0", Map.of());
        JsonNode answer = answer(request);
        assertEquals("FAILED", answer.path("Status").asText(), answer.toString());
        assertTrue(answer.path("Reason").asText().contains("Replace"), answer.toString());
        assertEquals("vpce-0123456789abcdef0", answer.path("PhysicalResourceId").asText());
    }

    @Test
    void aRequestWithoutRequestIdAnswersFailedAndStartsNothing() {
        ObjectNode request = request("Create", null, Map.of());
        request.remove("RequestId");
        int executions = runtime.stepFunctions.executionsStarted();
        JsonNode answer = answer(request);
        assertEquals("FAILED", answer.path("Status").asText(), answer.toString());
        assertTrue(answer.path("Reason").asText().contains("RequestId"), answer.toString());
        assertEquals(executions, runtime.stepFunctions.executionsStarted(), "no execution was started");
        assertEquals(List.of(), aws.allEndpoints().stream().filter(MotoEc2::isLive).toList());
    }

    @ParameterizedTest(name = "ResponseURL {0}")
    @ValueSource(strings = {"", "http://cloudformation-responses.example/answer?X-Amz-Signature=abc",
            "ftp://127.0.0.1/answer"})
    void withoutAUsableResponseUrlTheInvocationFailsWithANamedErrorAndNoUrlInIt(String url) {
        ObjectNode request = request("Create", null, Map.of());
        if (url.isEmpty()) {
            request.remove("ResponseURL");
        } else {
            request.put("ResponseURL", url);
        }
        InvocationResult result = runtime.invoke(RealRuntime.HOOK, JsonText.compact(request));
        assertFalse(result.succeeded(), "nobody can be answered: the invocation fails");
        assertEquals("dev.vpcepilot.errors.InvalidInput", result.errorType(), result.errorDocument());
        assertTrue(result.errorMessage().contains("ResponseURL"), result.errorMessage());
        assertFalse(!url.isEmpty() && result.errorDocument().contains(url), result.errorDocument());
        assertTrue(result.errorMessage().contains(request.get("RequestId").asText()), result.errorMessage());
        RealRuntime.assertNoStackFrame(result);
    }

    @Test
    void anAnswerThatCannotBeDeliveredFailsTheInvocationNamingTheRequest() throws Exception {
        HttpServer refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger puts = new AtomicInteger();
        refusing.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            puts.incrementAndGet();
            exchange.sendResponseHeaders(403, -1);
            exchange.close();
        });
        refusing.start();
        try {
            ObjectNode request = request("Create", null, Map.of("Foo", "bar"));
            String url = "http://127.0.0.1:" + refusing.getAddress().getPort() + "/answer?X-Amz-Signature=s3cr3t";
            request.put("ResponseURL", url);
            InvocationResult result = runtime.invoke(RealRuntime.HOOK, JsonText.compact(request));
            assertFalse(result.succeeded());
            assertEquals("dev.vpcepilot.errors.AnswerNotDelivered", result.errorType(), result.errorDocument());
            assertTrue(result.errorMessage().contains(request.get("RequestId").asText()), result.errorMessage());
            assertTrue(result.errorMessage().contains("403"), result.errorMessage());
            assertFalse(result.errorDocument().contains("s3cr3t"), result.errorDocument());
            assertEquals(1, puts.get(), "a 4xx is not retried");
            RealRuntime.assertNoStackFrame(result);
        } finally {
            refusing.stop(0);
        }
    }
}
