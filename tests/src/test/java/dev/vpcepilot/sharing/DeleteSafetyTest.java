package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.hook.EndpointHook;
import dev.vpcepilot.hook.HookAnswer;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.Emulator;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.sharing.Ownership;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * An endpoint someone else made is reported and reused, never deleted (docs/design.md rule 1): not by cleanup, not
 * by a release through {@link SharedEndpoints}, not by the custom resource's Delete, not by the rollback of a
 * failed execution, and not when it carries look-alike tags. Every check reads moto directly.
 */
@Reliability
class DeleteSafetyTest {

    private String vpc;
    private String foreign;
    private FaultProxy proxy;
    private LocalWorkflow workflow;
    private final List<String> logged = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        vpc = Emulator.freshVpc();
        foreign = foreignEndpoint(vpc, List.of(Tag.builder().key("owner").value("network-team").build()));
        proxy = FaultProxy.start(Emulator.moto());
        workflow = Emulator.workflow(proxy.endpoint()).build();
    }

    @AfterEach
    void tearDown() {
        workflow.close();
        proxy.close();
    }

    @Test
    void cleanupReusesAForeignEndpointAndLeavesIt() {
        ExecutionResult result = workflow.run(TestProject.json("{\"vpcId\":\"" + vpc + "\",\"cleanup\":true}"));

        Emulator.assertSucceeded(result);
        JsonNode output = result.output();
        assertEquals(foreign, output.path("vpcEndpointId").asText(), "the foreign endpoint is reused");
        assertFalse(output.path("created").asBoolean());
        assertFalse(output.path("owned").asBoolean());
        assertFalse(output.path("cleanedUp").asBoolean(), output.toString());
        assertTrue(output.path("cleanupDetail").asText().contains("vpce-pilot did not create it"), output.toString());
        assertEquals(0, proxy.count("ec2:DeleteVpcEndpoints"), "not even attempted: " + proxy.countsJson());
        assertForeignIntact();
    }

    @Test
    void noReleaseTouchesIt() {
        Scope scope = new Scope("123456789012", Emulator.REGION, vpc, Emulator.SERVICE);
        SharedEndpoints endpoints = SharedEndpoints.forTable(Emulator.ec2(), Emulator.dynamoDb(), Emulator.LOCK_TABLE,
                "test", logged::add);

        SharedEndpoints.Released standing = endpoints.releaseStanding(scope, "test", Emulator.routeTables(vpc));
        SharedEndpoints.Released stack = endpoints.releaseStack(scope, dev.vpcepilot.sharing.Claimant.stack(
                "arn:aws:cloudformation:us-east-1:123456789012:stack/s/" + UUID.randomUUID(), "E"), List.of(foreign));
        SharedEndpoints.Released run = endpoints.cleanup(scope, workflow.executionArn("never-ran"));

        for (SharedEndpoints.Released released : List.of(standing, stack, run)) {
            assertEquals(List.of(), released.deleted(), released.toString());
            assertEquals(Map.of(), released.removedRouteTables(), released.toString());
        }
        assertForeignIntact();
    }

    @Test
    void theCustomResourcesDeleteAnswersSuccessAndLeavesIt() {
        try (LocalWorkflowRunner runner = new LocalWorkflowRunner(workflow)) {
            EndpointHook hook = Emulator.hook(runner, logged::add);

            HookAnswer answer = hook.handle(CfnRequests.HOOK.request("Delete",
                    "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/" + UUID.randomUUID(), foreign,
                    Map.of("VpcId", vpc)), Duration.ofSeconds(30));

            assertTrue(answer.success(), "a Delete never sticks the stack: " + answer.reason());
            assertEquals(foreign, answer.physicalResourceId(), "a Delete never changes the id");
            assertTrue(answer.reason().contains("held no claim"), answer.reason());
        }
        assertForeignIntact();
    }

    @Test
    void theCustomResourcesDeleteLeavesAnOwnedEndpointThatWasNotCreatedForItsStack() {
        // made by a console or scheduled execution: owned, but not this stack's
        ExecutionResult scheduled = workflow.run(TestProject.json("{\"vpcId\":\"" + Emulator.freshVpc() + "\"}"));
        Emulator.assertSucceeded(scheduled);
        String owned = scheduled.output().path("vpcEndpointId").asText();
        try (LocalWorkflowRunner runner = new LocalWorkflowRunner(workflow)) {
            EndpointHook hook = Emulator.hook(runner, logged::add);

            HookAnswer answer = hook.handle(CfnRequests.HOOK.request("Delete",
                    "arn:aws:cloudformation:us-east-1:123456789012:stack/other/" + UUID.randomUUID(), owned, Map.of()),
                    Duration.ofSeconds(30));

            assertTrue(answer.success(), answer.reason());
            assertTrue(answer.reason().contains("held no claim"), answer.reason());
        }
        assertEquals("available", Emulator.ec2().describeVpcEndpoints(r -> r.vpcEndpointIds(owned)).vpcEndpoints()
                .get(0).stateAsString());
    }

    @Test
    void theRollbackOfAFailedExecutionLeavesIt() {
        proxy.addRule(FaultRule.errorShare(1.0).only("dynamodb:ListTables")); // the run cannot finish

        ExecutionResult result = workflow.run(TestProject.json("{\"vpcId\":\"" + vpc + "\",\"cleanup\":true}"));

        assertEquals("TransientAwsError", result.error(), result.cause());
        assertTrue(result.statesEntered().contains("HandleFailure"), result.statesEntered().toString());
        assertFalse(result.cause().contains("Rolled back"), result.cause());
        assertEquals(0, proxy.count("ec2:DeleteVpcEndpoints"), proxy.countsJson());
        assertForeignIntact();
    }

    @Test
    void lookAlikeTagsDoNotMakeAnEndpointOwned() {
        // someone copied vpce-pilot's execution tag, and uses managed-by for another tool
        String executionName = "look-alike-" + UUID.randomUUID();
        String lookAlike = foreignEndpoint(Emulator.freshVpc(), List.of(
                Tag.builder().key(Ownership.EXECUTION_KEY).value(workflow.executionArn(executionName)).build(),
                Tag.builder().key(Ownership.MANAGED_BY_KEY).value("terraform").build()));
        String lookAlikeVpc = Emulator.ec2().describeVpcEndpoints(r -> r.vpcEndpointIds(lookAlike)).vpcEndpoints()
                .get(0).vpcId();
        proxy.addRule(FaultRule.errorShare(1.0).only("dynamodb:ListTables"));

        ExecutionResult failed = workflow.run(TestProject.json("{\"vpcId\":\"" + lookAlikeVpc + "\",\"cleanup\":true}"),
                executionName);

        assertEquals("TransientAwsError", failed.error(), failed.cause());
        assertFalse(failed.cause().contains("Rolled back"), failed.cause());
        SharedEndpoints.Released released = SharedEndpoints.forTable(Emulator.ec2(), Emulator.dynamoDb(),
                Emulator.LOCK_TABLE, "test", logged::add).cleanup(new Scope("123456789012", Emulator.REGION,
                lookAlikeVpc, Emulator.SERVICE), workflow.executionArn(executionName));
        assertEquals(List.of(), released.deleted(), "its execution tag does not make it ours");
        assertEquals(List.of(lookAlike), Emulator.liveEndpoints(lookAlikeVpc).stream()
                .map(VpcEndpoint::vpcEndpointId).toList());
    }

    private void assertForeignIntact() {
        List<VpcEndpoint> live = Emulator.liveEndpoints(vpc);
        assertEquals(List.of(foreign), live.stream().map(VpcEndpoint::vpcEndpointId).toList(),
                "the foreign endpoint is still there, and nothing else was made");
        assertEquals("network-team", Emulator.tag(live.get(0), "owner"));
        assertEquals(null, Emulator.tag(live.get(0), Ownership.MANAGED_BY_KEY), "and it was not claimed");
        assertEquals(foreign, Emulator.prefixListTargets(vpc).get(Emulator.routeTables(vpc).get(0)),
                "its route is still in place");
    }

    /** A gateway endpoint made directly with the SDK, as a person or another tool would, on the VPC's main table. */
    private static String foreignEndpoint(String vpcId, List<Tag> tags) {
        return Emulator.ec2().createVpcEndpoint(r -> r.vpcId(vpcId).serviceName(Emulator.SERVICE)
                        .vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds(Emulator.routeTables(vpcId))
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VPC_ENDPOINT)
                                .tags(tags).build()))
                .vpcEndpoint().vpcEndpointId();
    }
}
