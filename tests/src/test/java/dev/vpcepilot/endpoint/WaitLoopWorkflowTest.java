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
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wait loop (IsEndpointAvailable, WaitForEndpoint, GetEndpointStatus) with the real handlers. moto_server makes
 * every endpoint {@code available} at once, so a proxy in front of it shows the new endpoint {@code pending} (or
 * {@code failed}) in the first DescribeVpcEndpoints answers. Waits are not slept (time scale 0) but reported with
 * the template's EndpointWaitSeconds (5).
 */
@Workflow
class WaitLoopWorkflowTest {

    private static final Pattern ROLLED_BACK = Pattern.compile(" Rolled back (vpce-[0-9a-f]+), created by this "
            + "execution\\.$");

    @RegisterExtension
    static final ProxiedWorkflows SETUP = new ProxiedWorkflows();
    private static FaultProxy proxy;
    private static LocalWorkflow workflow;
    private static LocalWorkflow twoChecks;
    private MotoEc2 aws;

    @BeforeAll
    static void workflowsBehindTheProxy() {
        proxy = SETUP.proxy();
        workflow = SETUP.workflow();
        twoChecks = SETUP.workflow(builder -> builder.parameter("EndpointMaxWaitAttempts", "2"));
    }

    @BeforeEach
    void emulatorClient() {
        aws = SETUP.aws();
    }

    private static String rolledBack(String cause) {
        Matcher matcher = ROLLED_BACK.matcher(cause);
        assertTrue(matcher.find(), cause);
        return matcher.group(1);
    }

    @Test
    void aPendingEndpointIsCheckedAgainUntilItIsAvailable() {
        // the create answers "pending" (as EC2 does), the first two status checks too, the third "available"
        proxy.reportEndpointsAs("pending", 2);

        ExecutionResult result = workflow.run(json("{}"));

        JsonNode output = succeeded(result);
        assertTrue(output.get("created").asBoolean());
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "ResolveVpc", "IsRelease", "CreateEndpoint",
                "IsEndpointAvailable", "WaitForEndpoint", "GetEndpointStatus",
                "IsEndpointAvailable", "WaitForEndpoint", "GetEndpointStatus",
                "IsEndpointAvailable", "WaitForEndpoint", "GetEndpointStatus",
                "IsEndpointAvailable", "VerifyEndpoint", "ProbeHere", "ProbeNotHere", "WantsCleanup", "SkipCleanup",
                "BuildOutput", "Succeeded"),
                result.statesEntered());
        List<ProgressEvent.Waited> waits = result.events(ProgressEvent.Waited.class);
        assertEquals(3, waits.size());
        for (ProgressEvent.Waited wait : waits) {
            assertEquals("WaitForEndpoint", wait.stateName());
            assertEquals(Duration.ofSeconds(5), wait.delay(), "EndpointWaitSeconds");
            assertEquals(Duration.ZERO, wait.slept(), "time scale 0: no sleeping");
        }
        assertEquals(2, proxy.rewritten());
        assertTrue(aws.isLive(output.get("vpcEndpointId").asText()));
    }

    @Test
    void anEndpointStillPendingAfterTheLastCheckIsEndpointNotAvailableAndRolledBack() {
        proxy.reportEndpointsAs("pending", 1_000);

        ExecutionResult result = twoChecks.run(json("{}"));

        String cause = failed(result, "EndpointNotAvailable");
        String vpce = rolledBack(cause);
        assertTrue(cause.startsWith("The endpoints serving the route tables were still " + vpce
                + " (pending) after 2 checks 5 seconds apart."), cause);
        assertEquals(2, Collections.frequency(result.statesEntered(), "GetEndpointStatus"));
        assertEquals(List.of("IsEndpointAvailable", "EndpointWaitExceeded", "HandleFailure", "Failed"),
                result.statesEntered().subList(result.statesEntered().size() - 4, result.statesEntered().size()));
        assertFalse(aws.isLive(vpce), "the endpoint this execution created is deleted");
        assertEquals(List.of(), aws.liveEndpoints(aws.defaultVpcId()));
    }

    @Test
    void aFailedEndpointEndsTheWaitAsEndpointNotAvailableAndIsRolledBack() {
        // the create answers "pending", the first status check "failed"
        proxy.reportEndpointsAs("failed");

        ExecutionResult result = workflow.run(json("{}"));

        String cause = failed(result, "EndpointNotAvailable");
        String vpce = rolledBack(cause);
        assertTrue(cause.startsWith("The endpoints serving the route tables are " + vpce
                + " (failed): they will not become available."), cause);
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "ResolveVpc", "IsRelease", "CreateEndpoint",
                "IsEndpointAvailable", "WaitForEndpoint", "GetEndpointStatus", "IsEndpointAvailable", "EndpointFailed",
                "HandleFailure", "Failed"), result.statesEntered());
        assertEquals(1, result.events(ProgressEvent.Waited.class).size());
        assertFalse(aws.isLive(vpce));
    }

    @Test
    void anEndpointThatVanishesWhileWaitingIsEndpointNotAvailable() {
        proxy.reportEndpointsAs("pending", 1);
        String[] deleted = new String[1];

        ExecutionResult result = workflow.run(json("{}"), "vanishes", event -> {
            if (event instanceof ProgressEvent.StateEntered entered && entered.stateName().equals("WaitForEndpoint")) {
                // someone deletes it while this execution waits
                deleted[0] = aws.liveEndpoints(aws.defaultVpcId()).get(0).vpcEndpointId();
                aws.deleteEndpoint(deleted[0]);
            }
        });

        String cause = failed(result, "EndpointNotAvailable");
        // moto still describes a deleted endpoint, in state "deleted": the choice sends that to EndpointFailed
        assertTrue(cause.startsWith("The endpoints serving the route tables are " + deleted[0] + " (deleted)"), cause);
        assertTrue(result.statesEntered().containsAll(List.of("GetEndpointStatus", "EndpointFailed", "HandleFailure")),
                result.statesEntered()::toString);
        assertFalse(cause.contains("Rolled back"), "nothing of this execution's is left to roll back: " + cause);
    }
}
