package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.handlers.CloudFormationHookHandler;
import dev.vpcepilot.handlers.FunctionSettings;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionListener;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.local.cfn.ResponseBucket;
import dev.vpcepilot.local.lambda.LocalLambdaContext;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.EventualConsistency;
import dev.vpcepilot.sharing.LeaseLedger;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.testkit.faults.FaultKind;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * The Custom::DynamoDbVpcEndpoint hook end to end in this JVM: the real hook handler (given CloudFormation's request
 * as bytes, as the Lambda runtime gives a stream handler), the real state machine through the local runner,
 * moto_server, and a presigned S3 PUT URL on the emulator as the ResponseURL, whose answer each test reads back.
 * Every path must end in an answer. (RealRuntimeHookTest runs the same hook under the real Lambda runtime.)
 */
@Workflow
class CustomResourceTest {

    private static final String REGION = "us-east-1";
    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/11111111-2222-3333-4444-555555555555";
    private static final Path ROOT = TestProject.root();
    private static final String LOCK_TABLE = "vpce-pilot-local-LockTable";
    private static final String SERVICE = "com.amazonaws." + REGION + ".dynamodb";
    /** The hook's own retries, a hundred times faster than in Lambda (the SDK's backoff stays real). */
    private static final Retrying FAST_RETRIES = Retrying.LAMBDA.scaled(0.01);

    private static MotoServer moto;
    private static ResponseBucket bucket;
    private static AwsClients direct;

    private FaultProxy proxy;
    private LocalWorkflow workflow;
    private LocalWorkflowRunner runner;
    private AwsClients viaProxy;
    private MotoEc2 aws;
    private final AtomicInteger executions = new AtomicInteger();
    private final List<String> hookLog = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @BeforeAll
    static void emptyEmulator() {
        moto = Moto.fresh();
        bucket = new ResponseBucket(moto.endpoint(), REGION);
        direct = AwsClients.forEndpoint(REGION, moto.endpoint());
    }

    @AfterAll
    static void closeClients() {
        direct.close();
        bucket.close();
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
        aws = new MotoEc2(moto.endpoint(), REGION);
    }

    @AfterEach
    void unwire() {
        runner.close();
        workflow.close();
        viaProxy.close();
        aws.close();
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
        assertTrue(marker.startsWith(PhysicalIds.FAILED_CREATE_PREFIX), marker);
        assertEquals(List.of(), liveEndpoints(), "nothing was left behind");

        JsonNode deleted = send(event("Delete", marker, Map.of("VpcId", "vpc-0123456789abcdef0")));
        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
        assertEquals(marker, deleted.path("PhysicalResourceId").asText());
    }

    /** Issue 16: the properties of one endpoint type on a resource of the other are refused before anything runs. */
    @Test
    void propertiesOfTheOtherEndpointTypeFailWithoutRunningTheWorkflow() {
        JsonNode interfaceWithTables = send(event("Create", null, Map.of("EndpointType", "Interface",
                "RouteTableIds", List.of("rtb-0123456789abcdef0"))));
        assertEquals("FAILED", interfaceWithTables.path("Status").asText(), interfaceWithTables.toString());
        assertTrue(interfaceWithTables.path("Reason").asText().startsWith(
                "InvalidInput: RouteTableIds is for Gateway endpoints"), interfaceWithTables.path("Reason").asText());

        JsonNode gatewayWithSubnets = send(event("Create", null, Map.of("SubnetIds",
                List.of("subnet-0123456789abcdef0"), "AllowedCidrs", List.of("192.168.0.0/16"))));
        assertEquals("FAILED", gatewayWithSubnets.path("Status").asText(), gatewayWithSubnets.toString());
        assertTrue(gatewayWithSubnets.path("Reason").asText().startsWith("InvalidInput: SubnetIds, AllowedCidrs are "
                + "for EndpointType Interface only"), gatewayWithSubnets.path("Reason").asText());
        assertTrue(gatewayWithSubnets.path("PhysicalResourceId").asText().startsWith(PhysicalIds.FAILED_CREATE_PREFIX));

        assertEquals(0, executions.get(), "no execution was started");
        assertEquals(0, proxy.mutatingCount(), "no AWS call changed anything");
        assertEquals(List.of(), liveEndpoints());
    }

