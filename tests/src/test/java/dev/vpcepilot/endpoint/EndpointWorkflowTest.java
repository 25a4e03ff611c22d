package dev.vpcepilot.endpoint;

import static dev.vpcepilot.endpoint.WorkflowAssertions.failed;
import static dev.vpcepilot.endpoint.WorkflowAssertions.strings;
import static dev.vpcepilot.endpoint.WorkflowAssertions.succeeded;
import static dev.vpcepilot.kit.MotoEc2.tagsOf;
import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.moto.MotoServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The real statemachine/vpc-endpoint.asl.json (after template.yaml's DefinitionSubstitutions) with the real handlers,
 * through the local runner against moto_server: the scenarios of the acceptance list. Every test starts from
 * an empty emulator.
 */
@Workflow
class EndpointWorkflowTest {

    private static final List<String> HAPPY_PATH = List.of("Prepare", "CheckServiceAvailability", "ResolveVpc",
            "IsRelease", "CreateEndpoint", "IsEndpointAvailable", "VerifyEndpoint", "ProbeHere", "ProbeNotHere",
            "WantsCleanup", "SkipCleanup", "BuildOutput", "Succeeded");
    private static final List<String> HAPPY_PATH_WITH_CLEANUP = List.of("Prepare", "CheckServiceAvailability",
            "ResolveVpc", "IsRelease", "CreateEndpoint", "IsEndpointAvailable", "VerifyEndpoint", "ProbeHere",
            "ProbeNotHere", "WantsCleanup", "Cleanup", "BuildOutput", "Succeeded");

    private static MotoServer moto;
    private static LocalWorkflow workflow;
    private static final List<String> functionLog = Collections.synchronizedList(new ArrayList<>());
    private MotoEc2 aws;

    @BeforeAll
    static void workflow() {
        moto = Moto.fresh();
        workflow = LocalWorkflow.builder(TestProject.root()).endpoint(moto.endpoint()).region("us-east-1")
                .timeScale(0).functionLog(functionLog::add).build();
    }

    @AfterAll
    static void closeWorkflow() {
        workflow.close();
    }

    @BeforeEach
    void emptyEmulator() {
        moto.reset();
        workflow.provision();
        functionLog.clear();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
    }

    @AfterEach
    void closeClients() {
        aws.close();
    }

    private static ExecutionResult run(String input) {
        return workflow.run(json(input));
    }

    private List<String> liveEndpointIds(String vpcId) {
        return aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).toList();
    }

    @Test
    void theDefaultVpcGetsATaggedVerifiedEndpointThroughEveryStateInOrder() {
        String vpcId = aws.defaultVpcId();
        String main = aws.mainRouteTableId(vpcId);
        List<ProgressEvent> live = Collections.synchronizedList(new ArrayList<>());

        ExecutionResult result = workflow.run(json("{}"), "default-vpc", live::add);

        JsonNode output = succeeded(result);
        String vpce = output.get("vpcEndpointId").asText();
        assertEquals("us-east-1", output.get("region").asText());
        assertEquals("com.amazonaws.us-east-1.dynamodb", output.get("serviceName").asText());
        assertEquals(vpcId, output.get("vpcId").asText());
        assertTrue(output.get("created").asBoolean());
        assertTrue(output.get("owned").asBoolean());
        assertEquals(json("[\"" + main + "\"]"), output.get("routeTableIds"));
        assertEquals(Map.of(output.get("prefixListId").asText(), vpce), aws.prefixListRoutes(main),
                "the output's prefix list is the one routed to the endpoint");
        assertFalse(output.get("cleanedUp").asBoolean());
        assertEquals("Cleanup was not requested.", output.get("cleanupDetail").asText());

        VpcEndpoint endpoint = aws.endpoint(vpce).orElseThrow();
        assertEquals("available", endpoint.stateAsString());
        assertEquals("Gateway", endpoint.vpcEndpointTypeAsString());
        assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", result.executionArn()),
                tagsOf(endpoint));
        assertEquals(List.of(vpce), liveEndpointIds(vpcId));

        assertEquals(HAPPY_PATH, result.statesEntered());
        assertEquals(result.events(), live, "the listener saw every event as it happened");
        assertTrue(result.events().get(0) instanceof ProgressEvent.ExecutionStarted);
        assertEquals(List.of(), result.events(ProgressEvent.TaskRetried.class));
        assertEquals(List.of(), result.events(ProgressEvent.ErrorCaught.class));
        assertTrue(functionLog.stream().anyMatch(l -> l.contains("Created " + vpce + " in " + vpcId)),
                functionLog::toString);
    }

    @Test
    void anExplicitVpcGetsTheEndpointInAllItsRouteTables() {
        String vpcId = aws.createVpc("10.60.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String associated = aws.createAssociatedRouteTable(vpcId, "10.60.1.0/24");
        List<String> tables = Stream.of(main, associated).sorted().toList();

        JsonNode output = succeeded(run("{\"vpcId\": \"" + vpcId + "\", \"tags\": {\"team\": \"data\"}}"));

        String vpce = output.get("vpcEndpointId").asText();
        assertEquals(vpcId, output.get("vpcId").asText());
        assertEquals(tables, strings(output.get("routeTableIds")));
        assertTrue(output.get("created").asBoolean());
        for (String table : tables) {
            assertEquals(vpce, aws.prefixListRoutes(table).get(output.get("prefixListId").asText()), table);
        }
        VpcEndpoint endpoint = aws.endpoint(vpce).orElseThrow();
        assertEquals(tables, endpoint.routeTableIds().stream().sorted().toList());
        assertEquals("data", tagsOf(endpoint).get("team"));
        assertEquals(List.of(), liveEndpointIds(aws.defaultVpcId()), "nothing in the default VPC");
    }

    @Test
    void requestedRouteTablesAreTheOnlyOnesServed() {
        String vpcId = aws.createVpc("10.61.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String associated = aws.createAssociatedRouteTable(vpcId, "10.61.1.0/24");

        JsonNode output = succeeded(run("{\"vpcId\": \"" + vpcId + "\", \"routeTableIds\": [\"" + associated + "\"]}"));

        assertEquals(List.of(associated), strings(output.get("routeTableIds")));
        assertEquals(List.of(associated), aws.endpoint(output.get("vpcEndpointId").asText()).orElseThrow()
                .routeTableIds());
        assertEquals(Map.of(), aws.prefixListRoutes(main));
    }

    @Test
    void aRerunReusesTheEndpointAndTheVpcStillHasExactlyOne() {
        JsonNode first = succeeded(run("{}"));

        ExecutionResult again = run("{}");

        JsonNode second = succeeded(again);
        assertEquals(first.get("vpcEndpointId"), second.get("vpcEndpointId"));
        assertFalse(second.get("created").asBoolean());
        assertTrue(second.get("owned").asBoolean());
        assertEquals(first.get("prefixListId"), second.get("prefixListId"));
        assertEquals(List.of(first.get("vpcEndpointId").asText()), liveEndpointIds(aws.defaultVpcId()));
        assertEquals(1, aws.allEndpoints().size(), "DescribeVpcEndpoints lists one endpoint in all");
        assertEquals(HAPPY_PATH, again.statesEntered());
    }

    @Test
    void aRerunWithMoreRouteTablesAddsThemToTheReusedEndpoint() {
        String vpcId = aws.createVpc("10.62.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String associated = aws.createAssociatedRouteTable(vpcId, "10.62.1.0/24");
        JsonNode first = succeeded(run("{\"vpcId\": \"" + vpcId + "\", \"routeTableIds\": [\"" + main + "\"]}"));

        JsonNode second = succeeded(run("{\"vpcId\": \"" + vpcId + "\"}"));

        String vpce = first.get("vpcEndpointId").asText();
        assertEquals(vpce, second.get("vpcEndpointId").asText());
        assertFalse(second.get("created").asBoolean());
        assertEquals(Stream.of(main, associated).sorted().toList(), strings(second.get("routeTableIds")));
        assertEquals(vpce, aws.prefixListRoutes(associated).get(second.get("prefixListId").asText()));
        assertEquals(List.of(vpce), liveEndpointIds(vpcId));
    }

    @Test
    void anEndpointSomeoneElseMadeIsReusedAndSurvivesCleanup() {
        String vpcId = aws.defaultVpcId();
        String foreign = aws.createForeignEndpoint(vpcId, List.of(aws.mainRouteTableId(vpcId)));

        ExecutionResult result = run("{\"cleanup\": true}");

        JsonNode output = succeeded(result);
        assertEquals(foreign, output.get("vpcEndpointId").asText());
        assertFalse(output.get("created").asBoolean());
        assertFalse(output.get("owned").asBoolean());
        assertFalse(output.get("cleanedUp").asBoolean());
        assertTrue(output.get("cleanupDetail").asText().contains("vpce-pilot did not create it"),
                output.get("cleanupDetail").asText());
        assertEquals(HAPPY_PATH_WITH_CLEANUP, result.statesEntered());
        assertEquals(List.of(foreign), liveEndpointIds(vpcId), "the foreign endpoint is still there, and alone");
        assertEquals(Map.of("owner", "someone-else"), tagsOf(aws.endpoint(foreign).orElseThrow()));
    }

    @Test
    void cleanupDeletesTheEndpointItCreated() {
        String vpcId = aws.defaultVpcId();

        ExecutionResult result = run("{\"cleanup\": true}");

        JsonNode output = succeeded(result);
        String vpce = output.get("vpcEndpointId").asText();
        assertTrue(output.get("created").asBoolean());
        assertTrue(output.get("cleanedUp").asBoolean());
        assertEquals("Deleted " + vpce + ".", output.get("cleanupDetail").asText());
        assertEquals(List.of(), strings(output.get("claims")), "a run with cleanup holds no claim once it cleaned up");
        assertEquals(HAPPY_PATH_WITH_CLEANUP, result.statesEntered());
        assertFalse(aws.isLive(vpce), "state " + aws.endpoint(vpce).map(VpcEndpoint::stateAsString));
        assertEquals(List.of(), liveEndpointIds(vpcId));
        assertEquals(Map.of(), aws.prefixListRoutes(aws.mainRouteTableId(vpcId)), "its route went with it");
    }

    @Test
    void cleanupOnARerunLeavesTheStandingEndpointAnEarlierExecutionCreatedAndAReleaseDeletesIt() {
        JsonNode first = succeeded(run("{}"));
        String vpce = first.get("vpcEndpointId").asText();

        JsonNode second = succeeded(run("{\"cleanup\": true}"));

        assertEquals(vpce, second.get("vpcEndpointId").asText());
        assertFalse(second.get("created").asBoolean());
        assertTrue(second.get("owned").asBoolean());
        assertFalse(second.get("cleanedUp").asBoolean(), "the standing use of the first run still claims it");
        assertEquals(List.of("standing"), strings(second.get("claims")),
                "the claims once its own is released: the standing use's, not the run's");
        assertTrue(second.get("cleanupDetail").asText().contains("this run did not create it"),
                second.get("cleanupDetail").asText());
        assertTrue(aws.isLive(vpce));

        ExecutionResult release = run("{\"release\": true}");

        assertTrue(release.succeeded(), release.cause());
        assertEquals(List.of(vpce), strings(release.output().get("deleted")), release.output().toString());
        assertFalse(aws.isLive(vpce), "nobody claims it any more: the release deleted it");
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "ResolveVpc", "IsRelease", "ReleaseEndpoints",
                "BuildReleaseOutput", "Succeeded"), release.statesEntered());
    }

    @Test
    void anUnknownVpcFailsAsVpcNotFoundAndCreatesNothing() {
        ExecutionResult result = run("{\"vpcId\": \"vpc-0123456789abcdef0\"}");

        String cause = failed(result, "VpcNotFound");
        assertTrue(cause.contains("vpc-0123456789abcdef0"), cause);
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "ResolveVpc", "HandleFailure", "Failed"),
                result.statesEntered());
        assertEquals(List.of(), aws.allEndpoints(), "no endpoint anywhere");
        assertEquals(List.of(), result.events(ProgressEvent.TaskRetried.class), "VpcNotFound is not retried");
    }

    @Test
    void anotherRegionUsesItsOwnDynamoDbServiceAndDefaultVpc() {
        try (LocalWorkflow ireland = LocalWorkflow.builder(TestProject.root()).endpoint(moto.endpoint())
                .region("eu-west-1").timeScale(0).functionLog(functionLog::add).build();
             MotoEc2 euWest = new MotoEc2(moto.endpoint(), "eu-west-1")) {

            JsonNode output = succeeded(ireland.run(json("{}")));

            assertEquals("eu-west-1", output.get("region").asText());
            assertEquals("com.amazonaws.eu-west-1.dynamodb", output.get("serviceName").asText());
            assertEquals(euWest.defaultVpcId(), output.get("vpcId").asText());
            VpcEndpoint endpoint = euWest.endpoint(output.get("vpcEndpointId").asText()).orElseThrow();
            assertEquals("com.amazonaws.eu-west-1.dynamodb", endpoint.serviceName());
            assertEquals(List.of(), aws.allEndpoints(), "nothing in us-east-1");
        }
    }

    @Test
    void aServiceNameOfAnotherRegionIsInvalidInputBeforeAnyChange() {
        ExecutionResult result = run("{\"serviceName\": \"com.amazonaws.eu-west-1.dynamodb\"}");

        String cause = failed(result, "InvalidInput");
        assertTrue(cause.contains("eu-west-1") && cause.contains("com.amazonaws.us-east-1.dynamodb"), cause);
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "HandleFailure", "Failed"), result.statesEntered());
        assertEquals(List.of(), aws.allEndpoints());
    }

    @Test
    void badInputsFailAsInvalidInputWithAReadableCause() {
        for (String input : List.of("[1]", "{\"VpcId\": \"vpc-0123456789abcdef0\"}", "{\"cleanup\": \"true\"}",
                "{\"vpcId\": \"vpc-XYZ\"}", "{\"tags\": {\"managed-by\": \"me\"}}", "{\"routeTableIds\": []}")) {
            ExecutionResult result = run(input);

            String cause = failed(result, "InvalidInput");
            assertTrue(cause.length() > 20, input + " -> " + cause);
        }
        assertEquals(List.of(), aws.allEndpoints());
    }

    @Test
    void aRegionWithoutADefaultVpcFailsAsNoDefaultVpc() {
        try (LocalWorkflow saoPaulo = LocalWorkflow.builder(TestProject.root()).endpoint(moto.endpoint())
                .region("sa-east-1").timeScale(0).functionLog(functionLog::add).build();
             MotoEc2 saEast = new MotoEc2(moto.endpoint(), "sa-east-1")) {
            saEast.deleteDefaultVpc();

            String cause = failed(saoPaulo.run(json("{}")), "NoDefaultVpc");

            assertTrue(cause.contains("no default VPC"), cause);
            assertEquals(List.of(), saEast.allEndpoints());
        }
    }

    @Test
    void anEndpointAConcurrentExecutionCreatesAfterResolveVpcIsReusedAndVerified() {
        // Another execution for the same VPC wins the race: its endpoint appears after this execution's ResolveVpc
        // read the route tables, just before this one's CreateEndpoint looks.
        String vpcId = aws.defaultVpcId();
        String main = aws.mainRouteTableId(vpcId);
        String otherExecution = workflow.executionArn("the-other-one");
        List<String> racer = new ArrayList<>();

        ExecutionResult result = workflow.run(json("{}"), "this-one", event -> {
            if (event instanceof ProgressEvent.StateEntered entered && entered.stateName().equals("CreateEndpoint")) {
                racer.add(aws.createEndpoint(vpcId, List.of(main), MotoEc2.ownedTags(otherExecution), null));
            }
        });

        JsonNode output = succeeded(result);
        assertEquals(racer, List.of(output.get("vpcEndpointId").asText()));
        assertFalse(output.get("created").asBoolean());
        assertTrue(output.get("owned").asBoolean());
        assertEquals(racer, liveEndpointIds(vpcId));
    }

    @Test
    void executionsAreNamedAndTaggedWithTheirOwnArn() {
        ExecutionResult result = workflow.run(json("{}"), "named-run");

        JsonNode output = succeeded(result);
        assertEquals(workflow.executionArn("named-run"), result.executionArn());
        assertEquals(result.executionArn(), tagsOf(aws.endpoint(output.get("vpcEndpointId").asText()).orElseThrow())
                .get("vpce-pilot:execution"));
        assertFalse(result.stopTime().isBefore(result.startTime()));
    }
}
