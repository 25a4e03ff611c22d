package dev.vpcepilot.endpoint;

import static dev.vpcepilot.endpoint.WorkflowAssertions.failed;
import static dev.vpcepilot.endpoint.WorkflowAssertions.succeeded;
import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.ProxiedWorkflows;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * A failure after CreateEndpoint made the endpoint rolls that endpoint back (HandleFailure), and never one the
 * execution reused. The failure is provoked in VerifyEndpoint (an endpoint created pending, so verified after the
 * wait, with a route deleted by hand meanwhile), or in CreateEndpoint before it writes: DynamoDB refusing ListTables
 * (through a proxy in front of moto_server, as an endpoint policy or IAM would). The test's own checks talk to
 * moto_server directly.
 */
@Workflow
class RollbackWorkflowTest {

    @RegisterExtension
    static final ProxiedWorkflows SETUP = new ProxiedWorkflows();
    private static FaultProxy proxy;
    private static LocalWorkflow workflow;
    private MotoEc2 aws;

    @BeforeAll
    static void workflowBehindTheProxy() {
        proxy = SETUP.proxy();
        workflow = SETUP.workflow();
    }

    @BeforeEach
    void directClient() {
        aws = SETUP.aws();
    }

    /**
     * Rule 17: the create step asks DynamoDB (ListTables) under the lock before it writes anything; a refusal fails
     * the run there, and nothing was created, changed or claimed.
     */
    @Test
    void aRefusedListTablesFailsTheRunBeforeAnythingIsWritten() {
        String vpcId = aws.createVpc("10.71.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        proxy.refuseListTables(true);

        ExecutionResult result = workflow.run(json("{\"vpcId\": \"" + vpcId + "\"}"), "refused-first");

        String cause = failed(result, "VerificationFailed");
        assertTrue(cause.contains("ListTables failed: AccessDeniedException (HTTP 400)"), cause);
        assertFalse(cause.contains("Rolled back"), "nothing to roll back: " + cause);
        assertEquals(0, proxy.count("ec2:CreateVpcEndpoint"), "nothing created");
        assertEquals(List.of(), aws.liveEndpoints(vpcId));
        assertEquals(Map.of(), aws.prefixListRoutes(main));
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "ResolveVpc", "IsRelease", "CreateEndpoint",
                "HandleFailure", "Failed"), result.statesEntered());
        ProgressEvent.ErrorCaught caught = result.events(ProgressEvent.ErrorCaught.class).get(0);
        assertEquals("CreateEndpoint", caught.stateName());
        assertEquals("dev.vpcepilot.errors.VerificationFailed", caught.error());
        assertEquals(List.of(), result.events(ProgressEvent.TaskRetried.class), "VerificationFailed is not retried");
    }

    @Test
    void aRouteDeletedBetweenCreateAndVerifyFailsVerificationAndRollsTheEndpointBack() {
        String vpcId = aws.createVpc("10.72.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String associated = aws.createAssociatedRouteTable(vpcId, "10.72.1.0/24");
        String[] created = new String[1];
        proxy.reportEndpointsAs("pending"); // created pending: verified after the wait, in a hold of its own

        ExecutionResult result = workflow.run(json("{\"vpcId\": \"" + vpcId + "\", \"routeTableIds\": [\"" + main
                + "\", \"" + associated + "\"]}"), "route-deleted", event -> {
                    if (event instanceof ProgressEvent.StateEntered entered
                            && entered.stateName().equals("VerifyEndpoint")) {
                        created[0] = aws.liveEndpoints(vpcId).get(0).vpcEndpointId();
                        aws.deletePrefixListRoutes(associated); // someone edits the table by hand
                    }
                });

        String cause = failed(result, "VerificationFailed");
        assertTrue(cause.startsWith("The endpoints' routes are not in place: " + associated
                + " has no prefix-list route to an endpoint of the service (it is associated with " + created[0]
                + ")."), cause);
        assertFalse(cause.contains(main), cause);
        assertTrue(cause.endsWith(" Rolled back " + created[0] + ", created by this execution."), cause);
        assertFalse(aws.isLive(created[0]));
        assertEquals(List.of(), aws.liveEndpoints(vpcId));
        assertEquals(Map.of(), aws.prefixListRoutes(main), "the rollback took the endpoint's other route too");
    }

    @Test
    void aForeignEndpointThatFailsVerificationIsNeverRolledBack() {
        String vpcId = aws.defaultVpcId();
        String foreign = aws.createForeignEndpoint(vpcId, List.of(aws.mainRouteTableId(vpcId)));
        proxy.refuseListTables(true);

        String cause = failed(workflow.run(json("{\"cleanup\": true}")), "VerificationFailed");

        assertFalse(cause.contains("Rolled back"), cause);
        assertTrue(aws.isLive(foreign));
        assertEquals(List.of(foreign), aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).toList());
    }

    @Test
    void anOwnedEndpointOfAnEarlierExecutionIsNeverRolledBack() {
        String vpcId = aws.defaultVpcId();
        JsonNode first = succeeded(workflow.run(json("{}")));
        String vpce = first.get("vpcEndpointId").asText();
        proxy.refuseListTables(true);

        ExecutionResult rerun = workflow.run(json("{}"));

        String cause = failed(rerun, "VerificationFailed");
        assertFalse(cause.contains("Rolled back"), cause);
        assertTrue(aws.isLive(vpce), "created by the first execution, reused by the second: it stays");
        assertEquals(List.of(vpce), aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).toList());
    }

    @Test
    void aRouteDeletedByHandFailsVerificationOfAReusedEndpointWithoutDeletingIt() {
        String vpcId = aws.defaultVpcId();
        String main = aws.mainRouteTableId(vpcId);
        String foreign = aws.createForeignEndpoint(vpcId, List.of(main));
        aws.deletePrefixListRoutes(main);

        ExecutionResult result = workflow.run(json("{}"));

        String cause = failed(result, "VerificationFailed");
        assertTrue(cause.contains(main + " is associated with " + foreign + ", which vpce-pilot did not create, but "
                + "has no route to it"), cause);
        assertFalse(cause.contains("Rolled back"), cause);
        assertTrue(aws.isLive(foreign));
    }

    @Test
    void aFailureBeforeCreateRollsNothingBackAndTouchesNoEndpoint() {
        String vpcId = aws.defaultVpcId();
        String foreign = aws.createForeignEndpoint(vpcId, List.of());
        String other = aws.createVpc("10.71.0.0/16");

        ExecutionResult result = workflow.run(json("{\"vpcId\": \"" + vpcId + "\", \"routeTableIds\": [\""
                + aws.mainRouteTableId(other) + "\"]}"));

        String cause = failed(result, "RouteTableNotFound");
        assertFalse(cause.contains("Rolled back"), cause);
        assertTrue(aws.isLive(foreign));
        assertEquals(List.of(foreign), aws.allEndpoints().stream().map(VpcEndpoint::vpcEndpointId).toList());
        assertEquals(Stream.of("Prepare", "CheckServiceAvailability", "ResolveVpc", "HandleFailure", "Failed").toList(),
                result.statesEntered());
    }
}