    /**
     * Issue 16: an interface endpoint through the custom resource. Create makes it in the resource's subnets with a
     * security group of its own (443 from the VPC and AllowedCidrs) and answers its URL and DNS name; an Update of
     * its Tags keeps the id; Delete releases the stack's claim in the interface scope, and the endpoint and its group
     * go with it.
     */
    @Test
    void anInterfaceEndpointFollowsTheStackWithItsOwnSecurityGroup() {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1b");
        Map<String, Object> props = Map.of("VpcId", place.vpcId(), "EndpointType", "Interface", "SubnetIds",
                place.subnets(), "AllowedCidrs", List.of("192.168.0.0/16"));

        JsonNode created = send(event("Create", null, props));

        assertEquals("SUCCESS", created.path("Status").asText(), created.toString());
        String id = created.path("PhysicalResourceId").asText();
        VpcEndpoint endpoint = endpoint(id);
        assertEquals(VpcEndpointType.INTERFACE, endpoint.vpcEndpointType());
        assertEquals(new java.util.TreeSet<>(place.subnets()), new java.util.TreeSet<>(endpoint.subnetIds()));
        JsonNode data = created.path("Data");
        assertEquals(id, data.path("VpcEndpointId").asText());
        assertTrue(data.path("DnsName").asText().startsWith(id + "-"), data.toString());
        assertEquals("https://" + data.path("DnsName").asText(), data.path("EndpointUrl").asText());
        assertEquals("", data.path("PrefixListId").asText(), "an interface endpoint has no prefix list");
        assertEquals("stack:" + STACK + "|DynamoDbEndpoint", data.path("Claims").asText());
        assertTrue(created.path("Reason").asText().startsWith("Subnets "), created.path("Reason").asText());
        List<String> groups = ownedGroups(place.vpcId());
        assertEquals(1, groups.size(), "a security group of its own: " + groups);
        assertEquals(Set.of(place.cidr(), "192.168.0.0/16"), httpsFrom(groups.get(0)));
        assertEquals(Map.of(), claimsOf(place.vpcId()).claims(), "nothing is claimed in the gateway scope");

        Map<String, Object> tagged = new java.util.HashMap<>(props);
        tagged.put("Tags", Map.of("stage", "prod"));
        ObjectNode update = event("Update", id, tagged);
        JsonNode updated = send(update);

        assertEquals("SUCCESS", updated.path("Status").asText(), updated.toString());
        assertEquals(id, updated.path("PhysicalResourceId").asText(), "same VPC, same subnets: the id stays");
        assertEquals("prod", MotoEc2.tagsOf(endpoint(id)).get("stage"));

        JsonNode deleted = send(event("Delete", id, tagged));

        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
        assertTrue(isGone(id), "the endpoint goes with the stack: " + deleted);
        assertEquals(List.of(), ownedGroups(place.vpcId()), "its security group goes with it: " + deleted);
        assertNoClaims(interfaceScope(place.vpcId()));
    }

    /**
     * Issue 16: an Update that narrows SubnetIds keeps the id, and the subnet the stack no longer claims leaves its
     * endpoint (nobody else claims it); one that widens them adds the subnet to the endpoint the stack holds.
     */
    @Test
    void anUpdateOfSubnetIdsMovesTheStacksEndpointWithIt() {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1b");
        String id = send(event("Create", null, Map.of("VpcId", place.vpcId(), "EndpointType", "Interface",
                "SubnetIds", place.subnets()))).path("PhysicalResourceId").asText();

        JsonNode narrowed = send(event("Update", id, Map.of("VpcId", place.vpcId(), "EndpointType", "Interface",
                "SubnetIds", List.of(place.subnets().get(0)))));

        assertEquals("SUCCESS", narrowed.path("Status").asText(), narrowed.toString());
        assertEquals(id, narrowed.path("PhysicalResourceId").asText());
        assertEquals(List.of(place.subnets().get(0)), endpoint(id).subnetIds());

        JsonNode widened = send(event("Update", id, Map.of("VpcId", place.vpcId(), "EndpointType", "Interface",
                "SubnetIds", place.subnets())));

        assertEquals("SUCCESS", widened.path("Status").asText(), widened.toString());
        assertEquals(id, widened.path("PhysicalResourceId").asText());
        assertEquals(new java.util.TreeSet<>(place.subnets()), new java.util.TreeSet<>(endpoint(id).subnetIds()));
    }

