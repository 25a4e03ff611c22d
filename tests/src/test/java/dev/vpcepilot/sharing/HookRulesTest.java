package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.hook.PhysicalIds;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.sharing.SharingWorld.Stack;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 7's rules (docs/design.md rules 6 and 13) on the hook path (the CloudFormationHookHandler, the state
 * machine, answers PUT to presigned S3 URLs), against the AWS-faithful emulator: a failed-create marker's Delete
 * removes only what that execution left for the same stack and logical id; an Update that changes RouteTableIds applies
 * it; an Update that changes Tags applies them on the endpoint the stack holds, or answers FAILED with a reason when it
 * does not hold it.
 */
@Workflow
class HookRulesTest {

    private final MotoEc2 ec2 = SharingWorld.ec2();

    /**
     * The marker rules need one Step Functions history across the requests (the Delete reads the failed execution's
     * input): these two run the hook in this JVM ({@link InProcessHook}), through proxies that are switched off
     * once the Create is done.
     */
    @Test
    void aMarkerNamingAnotherStacksExecutionDeletesNothingOfThatStack() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Stack other = Stack.fresh("other");
        Map<String, Object> properties = Map.of("VpcId", vpc.id());
        try (InProcessHook hook = new InProcessHook(SharingWorld.moto())) {
            ObjectNode create = other.create(properties);
            Run created = hook.send(create);
            String endpoint = SharingWorld.succeeded(created);
            String marker = PhysicalIds.FAILED_CREATE_PREFIX + "cfn-" + create.path("RequestId").asText();

            for (Stack stranger : List.of(Stack.fresh("stranger"), other.withLogicalId("AnotherEndpoint"))) {
                Run deleted = hook.send(stranger.delete(marker, properties));
                assertEquals(marker, SharingWorld.succeeded(deleted), "a Delete never changes the id");
                assertTrue(ec2.isLive(endpoint), stranger + " deleted the other stack's endpoint: " + deleted);
            }
            SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(created,
                    vpc.routeTables())));

            SharingWorld.succeeded(hook.send(other.delete(endpoint, properties)));
            assertFalse(ec2.isLive(endpoint), "its own claim was intact, and the last");
        }
    }

    @Test
    void aMarkersDeleteRemovesWhatItsExecutionLeftForThatResourceOnly() throws IOException {
        Vpc vpc = SharingWorld.freshVpc(0);
        Stack stack = Stack.fresh("broken");
        Map<String, Object> properties = Map.of("VpcId", vpc.id());
        try (FaultProxy refusing = FaultProxy.start(SharingWorld.moto());
             FaultProxy noDeletes = FaultProxy.start(refusing.endpoint());
             InProcessHook hook = new InProcessHook(noDeletes.endpoint())) {
            // the read that proves the new endpoint's routes is refused (ResolveVpc's is the first) and the rollback
            // cannot delete: the Create fails and leaves its endpoint
            refusing.addRule(FaultRule.accessDeniedOnce(2).only("ec2:DescribeRouteTables"));
            noDeletes.addRule(FaultRule.errorEvery(1).only("ec2:DeleteVpcEndpoints"));
            Run failed = hook.send(stack.create(properties));
            refusing.clear();
            noDeletes.clearRules();
            assertEquals("FAILED", failed.doc().path("Status").asText(), failed.toString());
            String marker = failed.doc().path("PhysicalResourceId").asText();
            assertTrue(marker.startsWith(PhysicalIds.FAILED_CREATE_PREFIX), marker);
            List<String> left = ec2.liveEndpoints(vpc.id()).stream().map(e -> e.vpcEndpointId()).toList();
            assertEquals(1, left.size(), "the failed Create left its endpoint: " + failed);

            for (Stack stranger : List.of(Stack.fresh("stranger"), stack.withLogicalId("AnotherEndpoint"))) {
                SharingWorld.succeeded(hook.send(stranger.delete(marker, properties)));
                assertTrue(ec2.isLive(left.get(0)), stranger + " removed what another resource's execution left");
            }
            Run deleted = hook.send(stack.delete(marker, properties));

            assertEquals(marker, SharingWorld.succeeded(deleted));
            assertFalse(ec2.isLive(left.get(0)), "the marker's own Delete removed what its execution left: "
                    + deleted);
            SharingInvariant.assertHolds(ec2, vpc.id(), List.of());
        }
    }

    @Test
    void anUpdateOfRouteTableIdsAddsAndRemovesThemOnTheStacksEndpoint() {
        Vpc vpc = SharingWorld.freshVpc(1);
        Stack x = Stack.fresh("tables");
        Map<String, Object> first = properties(vpc, vpc.table(0));
        Map<String, Object> both = properties(vpc, vpc.table(0), vpc.table(1));
        Map<String, Object> second = properties(vpc, vpc.table(1));
        String endpoint = SharingWorld.succeeded(SharingWorld.hook(x.create(first)));

        assertEquals(endpoint, SharingWorld.succeeded(SharingWorld.hook(x.update(endpoint, both, first))));
        assertTables(endpoint, vpc.table(0), vpc.table(1));
        assertEquals(endpoint, SharingWorld.succeeded(SharingWorld.hook(x.update(endpoint, second, both))));
        assertTables(endpoint, vpc.table(1));
        assertEquals(Map.of(), ec2.prefixListRoutes(vpc.table(0)), "nobody needs it: its route is gone");

        // a route table someone else needs stays when the stack lets it go
        assertEquals(endpoint, SharingWorld.succeeded(SharingWorld.hook(x.update(endpoint, both, second))));
        Run console = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"routeTableIds\":[\"" + vpc.table(0) + "\"]}");
        assertTrue(console.succeeded(), console.toString());
        Run updated = SharingWorld.hook(x.update(endpoint, second, both));
        assertEquals(endpoint, SharingWorld.succeeded(updated));
        assertTables(endpoint, vpc.table(0), vpc.table(1));
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofRun(console),
                SharingInvariant.ofAnswer(updated, List.of(vpc.table(1)))));
    }

    /** {@code events/cfn-update.json} is a Tags change: it is applied on the endpoint the stack holds. */
    @Test
    void anUpdateOfTagsAppliesThemOnTheEndpointTheStackHolds() {
        Vpc vpc = SharingWorld.freshVpc(0);
        String stackId = Stack.fresh("tagged").stackId();
        ObjectNode create = sample("cfn-create.json", stackId, vpc, null);
        String endpoint = SharingWorld.succeeded(SharingWorld.hook(create));
        assertEquals(Map.of("team", "data"), userTags(endpoint));

        Run updated = SharingWorld.hook(sample("cfn-update.json", stackId, vpc, endpoint));

        assertEquals(endpoint, SharingWorld.succeeded(updated));
        assertEquals(Map.of("team", "data", "stage", "prod"), userTags(endpoint), updated.toString());

        Stack same = new Stack(stackId, create.path("LogicalResourceId").asText());
        Map<String, Object> fewer = Map.of("VpcId", vpc.id(), "Tags", Map.of("stage", "prod"));
        Map<String, Object> before = Map.of("VpcId", vpc.id(), "Tags", Map.of("team", "data", "stage", "prod"));
        SharingWorld.succeeded(SharingWorld.hook(same.update(endpoint, fewer, before)));
        assertEquals(Map.of("stage", "prod"), userTags(endpoint), "a tag removed from the template leaves the endpoint");
    }

    @Test
    void anUpdateOfTagsOnAnEndpointTheStackDoesNotHoldAnswersFailed() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Stack holder = Stack.fresh("holder");
        String endpoint = SharingWorld.succeeded(SharingWorld.hook(holder.create(
                Map.of("VpcId", vpc.id(), "Tags", Map.of("team", "network")))));
        Stack reuser = Stack.fresh("reuser");
        Map<String, Object> plain = Map.of("VpcId", vpc.id());
        assertEquals(endpoint, SharingWorld.succeeded(SharingWorld.hook(reuser.create(plain))));

        Run updated = SharingWorld.hook(reuser.update(endpoint,
                Map.of("VpcId", vpc.id(), "Tags", Map.of("team", "app")), plain));

        assertEquals(1, updated.exitCode(), updated.toString());
        assertEquals("FAILED", updated.doc().path("Status").asText(), updated.toString());
        assertEquals(endpoint, updated.doc().path("PhysicalResourceId").asText(), "a failed Update keeps the id");
        assertTrue(updated.doc().path("Reason").asText().contains("Tags"), updated.toString());
        assertEquals(Map.of("team", "network"), userTags(endpoint), "the holder's tags are untouched");
    }

    private static Map<String, Object> properties(Vpc vpc, String... routeTables) {
        return Map.of("VpcId", vpc.id(), "RouteTableIds", List.of(routeTables));
    }

    private void assertTables(String endpoint, String... routeTables) {
        Set<String> expected = new TreeSet<>(List.of(routeTables));
        assertEquals(expected, new TreeSet<>(ec2.endpoint(endpoint).orElseThrow().routeTableIds()));
        for (String table : routeTables) {
            assertEquals(List.of(endpoint), List.copyOf(ec2.prefixListRoutes(table).values()), table + " routes to it");
        }
    }

    /** The endpoint's tags other than vpce-pilot's own. */
    private Map<String, String> userTags(String endpoint) {
        Map<String, String> tags = new java.util.TreeMap<>(MotoEc2.tagsOf(ec2.endpoint(endpoint).orElseThrow()));
        tags.keySet().removeIf(key -> key.equals(Ownership.MANAGED_BY_KEY) || key.startsWith("vpce-pilot:"));
        return tags;
    }

    /** A sample event of events/, for this stack and VPC, with a request id of its own. */
    private static ObjectNode sample(String file, String stackId, Vpc vpc, String physicalId) {
        try {
            ObjectNode event = (ObjectNode) TestProject.json(Files.readString(TestProject.root().resolve("events")
                    .resolve(file)));
            event.put("StackId", stackId);
            event.put("RequestId", UUID.randomUUID().toString());
            ((ObjectNode) event.get("ResourceProperties")).put("VpcId", vpc.id());
            if (event.has("OldResourceProperties")) {
                ((ObjectNode) event.get("OldResourceProperties")).put("VpcId", vpc.id());
            }
            if (physicalId != null) {
                event.put("PhysicalResourceId", physicalId);
            }
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
