package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.handlers.CloudFormationHookHandler;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.ExecutionListener;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.local.cfn.ResponseBucket;
import dev.vpcepilot.local.faults.FaultProxy;
import dev.vpcepilot.local.faults.FaultRule;
import dev.vpcepilot.local.lambda.LocalLambdaContext;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.support.CfnRequests;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The Custom::DynamoDbVpcEndpoint hook end to end in this JVM: the real hook handler (given CloudFormation's request
 * as bytes, as the Lambda runtime gives a stream handler), the real state machine through the local runner,
 * moto_server, and a presigned S3 PUT URL on the emulator as the ResponseURL, whose answer each test reads back.
 * Every path must end in an answer. (RealRuntimeHookTest runs the same hook under the real Lambda runtime.)
 */
class CustomResourceTest {

    private static final String REGION = "us-east-1";
    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/11111111-2222-3333-4444-555555555555";
    private static final Path ROOT = Path.of(System.getProperty("vpcepilot.projectRoot", ".."));

    private static MotoServer moto;
    private static ResponseBucket bucket;
    private static AwsClients direct;

    private FaultProxy proxy;
    private LocalWorkflow workflow;
    private LocalWorkflowRunner runner;
    private AwsClients viaProxy;
    private final AtomicInteger executions = new AtomicInteger();

    @BeforeAll
    static void startEmulator() {
        moto = MotoServer.start();
        bucket = new ResponseBucket(moto.endpoint(), REGION);
        direct = AwsClients.forEndpoint(REGION, moto.endpoint());
    }

    @AfterAll
    static void stopEmulator() {
        direct.close();
        bucket.close();
        moto.close();
    }

    @BeforeEach
    void wire() throws Exception {
        proxy = FaultProxy.start(moto.endpoint());
        ExecutionListener countExecutions = event -> {
            if (event instanceof ProgressEvent.StateEntered entered && "Prepare".equals(entered.stateName())) {
                executions.incrementAndGet();
            }
        };
        workflow = LocalWorkflow.builder(ROOT).region(REGION).endpoint(proxy.endpoint()).resources(moto.endpoint()).timeScale(0)
                .listener(countExecutions).functionLog(line -> { }).build();
        runner = new LocalWorkflowRunner(workflow);
        viaProxy = AwsClients.forEndpoint(REGION, proxy.endpoint());
    }

    @AfterEach
    void unwire() {
        runner.close();
        workflow.close();
        viaProxy.close();
        proxy.close();
        deleteAllEndpoints();
    }

    @Test
    void createUpdateDeleteFollowTheStack() {
        JsonNode created = send(event("Create", null, Map.of("Tags", Map.of("team", "data"))));
        assertEquals("SUCCESS", created.path("Status").asText(), created.toString());
        String id = created.path("PhysicalResourceId").asText();
        assertTrue(id.startsWith("vpce-"), id);
        assertEquals(id, created.path("Data").path("VpcEndpointId").asText());
        assertTrue(created.path("Data").path("PrefixListId").asText().startsWith("pl-"));
        assertTrue(created.path("Data").path("VpcId").asText().startsWith("vpc-"));
        assertEquals("stack:" + STACK + "|DynamoDbEndpoint", created.path("Data").path("Claims").asText(),
                "the endpoint is claimed for its stack");

        JsonNode updated = send(event("Update", id, Map.of("Tags", Map.of("team", "data", "stage", "prod"))));
        assertEquals("SUCCESS", updated.path("Status").asText(), updated.toString());
        assertEquals(id, updated.path("PhysicalResourceId").asText(), "same VPC: the id stays");

        JsonNode deleted = send(event("Delete", id, Map.of()));
        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
        assertEquals(id, deleted.path("PhysicalResourceId").asText(), "a Delete never changes the id");
        assertTrue(isGone(id), "the endpoint is deleted with the stack");
    }

    @Test
    void updateToAnotherVpcGetsANewId() {
        String otherVpc = direct.ec2().createVpc(r -> r.cidrBlock("10.42.0.0/16")).vpc().vpcId();
        String id = send(event("Create", null, Map.of())).path("PhysicalResourceId").asText();
        ObjectNode update = event("Update", id, Map.of("VpcId", otherVpc));
        update.putObject("OldResourceProperties").put("ServiceToken", CfnRequests.SERVICE_TOKEN);
        JsonNode answer = send(update);
        assertEquals("SUCCESS", answer.path("Status").asText(), answer.toString());
        assertNotEquals(id, answer.path("PhysicalResourceId").asText());
        assertEquals(otherVpc, answer.path("Data").path("VpcId").asText());
    }

