package dev.vpcepilot.handlers;

import static dev.vpcepilot.fixtures.Fixtures.RTB_A;
import static dev.vpcepilot.fixtures.Fixtures.T0;
import static dev.vpcepilot.fixtures.Fixtures.VPC;
import static dev.vpcepilot.fixtures.Fixtures.filters;
import static dev.vpcepilot.fixtures.Fixtures.foreign;
import static dev.vpcepilot.fixtures.Fixtures.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.errors.AnswerNotDelivered;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.fixtures.Fixtures;
import dev.vpcepilot.hook.AnswerDelivery;
import dev.vpcepilot.hook.WorkflowRunner;
import dev.vpcepilot.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateTagsRequest;
import software.amazon.awssdk.services.ec2.model.CreateTagsResponse;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The custom-resource handler end to end inside the JVM: CloudFormation's request as the bytes Lambda hands a stream
 * handler, the workflow (a mock {@link WorkflowRunner}) and EC2 (a mock client) behind it, and the answer PUT to the
 * ResponseURL captured by a fake HTTP client (the delivery's retry intervals shrunk to milliseconds).
 */
class CloudFormationHookHandlerTest {

    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/app/1234";
    private static final String REQUEST_ID = "11111111-2222-3333-4444-555555555555";
    private static final String EXECUTION_NAME = "cfn-" + REQUEST_ID;
    private static final String EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:"
            + EXECUTION_NAME;

    /** Records every PUT (with the body it actually carried) and answers with the queued status codes. */
    static final class FakeHttp implements SdkHttpClient {
        final Deque<Integer> statuses = new ArrayDeque<>();
        final List<String> bodies = new ArrayList<>();
        final List<HttpExecuteRequest> requests = new ArrayList<>();

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    requests.add(request);
                    try (InputStream in = request.contentStreamProvider().orElseThrow().newStream()) {
                        bodies.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                    int status = statuses.isEmpty() ? 200 : statuses.pop();
                    if (status < 0) {
                        throw new IOException("connection reset");
                    }
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(status).build())
                            .responseBody(AbortableInputStream.create(InputStream.nullInputStream()))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }

        JsonNode lastAnswer() throws IOException {
            return Json.MAPPER.readTree(bodies.get(bodies.size() - 1));
        }
    }

    private static final String SERVICE_TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:hook";
    private static final String URL = "https://cloudformation-custom-resource-response.example/presigned?sig=secret";
    /** The delivery's retries, in milliseconds instead of seconds. */
    private static final AnswerDelivery.Timing FAST = new AnswerDelivery.Timing(
            software.amazon.awssdk.retries.api.BackoffStrategy.exponentialDelay(Duration.ofMillis(1),
                    Duration.ofMillis(5)), Duration.ofMillis(200));

    private final Ec2Client ec2 = Fixtures.ec2();
    private final WorkflowRunner workflow = mock(WorkflowRunner.class);
    private final FakeHttp http = new FakeHttp();
    private final List<String> log = new ArrayList<>();
    private final CloudFormationHookHandler handler = new CloudFormationHookHandler(
            Fixtures.clients(ec2, Fixtures.dynamoDb()), new FunctionSettings(Map.of(
                    FunctionSettings.LOCK_TABLE, "locks", FunctionSettings.STATE_MACHINE_LOG_GROUP, "/aws/vendedlogs/sm")),
            workflow, http, FAST, dev.vpcepilot.aws.Retrying.LAMBDA.scaled(0),
            dev.vpcepilot.logging.FunctionLog.lines(log::add));

    CloudFormationHookHandlerTest() {
        when(workflow.stateMachineArn()).thenReturn("arn:aws:states:us-east-1:123456789012:stateMachine:vpce-pilot");
    }

    /** CloudFormation's request to the service token, as the JSON it sends. */
    private static ObjectNode event(String type, String physicalId, Map<String, Object> props) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("RequestType", type);
        event.put("ServiceToken", SERVICE_TOKEN);
        event.put("ResponseURL", URL);
        event.put("StackId", STACK);
        event.put("RequestId", REQUEST_ID);
        event.put("LogicalResourceId", "DynamoDbEndpoint");
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.put("ResourceType", "Custom::DynamoDbVpcEndpoint");
        ObjectNode properties = event.putObject("ResourceProperties");
        properties.put("ServiceToken", SERVICE_TOKEN);
        props.forEach((key, value) -> properties.set(key, Json.MAPPER.valueToTree(value)));
        return event;
    }

    /** One invocation as the Lambda runtime makes it for a stream handler; returns what the handler returned. */
    private JsonNode send(ObjectNode event, Context context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, context);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private static Context context(long remainingMillis) {
        Context context = mock(Context.class);
        when(context.getRemainingTimeInMillis()).thenReturn((int) remainingMillis);
        when(context.getLogStreamName()).thenReturn("2026/01/10/[$LATEST]abc");
        return context;
    }

    /** The execution's output as the state machine's BuildOutput writes it. */
    private static JsonNode output(String endpointId, boolean created) {
        return Fixtures.json("{\"region\":\"us-east-1\",\"serviceName\":\"com.amazonaws.us-east-1.dynamodb\","
                + "\"vpcId\":\"" + VPC + "\",\"vpcEndpointId\":\"" + endpointId + "\",\"created\":" + created
                + ",\"owned\":true,\"routeTableIds\":[\"" + RTB_A + "\"],\"prefixListId\":\"pl-02cd2c6b\","
                + "\"endpoints\":[{\"vpcEndpointId\":\"" + endpointId + "\",\"owned\":true,\"held\":" + created
                + ",\"routeTableIds\":[\"" + RTB_A + "\"]}],\"claims\":[\"stack:" + STACK + "|DynamoDbEndpoint\"],"
                + "\"verification\":{\"routesOk\":true,\"listTablesOk\":true,\"dataPathOk\":true,\"subnets\":[]},\"cleanedUp\":false,"
                + "\"cleanupDetail\":\"Cleanup was not requested.\"}");
    }

    private void workflowSucceeds(String endpointId, boolean created) {
        when(workflow.run(any(), any(), any())).thenReturn(WorkflowRunner.Outcome.succeeded(EXECUTION_ARN,
                output(endpointId, created)));
    }

    @Test
    void createRunsTheWorkflowClaimingForTheResourceAndAnswersSuccess() throws Exception {
        workflowSucceeds("vpce-0new", true);

        send(event("Create", null, Map.of("VpcId", VPC, "RouteTableIds", List.of(RTB_A),
                "Tags", List.of(Map.of("Key", "team", "Value", "data")))), context(900_000));

        ArgumentCaptor<JsonNode> input = ArgumentCaptor.forClass(JsonNode.class);
        ArgumentCaptor<Duration> budget = ArgumentCaptor.forClass(Duration.class);
        verify(workflow).run(org.mockito.ArgumentMatchers.eq(EXECUTION_NAME), input.capture(), budget.capture());
        assertEquals(Fixtures.json("{\"vpcId\":\"" + VPC + "\",\"tags\":{\"team\":\"data\"},\"routeTableIds\":[\""
                + RTB_A + "\"],\"customResource\":{\"stackId\":\"" + STACK + "\",\"logicalResourceId\":"
                + "\"DynamoDbEndpoint\"}}"), input.getValue(), "the resource claims through the execution");
        // 600 s left to wait, less the 20 s kept to stop and undo an execution that outlives it
        assertEquals(580, Math.round(budget.getValue().toMillis() / 1000.0), budget.getValue().toString());
        verify(ec2, never()).createTags(any(CreateTagsRequest.class));

        assertEquals(1, http.requests.size());
        assertEquals(SdkHttpMethod.PUT, http.requests.get(0).httpRequest().method());
        JsonNode answer = http.lastAnswer();
        assertEquals("SUCCESS", answer.path("Status").asText());
        assertEquals("vpce-0new", answer.path("PhysicalResourceId").asText());
        assertEquals(REQUEST_ID, answer.path("RequestId").asText());
        assertEquals("vpce-0new", answer.at("/Data/VpcEndpointId").asText());
        assertEquals(VPC, answer.at("/Data/VpcId").asText());
        assertEquals("pl-02cd2c6b", answer.at("/Data/PrefixListId").asText());
        assertEquals("true", answer.at("/Data/Created").asText());
        assertEquals("stack:" + STACK + "|DynamoDbEndpoint", answer.at("/Data/Claims").asText());
        assertEquals("", answer.at("/Data/EndpointUrl").asText("missing"), "a gateway endpoint has no URL of its own");
        assertEquals("", answer.at("/Data/DnsName").asText("missing"));
    }

    @Test
    void theInterfacePropertiesReachTheExecutionInput() throws Exception {
        workflowSucceeds("vpce-0new", true);

        send(event("Create", null, Map.of("VpcId", VPC, "EndpointType", "Interface", "SubnetIds",
                List.of("subnet-0123456789abcdef0"), "AllowedCidrs", List.of("192.168.0.0/16"))), context(900_000));

        ArgumentCaptor<JsonNode> input = ArgumentCaptor.forClass(JsonNode.class);
        verify(workflow).run(org.mockito.ArgumentMatchers.eq(EXECUTION_NAME), input.capture(), any());
        assertEquals("Interface", input.getValue().path("endpointType").asText());
        assertEquals(Fixtures.json("[\"subnet-0123456789abcdef0\"]"), input.getValue().path("subnetIds"));
        assertEquals(Fixtures.json("[\"192.168.0.0/16\"]"), input.getValue().path("allowedCidrs"));
    }

    @Test
    void routeTableIdsOnAnInterfaceResourceAnswersFailedWithoutRunningTheWorkflow() throws Exception {
        send(event("Create", null, Map.of("EndpointType", "Interface", "RouteTableIds", List.of(RTB_A))),
                context(900_000));

        verify(workflow, never()).run(any(), any(), any());
        JsonNode answer = http.lastAnswer();
        assertEquals("FAILED", answer.path("Status").asText());
        assertTrue(answer.path("Reason").asText().startsWith("InvalidInput: RouteTableIds is for Gateway endpoints"),
                answer.path("Reason").asText());
    }

    @Test
    void aReusedEndpointIsAnsweredWithoutTaggingAnything() throws Exception {
        workflowSucceeds("vpce-0fff", false);

        send(event("Create", null, Map.of()), context(900_000));

        verify(ec2, never()).createTags(any(CreateTagsRequest.class));
        assertEquals("SUCCESS", http.lastAnswer().path("Status").asText());
        assertEquals("false", http.lastAnswer().at("/Data/Created").asText());
    }

    @Test
    void theWaitIsBoundedByTheLambdaTimeLeftMinusHeadroom() throws Exception {
        workflowSucceeds("vpce-0fff", false);

        send(event("Create", null, Map.of()), context(100_000));

        ArgumentCaptor<Duration> budget = ArgumentCaptor.forClass(Duration.class);
        verify(workflow).run(any(), any(), budget.capture());
        // 70 s left, less a quarter kept to stop and undo an execution that outlives it
        assertEquals(52.5, budget.getValue().toMillis() / 1000.0, 0.1, budget.getValue().toString());
    }

    @Test
    void aFailedCreateAnswersFailedWithAMarkerAndTheStableErrorName() throws Exception {
        when(workflow.run(any(), any(), any())).thenReturn(WorkflowRunner.Outcome.failed(EXECUTION_ARN, "VpcNotFound",
                "VPC vpc-0123456789abcdef0 does not exist in this account and region."));

        send(event("Create", null, Map.of("VpcId", VPC)), context(900_000));

        JsonNode answer = http.lastAnswer();
        assertEquals("FAILED", answer.path("Status").asText());
        assertEquals("vpce-pilot-failed-create:" + EXECUTION_NAME, answer.path("PhysicalResourceId").asText());
        String reason = answer.path("Reason").asText();
        assertTrue(reason.contains("VpcNotFound: VPC vpc-0123456789abcdef0 does not exist"), reason);
        assertTrue(reason.contains(EXECUTION_ARN), reason);
        assertTrue(reason.contains("the log group /aws/vendedlogs/sm"), "where to look, from the settings: " + reason);
        assertFalse(reason.contains("sig=secret"), reason);
    }

    @Test
    void anUnknownPropertyAnswersFailedWithoutRunningTheWorkflow() throws Exception {
        send(event("Create", null, Map.of("VpcID", VPC)), context(900_000));

        verify(workflow, never()).run(any(), any(), any());
        JsonNode answer = http.lastAnswer();
        assertEquals("FAILED", answer.path("Status").asText());
        assertTrue(answer.path("Reason").asText().startsWith("InvalidInput: Unknown property VpcID"),
                answer.path("Reason").asText());
    }

    @Test
    void anUnexpectedExceptionStillAnswersCloudFormation() throws Exception {
        when(workflow.run(any(), any(), any())).thenThrow(new IllegalStateException("boom"));

        send(event("Update", "vpce-0old", Map.of()), context(900_000));

        JsonNode answer = http.lastAnswer();
        assertEquals("FAILED", answer.path("Status").asText());
        assertEquals("vpce-0old", answer.path("PhysicalResourceId").asText(), "an Update keeps the id on failure");
        assertTrue(answer.path("Reason").asText().contains("boom"), answer.toString());
    }

    @Test
    void aFailedUpdateKeepsThePhysicalId() throws Exception {
        when(workflow.run(any(), any(), any())).thenReturn(WorkflowRunner.Outcome.timedOut(EXECUTION_ARN,
                Duration.ofSeconds(600)));

        send(event("Update", "vpce-0old", Map.of()), context(900_000));

        assertEquals("FAILED", http.lastAnswer().path("Status").asText());
        assertEquals("vpce-0old", http.lastAnswer().path("PhysicalResourceId").asText());
    }

    @Test
    void deleteOfAnEndpointAlreadyGoneIsASuccessAndTakesNoLock() throws Exception {
        doThrow(Fixtures.ec2Error(400, "InvalidVpcEndpointId.NotFound")).when(ec2)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        // no VpcId property, and the region has no default VPC any more: only the id can name the VPC
        doReturn(software.amazon.awssdk.services.ec2.model.DescribeVpcsResponse.builder().build()).when(ec2)
                .describeVpcs(any(software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest.class));

        send(event("Delete", "vpce-0new", Map.of()), context(900_000));

        assertEquals("SUCCESS", http.lastAnswer().path("Status").asText());
        assertEquals("vpce-0new", http.lastAnswer().path("PhysicalResourceId").asText(), "a Delete never changes the id");
        assertTrue(http.lastAnswer().path("Reason").asText().contains("already gone"), http.lastAnswer().toString());
        verifyNoInteractions(workflow);
    }

    @Test
    void deleteAfterACreateWhoseExecutionNeverStartedHasNothingToUndo() throws Exception {
        when(workflow.find(EXECUTION_NAME)).thenReturn(java.util.Optional.empty());

        send(event("Delete", "vpce-pilot-failed-create:" + EXECUTION_NAME, Map.of()), context(900_000));

        assertEquals("SUCCESS", http.lastAnswer().path("Status").asText());
        assertEquals("vpce-pilot-failed-create:" + EXECUTION_NAME, http.lastAnswer().path("PhysicalResourceId").asText());
        assertTrue(http.lastAnswer().path("Reason").asText().contains("before its execution started"),
                http.lastAnswer().toString());
        verifyNoInteractions(ec2);
    }

    @Test
    void deleteOfAMarkerNamingAnotherResourcesExecutionUndoesNothing() throws Exception {
        when(workflow.find(EXECUTION_NAME)).thenReturn(java.util.Optional.of(new WorkflowRunner.Execution(
                EXECUTION_ARN, Fixtures.json("{\"customResource\":{\"stackId\":\"arn:aws:cloudformation:us-east-1:"
                        + "123456789012:stack/other/11111111-2222-3333-4444-555555555555\",\"logicalResourceId\":"
                        + "\"DynamoDbEndpoint\"}}"))));

        send(event("Delete", "vpce-pilot-failed-create:" + EXECUTION_NAME, Map.of()), context(900_000));

        assertEquals("SUCCESS", http.lastAnswer().path("Status").asText());
        assertTrue(http.lastAnswer().path("Reason").asText().contains("not for this resource"),
                http.lastAnswer().toString());
        verifyNoInteractions(ec2);
    }

    @Test
    void aFailingDeleteAnswersFailedAndKeepsTheId() throws Exception {
        doThrow(Fixtures.ec2Error(403, "UnauthorizedOperation")).when(ec2)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        send(event("Delete", "vpce-0new", Map.of("VpcId", VPC)), context(900_000));

        assertEquals("FAILED", http.lastAnswer().path("Status").asText());
        assertEquals("vpce-0new", http.lastAnswer().path("PhysicalResourceId").asText());
        assertTrue(http.lastAnswer().path("Reason").asText().contains("AwsRequestFailed"), http.lastAnswer().toString());
    }

    @Test
    void theAnswerIsPutAgainWithTheSameBodyAfterA5xx() throws Exception {
        workflowSucceeds("vpce-0fff", false);
        http.statuses.add(500);
        http.statuses.add(503);

        JsonNode returned = send(event("Create", null, Map.of()), context(900_000));

        assertEquals(3, http.bodies.size(), "500, 503, then delivered");
        assertFalse(http.bodies.get(0).isEmpty());
        assertEquals(http.bodies.get(0), http.bodies.get(2), "every PUT carries the whole answer");
        assertEquals(3, returned.path("Attempts").asInt());
        assertTrue(returned.path("Delivered").asBoolean());
    }

    @Test
    void theAnswerIsPutAgainWithTheSameBodyAfterAConnectionError() throws Exception {
        workflowSucceeds("vpce-0fff", false);
        http.statuses.add(-1);

        send(event("Create", null, Map.of()), context(900_000));

        assertEquals(2, http.bodies.size());
        assertEquals(http.bodies.get(0), http.bodies.get(1));
        assertEquals("SUCCESS", http.lastAnswer().path("Status").asText());
    }

    @Test
    void aClientErrorOnThePutIsNotRetriedAndTheInvocationFailsNamingTheRequest() {
        workflowSucceeds("vpce-0fff", false);
        http.statuses.add(403);

        AnswerNotDelivered failure = assertThrows(AnswerNotDelivered.class,
                () -> send(event("Create", null, Map.of()), context(900_000)));

        assertEquals(1, http.bodies.size(), "a 4xx is the URL refusing this very request: sending it again changes "
                + "nothing");
        assertTrue(failure.getMessage().contains(REQUEST_ID), failure.getMessage());
        assertTrue(failure.getMessage().contains("HTTP 403"), failure.getMessage());
        assertFalse(failure.getMessage().contains("sig=secret"), failure.getMessage());
    }

    @Test
    void a5xxThatLastsPastTheDeadlineIsUndeliveredAndSaysSo() {
        workflowSucceeds("vpce-0fff", false);
        for (int i = 0; i < 10_000; i++) {
            http.statuses.add(500);
        }

        // 30 s of Lambda time left: no time for the workflow; the answer still gets its minimum delivery window
        AnswerNotDelivered failure = assertThrows(AnswerNotDelivered.class,
                () -> send(event("Create", null, Map.of()), context(30_000)));

        assertTrue(http.bodies.size() > 2, "retried: " + http.bodies.size());
        assertTrue(failure.getMessage().contains(REQUEST_ID) && failure.getMessage().contains("HTTP 500"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("retried until the hook's deadline"), failure.getMessage());
        assertFalse(failure.getMessage().contains("cloudformation-custom-resource-response"), failure.getMessage());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[ERROR] ") && l.contains(REQUEST_ID)), log.toString());
        assertTrue(log.stream().noneMatch(l -> l.contains("cloudformation-custom-resource-response")
                || l.contains("sig=secret")), "the ResponseURL reached the log: " + log);
    }

    @Test
    void theAnswerIsSentWithAnEmptyContentTypeAndFitsCloudFormationsLimit() throws Exception {
        when(workflow.run(any(), any(), any())).thenReturn(WorkflowRunner.Outcome.failed(EXECUTION_ARN,
                "VerificationFailed", "x".repeat(20_000)));

        send(event("Create", null, Map.of()), context(900_000));

        assertEquals(List.of(""), http.requests.get(0).httpRequest().headers().get("Content-Type"),
                "as cfn-response sends it: a presigned URL that signed an empty content type accepts it");
        assertTrue(http.bodies.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                <= AnswerDelivery.MAX_BODY_BYTES, http.bodies.get(0).length() + " bytes");
        JsonNode answer = http.lastAnswer();
        assertEquals("FAILED", answer.path("Status").asText());
        assertTrue(answer.path("Reason").asText().endsWith("..."), "the reason is shortened, the answer still sent");
        assertEquals(REQUEST_ID, answer.path("RequestId").asText());
    }

    // ---- the request checks of the entry point ----

    @Test
    void anUnknownRequestTypeAnswersFailedAndKeepsTheId() throws Exception {
        send(event("Replace", "vpce-0old", Map.of()), context(900_000));

        verifyNoInteractions(workflow);
        JsonNode answer = http.lastAnswer();
        assertEquals("FAILED", answer.path("Status").asText());
        assertEquals("vpce-0old", answer.path("PhysicalResourceId").asText());
        assertTrue(answer.path("Reason").asText().contains("RequestType Replace"), answer.toString());
    }

    @Test
    void aRequestWithoutRequestIdAnswersFailedWithoutStartingAnExecution() throws Exception {
        ObjectNode create = event("Create", null, Map.of());
        create.remove("RequestId");

        send(create, context(900_000));

        verify(workflow, never()).run(any(), any(), any());
        JsonNode answer = http.lastAnswer();
        assertEquals("FAILED", answer.path("Status").asText());
        assertTrue(answer.path("Reason").asText().contains("RequestId is missing"), answer.toString());
        assertTrue(answer.path("PhysicalResourceId").asText().startsWith("vpce-pilot-failed-create:"),
                "a Create's failure marker, which names no execution");
    }

    @Test
    void aFieldOfTheWrongTypeAnswersFailed() throws Exception {
        ObjectNode update = event("Update", "vpce-0old", Map.of());
        update.put("LogicalResourceId", 42);

        send(update, context(900_000));

        verifyNoInteractions(workflow);
        assertEquals("FAILED", http.lastAnswer().path("Status").asText());
        assertTrue(http.lastAnswer().path("Reason").asText().contains("LogicalResourceId must be a string"),
                http.lastAnswer().toString());
    }

    @Test
    void fieldsCloudFormationMayAddAreAccepted() throws Exception {
        workflowSucceeds("vpce-0fff", false);
        ObjectNode create = event("Create", null, Map.of());
        create.put("SomeFutureField", "value");

        send(create, context(900_000));

        assertEquals("SUCCESS", http.lastAnswer().path("Status").asText());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "ResponseURL {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "   ", "http://responses.example.com/answer?sig=secret",
            "file:///tmp/answer", "not a url"})
    void withoutAUsableResponseUrlNobodyIsAnsweredAndTheInvocationFails(String url) {
        ObjectNode create = event("Create", null, Map.of());
        if (url.isEmpty()) {
            create.remove("ResponseURL");
        } else {
            create.put("ResponseURL", url);
        }

        InvalidInput failure = assertThrows(InvalidInput.class, () -> send(create, context(900_000)));

        verifyNoInteractions(workflow);
        assertEquals(0, http.requests.size());
        assertTrue(failure.getMessage().contains("ResponseURL") && failure.getMessage().contains(REQUEST_ID),
                failure.getMessage());
        assertFalse(!url.isBlank() && failure.getMessage().contains(url), failure.getMessage());
    }

    @Test
    void aPayloadThatIsNotAnObjectFailsTheInvocation() {
        InvalidInput failure = assertThrows(InvalidInput.class, () -> handler.handleRequest(
                new ByteArrayInputStream("[1,2]".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), context(900_000)));
        assertTrue(failure.getMessage().contains("JSON object"), failure.getMessage());
    }
}