    /**
     * Issue 16: an Update from a gateway endpoint to an interface endpoint is a replacement: the new id is the
     * interface endpoint's, and CloudFormation's Delete of the old id (with the old properties) releases the gateway
     * endpoint only; the interface endpoint stays for the stack. Rule 4: the two scopes never touch each other.
     */
    @Test
    void changingTheEndpointTypeReplacesTheResourceAndTheOldOnesDeleteLeavesTheNew() {
        MotoEc2.Place place = aws.place("us-east-1a");
        Map<String, Object> gateway = Map.of("VpcId", place.vpcId());
        String gatewayId = send(event("Create", null, gateway)).path("PhysicalResourceId").asText();
        assertEquals(VpcEndpointType.GATEWAY, endpoint(gatewayId).vpcEndpointType());

        ObjectNode update = event("Update", gatewayId, Map.of("VpcId", place.vpcId(), "EndpointType", "Interface"));
        update.putObject("OldResourceProperties").put("ServiceToken", CfnRequests.SERVICE_TOKEN)
                .put("VpcId", place.vpcId());
        JsonNode updated = send(update);

        assertEquals("SUCCESS", updated.path("Status").asText(), updated.toString());
        String interfaceId = updated.path("PhysicalResourceId").asText();
        assertNotEquals(gatewayId, interfaceId, "a new id: CloudFormation deletes the old one");
        assertEquals(VpcEndpointType.INTERFACE, endpoint(interfaceId).vpcEndpointType());
        assertFalse(isGone(gatewayId), "the Update itself leaves the gateway endpoint to the old id's Delete");

        JsonNode oldDeleted = send(event("Delete", gatewayId, gateway));

        assertEquals("SUCCESS", oldDeleted.path("Status").asText(), oldDeleted.toString());
        assertTrue(isGone(gatewayId), oldDeleted.toString());
        assertFalse(isGone(interfaceId), "the interface endpoint stays for the stack: " + oldDeleted);
        assertNoClaims(place.vpcId());
        assertEquals(Set.of("stack:" + STACK + "|DynamoDbEndpoint"), claimsOf(interfaceScope(place.vpcId()))
                .claims().keySet());
    }