    @Test
    void createOnAMissingVpcFailsLeavesNothingAndItsDeleteSucceeds() {
        JsonNode failed = send(event("Create", null, Map.of("VpcId", "vpc-0123456789abcdef0")));
        assertEquals("FAILED", failed.path("Status").asText());
        assertTrue(failed.path("Reason").asText().contains("VpcNotFound"), failed.path("Reason").asText());
        assertTrue(failed.path("Reason").asText().contains("execution arn:"), "the reason says where to look");
        String marker = failed.path("PhysicalResourceId").asText();
        assertTrue(marker.startsWith(EndpointHook.FAILED_CREATE_PREFIX), marker);
        assertEquals(List.of(), liveEndpoints(), "nothing was left behind");

        JsonNode deleted = send(event("Delete", marker, Map.of("VpcId", "vpc-0123456789abcdef0")));
        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
        assertEquals(marker, deleted.path("PhysicalResourceId").asText());
    }

    @Test
    void anUnknownPropertyFailsWithoutRunningTheWorkflow() {
        JsonNode failed = send(event("Create", null, Map.of("Foo", "bar")));
        assertEquals("FAILED", failed.path("Status").asText());
        assertTrue(failed.path("Reason").asText().contains("Unknown property Foo"), failed.path("Reason").asText());
        assertTrue(failed.path("Reason").asText().contains("Allowed properties"));
        assertEquals(0, executions.get(), "no execution was started");
        assertEquals(0, proxy.mutatingCount(), "no AWS call changed anything");
    }

    @Test
    void aWorkflowThatThrowsStillAnswersFailed() {
        WorkflowRunner throwing = new WorkflowRunner() {
            @Override
            public Outcome run(String executionName, JsonNode input, Duration timeout) {
                throw new IllegalStateException("StartExecution exploded");
            }

            @Override
            public String executionArn(String executionName) {
                return "arn:aws:states:us-east-1:123456789012:execution:sm:" + executionName;
            }

            @Override
            public void stop(String executionArn, String cause) {
            }

            @Override
            public java.util.Optional<JsonNode> input(String executionArn) {
                return java.util.Optional.empty();
            }
        };
        JsonNode answer = send(event("Create", null, Map.of()), throwing, Duration.ofSeconds(30));
        assertEquals("FAILED", answer.path("Status").asText());
        assertTrue(answer.path("Reason").asText().contains("StartExecution exploded"), answer.toString());
        assertFalse(answer.path("Reason").asText().contains("\tat "), "no stack trace in the reason");
    }

    @Test
    void aWorkflowPastTheTimeBoundAnswersFailedItself() {
        LocalWorkflow slow = LocalWorkflow.builder(ROOT).region(REGION).endpoint(proxy.endpoint()).resources(moto.endpoint()).timeScale(0)
                .functionLog(line -> { })
                .listener(event -> {
                    if (event instanceof ProgressEvent.StateEntered entered && "CreateEndpoint".equals(entered.stateName())) {
                        pause(Duration.ofSeconds(3));
                    }
                }).build();
        try (LocalWorkflowRunner slowRunner = new LocalWorkflowRunner(slow)) {
            JsonNode answer = send(event("Create", null, Map.of()), slowRunner, Duration.ofSeconds(1));
            assertEquals("FAILED", answer.path("Status").asText());
            assertTrue(answer.path("Reason").asText().contains("did not finish within the 1 s"), answer.toString());
        } finally {
            slow.close();
        }
    }

    @Test
    void aRepeatedInvocationForTheSameRequestStartsNoSecondExecution() {
        ObjectNode create = event("Create", null, Map.of());
        JsonNode first = send(create);
        JsonNode second = send(create);
        assertEquals("SUCCESS", second.path("Status").asText());
        assertEquals(first.path("PhysicalResourceId"), second.path("PhysicalResourceId"));
        assertEquals(1, executions.get(), "the execution is named after the RequestId");
        assertEquals(1, liveEndpoints().size());
    }

    /** Each AWS call a step makes, failing for good (past every retry): CloudFormation still gets FAILED. */
    @ParameterizedTest
    @ValueSource(strings = {"ec2:DescribeVpcEndpointServices", "ec2:DescribeVpcs", "ec2:DescribeRouteTables",
            "ec2:CreateVpcEndpoint", "dynamodb:ListTables"})
    void aFailureAtEachStepStillAnswersFailed(String action) {
        proxy.addRule(FaultRule.errorEvery(1).only(action));
        JsonNode answer = send(event("Create", null, Map.of()));
        assertEquals("FAILED", answer.path("Status").asText(), action + ": " + answer);
        assertTrue(answer.path("Reason").asText().contains("TransientAwsError"), answer.path("Reason").asText());
        assertTrue(answer.path("PhysicalResourceId").asText().startsWith(EndpointHook.FAILED_CREATE_PREFIX));
        assertEquals(List.of(), liveEndpoints(), action + ": a failed Create leaves nothing behind");
    }

    @Test
    void aDeleteThatCannotDeleteAnswersFailedAndKeepsTheId() {
        String id = send(event("Create", null, Map.of())).path("PhysicalResourceId").asText();
        proxy.addRule(FaultRule.errorEvery(1).only("ec2:DeleteVpcEndpoints"));
        JsonNode answer = send(event("Delete", id, Map.of()));
        assertEquals("FAILED", answer.path("Status").asText(), answer.toString());
        assertEquals(id, answer.path("PhysicalResourceId").asText());
    }

    @Test
    void theAnswerIsSentAgainWhenTheFirstPutFails() throws Exception {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger puts = new AtomicInteger();
        StringBuilder body = new StringBuilder();
        server.createContext("/answer", exchange -> {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            int n = puts.incrementAndGet();
            if (n == 1) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                body.append(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            ObjectNode create = event("Create", null, Map.of("Foo", "x"));
            create.put("ResponseURL", "http://127.0.0.1:" + server.getAddress().getPort() + "/answer");
            invoke(handler(runner, Duration.ofSeconds(30)), create);
            assertEquals(2, puts.get(), "one failed PUT, one retry");
            JsonNode answer = dev.vpcepilot.json.Json.MAPPER.readTree(body.toString());
            assertEquals("FAILED", answer.path("Status").asText());
            assertEquals(create.get("RequestId").asText(), answer.path("RequestId").asText());
        } finally {
            server.stop(0);
        }
    }

    private JsonNode send(ObjectNode event) {
        return send(event, runner, Duration.ofSeconds(60));
    }

    private JsonNode send(ObjectNode event, WorkflowRunner workflowRunner, Duration maxWait) {
        String key = event.get("RequestId").asText() + "-" + UUID.randomUUID() + ".json";
        event.put("ResponseURL", bucket.presignedPutUrl(key));
        invoke(handler(workflowRunner, maxWait), event);
        return bucket.read(key).orElseThrow(() -> new AssertionError("CloudFormation got no answer"));
    }

    /** One invocation as the Lambda runtime makes it for a stream handler. */
    private static void invoke(CloudFormationHookHandler handler, ObjectNode event) {
        try {
            handler.handleRequest(new java.io.ByteArrayInputStream(CfnRequests.bytes(event)),
                    new java.io.ByteArrayOutputStream(), context());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The Lambda context the hook function gets: 900 s, as in template.yaml. */
    private static LocalLambdaContext context() {
        LocalFunction hook = new LocalFunction("CloudFormationHookFunction", "CloudFormationHookFunction",
                CloudFormationHookHandler.class.getName(), "handleRequest", "java21", 900, 1024, "live");
        return new LocalLambdaContext(hook, hook.arn(REGION, "live"), UUID.randomUUID().toString(),
                Clock.systemUTC(), line -> { });
    }

    private CloudFormationHookHandler handler(WorkflowRunner workflowRunner, Duration maxWait) {
        return new CloudFormationHookHandler(viaProxy, new dev.vpcepilot.handlers.FunctionSettings(Map.of(
                dev.vpcepilot.handlers.FunctionSettings.LOCK_TABLE, "vpce-pilot-local-LockTable")), workflowRunner,
                maxWait, "See the test log.", UrlConnectionHttpClient.create());
    }

    private static ObjectNode event(String type, String physicalId, Map<String, Object> props) {
        return CfnRequests.json(type, STACK, physicalId, props, null);
    }

    private static Ec2Client ec2() {
        return direct.ec2();
    }

    private static VpcEndpoint endpoint(String id) {
        return ec2().describeVpcEndpoints(r -> r.vpcEndpointIds(id)).vpcEndpoints().get(0);
    }

    private static boolean isGone(String id) {
        return ec2().describeVpcEndpoints(r -> r.filters(Filter.builder().name("vpc-endpoint-state")
                .values("pending", "available").build())).vpcEndpoints().stream()
                .noneMatch(e -> e.vpcEndpointId().equals(id));
    }

    private static List<String> liveEndpoints() {
        return ec2().describeVpcEndpoints(r -> r.filters(Filter.builder().name("vpc-endpoint-state")
                .values("pending", "available").build())).vpcEndpoints().stream()
                .map(VpcEndpoint::vpcEndpointId).toList();
    }

    private static void deleteAllEndpoints() {
        List<String> ids = liveEndpoints();
        if (!ids.isEmpty()) {
            ec2().deleteVpcEndpoints(r -> r.vpcEndpointIds(ids));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