    /**
     * Issue 16 with rule 13: an interface Create still running at the time bound is stopped and undone in the
     * interface scope (its endpoint and its security group deleted), and the Delete of its marker leaves nothing.
     */
    @Test
    void anInterfaceCreatePastTheTimeBoundIsUndoneWithItsSecurityGroup() {
        MotoEc2.Place place = aws.place("us-east-1a");
        LocalWorkflow slow = heldIn("VerifyInterfaceEndpoint", line -> { });
        try (LocalWorkflowRunner slowRunner = new LocalWorkflowRunner(slow)) {
            Map<String, Object> props = Map.of("VpcId", place.vpcId(), "EndpointType", "Interface");

            JsonNode answer = send(event("Create", null, props), slowRunner, Duration.ofSeconds(6), FAST_RETRIES);

            assertEquals("FAILED", answer.path("Status").asText(), answer.toString());
            assertTrue(answer.path("Reason").asText().contains("stopped and [vpce-"), answer.toString());
            assertEquals(List.of(), liveEndpoints(place.vpcId()), "nothing was left after the stop");
            assertEquals(List.of(), ownedGroups(place.vpcId()), "the group went with its endpoint");
            assertNoClaims(interfaceScope(place.vpcId()));

            JsonNode deleted = send(event("Delete", answer.path("PhysicalResourceId").asText(), props), slowRunner,
                    Duration.ofSeconds(60), FAST_RETRIES);

            assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
            assertEquals(List.of(), liveEndpoints(place.vpcId()));
            assertNoClaims(interfaceScope(place.vpcId()));
        } finally {
            slow.close();
        }
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
            public void stop(String executionArn, String cause) {
            }

            @Override
            public java.util.Optional<Execution> find(String executionName) {
                return java.util.Optional.empty();
            }

            @Override
            public String stateMachineArn() {
                return "arn:aws:states:us-east-1:123456789012:stateMachine:sm";
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
        assertTrue(answer.path("PhysicalResourceId").asText().startsWith(PhysicalIds.FAILED_CREATE_PREFIX));
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

    /**
     * Issue 9, item 5: a stack's Delete of the endpoint its Create made, with the first calls of every action the
     * hook makes throttled (EC2, and DynamoDB for the lock and the claims), past the SDK's 3 attempts: SUCCESS, never
     * FAILED (that would be DELETE_FAILED for the stack), and nothing left: no endpoint, no claim.
     */
    @ParameterizedTest(name = "the first {0} calls of every action throttled")
    @ValueSource(ints = {3, 6})
    void aDeleteThroughAThrottlingStormAnswersSuccessAndLeavesNothing(int throttled) {
        String vpc = freshVpc();
        String id = send(event("Create", null, Map.of("VpcId", vpc))).path("PhysicalResourceId").asText();
        assertTrue(id.startsWith("vpce-"), id);
        proxy.addRule(FaultRule.throttleFirst(throttled));

        JsonNode deleted = send(event("Delete", id, Map.of("VpcId", vpc)), runner, Duration.ofSeconds(300),
                FAST_RETRIES);

        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted + "\n" + String.join("\n", hookLog));
        assertEquals(id, deleted.path("PhysicalResourceId").asText());
        assertTrue(proxy.faultsInjected(FaultKind.THROTTLE) >= 3L * throttled, proxy.countsJson());
        assertTrue(proxy.count("ec2:DeleteVpcEndpoints") > throttled, "the delete got through after the storm: "
                + proxy.countsJson());
        assertEquals(List.of(), liveEndpoints(vpc));
        assertNoClaims(vpc);
    }

    /**
     * Issue 9, item 5: an Update that moves the resource to another VPC, in a storm of throttling, leaves no orphan:
     * the new VPC's endpoint is answered (CloudFormation keeps track of it), the old one goes with CloudFormation's
     * Delete of the old id (with the old properties, as CloudFormation sends it after a replacement), the new one
     * with the stack's Delete; then neither VPC has an endpoint or a claim.
     */
    @Test
    void anUpdateToAnotherVpcInAThrottlingStormLeavesNoOrphan() {
        String first = freshVpc();
        String second = freshVpc();
        String oldId = send(event("Create", null, Map.of("VpcId", first))).path("PhysicalResourceId").asText();
        proxy.addRule(FaultRule.throttleFirst(3));

        ObjectNode update = event("Update", oldId, Map.of("VpcId", second));
        ((ObjectNode) update.get("OldResourceProperties")).put("VpcId", first);
        JsonNode moved = send(update, runner, Duration.ofSeconds(300), FAST_RETRIES);
        assertEquals("SUCCESS", moved.path("Status").asText(), moved.toString());
        String newId = moved.path("PhysicalResourceId").asText();
        assertNotEquals(oldId, newId);
        assertEquals(List.of(newId), liveEndpoints(second));

        JsonNode cleanup = send(event("Delete", oldId, Map.of("VpcId", first)), runner, Duration.ofSeconds(300),
                FAST_RETRIES);
        assertEquals("SUCCESS", cleanup.path("Status").asText(), cleanup.toString());
        assertEquals(List.of(), liveEndpoints(first), "the old VPC's endpoint went with the old id");
        assertNoClaims(first);
        assertEquals(List.of(newId), liveEndpoints(second), "the Delete of the old id left the new one");

        JsonNode deleted = send(event("Delete", newId, Map.of("VpcId", second)), runner, Duration.ofSeconds(300),
                FAST_RETRIES);
        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
        assertEquals(List.of(), liveEndpoints(second));
        assertNoClaims(second);
        assertTrue(proxy.faultsInjected(FaultKind.THROTTLE) > 0, proxy.countsJson());
    }

    /**
     * Issue 9, item 5: an Update to another VPC that the hook answers FAILED after its execution succeeded (the Tags
     * changed, and one route table of the new VPC is served by an endpoint someone else made, whose tags are not
     * ours to change). CloudFormation keeps the old id and never hears of what the execution made in the new VPC: so
     * the hook undoes it before it answers (the endpoint it created for the other route table, the stack's claim
     * there). CloudFormation's rollback (an Update back) and the stack's Delete then leave only the foreign endpoint.
     */
    @Test
    void anUpdateToAnotherVpcAnsweredFailedLeavesNothingThereForTheStack() {
        String first = freshVpc();
        MotoEc2.Vpc secondVpc = aws.freshVpc(1);
        String second = secondVpc.id();
        String main = secondVpc.main();
        String extra = secondVpc.table(1);
        String foreign = aws.createForeignEndpoint(second, List.of(extra));
        String oldId = send(event("Create", null, Map.of("VpcId", first, "Tags", Map.of("team", "data"))))
                .path("PhysicalResourceId").asText();

        ObjectNode update = event("Update", oldId, Map.of("VpcId", second, "Tags", Map.of("team", "web")));
        ((ObjectNode) update.get("OldResourceProperties")).put("VpcId", first).putObject("Tags").put("team", "data");
        JsonNode failed = send(update, runner, Duration.ofSeconds(120), FAST_RETRIES);

        assertEquals("FAILED", failed.path("Status").asText(), failed.toString());
        assertEquals(oldId, failed.path("PhysicalResourceId").asText(), "a failed Update keeps the event's id");
        assertTrue(failed.path("Reason").asText().contains("Tags"), failed.toString());
        assertEquals(List.of(foreign), liveEndpoints(second), "what the execution created in " + second + " for "
                + main + " is gone: " + failed.path("Reason").asText());
        assertEquals(List.of(), claimsOf(second).claims().keySet().stream().filter(c -> c.startsWith("stack:"))
                .toList(), "the stack holds no claim where CloudFormation does not know it is");

        ObjectNode rollback = event("Update", oldId, Map.of("VpcId", first, "Tags", Map.of("team", "data")));
        ((ObjectNode) rollback.get("OldResourceProperties")).put("VpcId", second).putObject("Tags")
                .put("team", "web");
        JsonNode back = send(rollback, runner, Duration.ofSeconds(120), FAST_RETRIES);
        assertEquals("SUCCESS", back.path("Status").asText(), back.toString());
        assertEquals(oldId, back.path("PhysicalResourceId").asText());
        JsonNode deleted = send(event("Delete", oldId, Map.of("VpcId", first)), runner, Duration.ofSeconds(120),
                FAST_RETRIES);
        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
        assertEquals(List.of(), liveEndpoints(first));
        assertEquals(List.of(foreign), liveEndpoints(second), "someone else's endpoint is never touched");
        assertNoClaims(first);
        assertNoClaims(second);
    }

    /**
     * Issue 9, item 6: a Create whose execution outlives the hook's time bound, after it created the endpoint (it
     * is held at VerifyEndpoint until it is stopped): the hook answers FAILED with the failed-create marker, having
     * stopped the execution and deleted what it made; the stopped execution runs nothing more. CloudFormation's
     * Delete of the marker then answers SUCCESS and leaves nothing: no endpoint, no claim.
     */
    @Test
    void aCreatePastTheTimeBoundIsStoppedAndUndoneAndTheDeleteOfItsMarkerLeavesNothing() {
        String vpc = freshVpc();
        List<String> created = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        LocalWorkflow slow = heldIn("VerifyEndpoint", line -> {
            if (line.contains("Created vpce-")) {
                created.add(line);
            }
        });
        try (LocalWorkflowRunner slowRunner = new LocalWorkflowRunner(slow)) {
            ObjectNode create = event("Create", null, Map.of("VpcId", vpc));
            String execution = "cfn-" + create.get("RequestId").asText();

            JsonNode answer = send(create, slowRunner, Duration.ofSeconds(6), FAST_RETRIES);

            assertEquals("FAILED", answer.path("Status").asText(), answer.toString());
            assertEquals(PhysicalIds.FAILED_CREATE_PREFIX + execution, answer.path("PhysicalResourceId").asText());
            assertTrue(answer.path("Reason").asText().contains("did not finish within the 6 s"), answer.toString());
            assertEquals(1, created.size(), "the execution had created the endpoint before the bound: " + created);
            assertTrue(answer.path("Reason").asText().contains("stopped and [vpce-"), answer.toString());
            WorkflowRunner.Outcome end = slowRunner.run(execution, dev.vpcepilot.json.Json.MAPPER.createObjectNode(),
                    Duration.ofSeconds(60));
            assertEquals("ABORTED", end.error(), "the execution was stopped: " + end);
            assertEquals(List.of(), liveEndpoints(vpc), "nothing was left after the stop");
            assertNoClaims(vpc);

            JsonNode deleted = send(event("Delete", answer.path("PhysicalResourceId").asText(),
                    Map.of("VpcId", vpc)), slowRunner, Duration.ofSeconds(60), FAST_RETRIES);

            assertEquals("SUCCESS", deleted.path("Status").asText(), deleted.toString());
            assertEquals(answer.path("PhysicalResourceId").asText(), deleted.path("PhysicalResourceId").asText());
            assertEquals(List.of(), liveEndpoints(vpc));
            assertNoClaims(vpc);
        } finally {
            slow.close();
        }
    }

    /**
     * Issue 9, item 8: EC2 does not know the endpoint the Create made for the first calls that name it (eventual
     * consistency), right when the stack's Delete comes: the Delete waits for it (a few tries in the same call,
     * then the hook's own retries) and deletes it; SUCCESS, nothing left.
     */
    @ParameterizedTest(name = "the first {0} calls naming the new endpoint answer InvalidVpcEndpointId.NotFound")
    @ValueSource(ints = {3, 7})
    void aDeleteRightAfterTheCreateDeletesTheEndpointEc2DoesNotKnowYet(int notFound) {
        String vpc = freshVpc();
        proxy.addRule(FaultRule.endpointNotFoundFirst(notFound));
        JsonNode created = send(event("Create", null, Map.of("VpcId", vpc)));
        assertEquals("SUCCESS", created.path("Status").asText(), created.toString());
        String id = created.path("PhysicalResourceId").asText();

        JsonNode deleted = send(event("Delete", id, Map.of("VpcId", vpc)), runner, Duration.ofSeconds(120),
                FAST_RETRIES);

        assertEquals("SUCCESS", deleted.path("Status").asText(), deleted + "\n" + String.join("\n", hookLog));
        assertEquals(notFound, proxy.faultsInjected(FaultKind.NOT_FOUND), proxy.countsJson());
        assertEquals(List.of(), liveEndpoints(vpc));
        assertNoClaims(vpc);
    }

    private JsonNode send(ObjectNode event) {
        return send(event, runner, Duration.ofSeconds(60));
    }

    private JsonNode send(ObjectNode event, WorkflowRunner workflowRunner, Duration maxWait) {
        return send(event, workflowRunner, maxWait, Retrying.LAMBDA);
    }

    private JsonNode send(ObjectNode event, WorkflowRunner workflowRunner, Duration maxWait, Retrying retrying) {
        String key = event.get("RequestId").asText() + "-" + UUID.randomUUID() + ".json";
        event.put("ResponseURL", bucket.presignedPutUrl(key));
        invoke(handler(workflowRunner, maxWait, retrying), event);
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
        return handler(workflowRunner, maxWait, Retrying.LAMBDA);
    }

    /** The hook as in Lambda, but for how long its own retries wait; its log lines kept in {@link #hookLog}. */
    private CloudFormationHookHandler handler(WorkflowRunner workflowRunner, Duration maxWait, Retrying retrying) {
        return new CloudFormationHookHandler(viaProxy, new FunctionSettings(Map.of(FunctionSettings.LOCK_TABLE,
                LOCK_TABLE, FunctionSettings.HOOK_TIMEOUT_SECONDS, Long.toString(maxWait.toSeconds()))), workflowRunner,
                UrlConnectionHttpClient.create(), AnswerDelivery.Timing.LAMBDA, retrying,
                FunctionLog.lines(hookLog::add));
    }

    private static ObjectNode event(String type, String physicalId, Map<String, Object> props) {
        return CfnRequests.HOOK.json(type, STACK, physicalId, props, null);
    }

    /** A workflow whose executions stay in {@code state} until they are stopped (the stop interrupts the wait). */
    private LocalWorkflow heldIn(String state, java.util.function.Consumer<String> functionLog) {
        return LocalWorkflow.builder(ROOT).region(REGION).endpoint(proxy.endpoint()).resources(moto.endpoint())
                .timeScale(0).functionLog(functionLog)
                .listener(event -> {
                    if (event instanceof ProgressEvent.StateEntered entered && state.equals(entered.stateName())) {
                        pause(Duration.ofSeconds(60));
                    }
                }).build();
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

    /** A VPC of its own for a test (its main route table included): the claims of other tests are elsewhere. */
    private String freshVpc() {
        return aws.freshVpc(0).id();
    }

    /** The live endpoints of a VPC, read from moto directly. */
    private List<String> liveEndpoints(String vpcId) {
        return aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).sorted().toList();
    }

    /** The claims of a VPC's DynamoDB gateway endpoints, read from the lock table directly. */
    private ClaimsDocument claimsOf(String vpcId) {
        return claimsOf(Scope.of(runner.stateMachineArn(), vpcId, SERVICE));
    }

    private ClaimsDocument claimsOf(Scope scope) {
        return new LeaseLedger(direct.dynamoDb(), LOCK_TABLE, "test", EventualConsistency.SLEEP).read(scope).claims();
    }

    /** The scope of a VPC's DynamoDB interface endpoints. */
    private Scope interfaceScope(String vpcId) {
        return Scope.of(runner.stateMachineArn(), vpcId, SERVICE).withType(EndpointType.INTERFACE);
    }

    private void assertNoClaims(String vpcId) {
        assertNoClaims(Scope.of(runner.stateMachineArn(), vpcId, SERVICE));
    }

    private void assertNoClaims(Scope scope) {
        ClaimsDocument claims = claimsOf(scope);
        assertEquals(Map.of(), claims.claims(), "no claim is left in " + scope);
        assertEquals(Map.of(), claims.endpoints(), "no endpoint is recorded in " + scope);
    }

    /** The security groups of a VPC tagged as vpce-pilot's. */
    private static List<String> ownedGroups(String vpcId) {
        return ec2().describeSecurityGroups(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("tag:managed-by").values("vpce-pilot").build())).securityGroups().stream()
                .map(software.amazon.awssdk.services.ec2.model.SecurityGroup::groupId).toList();
    }

    /** The IPv4 ranges a group admits on TCP 443. */
    private static Set<String> httpsFrom(String groupId) {
        Set<String> cidrs = new java.util.TreeSet<>();
        ec2().describeSecurityGroups(r -> r.groupIds(groupId)).securityGroups().get(0).ipPermissions().stream()
                .filter(p -> "tcp".equals(p.ipProtocol()) && Integer.valueOf(443).equals(p.fromPort()))
                .forEach(p -> p.ipRanges().forEach(range -> cidrs.add(range.cidrIp())));
        return cidrs;
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
