package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.sharing.SharingWorld.Stack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Issue 10, bullet "any run or stack that passes policyDocument replaces the policy of an endpoint made for another
 * stack", and docs/design.md rule 6: the policy belongs to the claimant the endpoint was created for. Another claimant
 * asking for a different one fails as {@code PolicyConflict} naming the endpoint and its holder, and nothing changes;
 * the holder may change it, and {@code "default"} (or a template without PolicyDocument) resets it to AWS's default.
 */
@Workflow
class PolicyOwnershipTest {

    private static final String RESTRICTIVE = policy("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/orders");
    private static final String OTHER = policy("dynamodb:*", "*");
    private static final String CHANGED = policy("dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/orders");

    private final MotoEc2 ec2 = SharingWorld.ec2();

    @Test
    void aStacksPolicyIsItsOwn() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Stack x = Stack.fresh("restrictive");
        Run created = SharingWorld.hook(x.create(Map.of("VpcId", vpc.id(), "PolicyDocument", json(RESTRICTIVE))));
        String endpoint = SharingWorld.succeeded(created);
        assertPolicy(endpoint, RESTRICTIVE);
        VpcEndpoint before = ec2.endpoint(endpoint).orElseThrow();

        Run console = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"policyDocument\":" + OTHER + "}");
        assertConflict(console, endpoint, x.stackId());
        Run reset = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"policyDocument\":\"default\"}");
        assertConflict(reset, endpoint, x.stackId());
        Stack y = Stack.fresh("permissive");
        Run yCreated = SharingWorld.hook(y.create(Map.of("VpcId", vpc.id(), "PolicyDocument", json(OTHER))));
        assertEquals("FAILED", yCreated.doc().path("Status").asText(), yCreated.toString());
        assertTrue(yCreated.doc().path("Reason").asText().contains("PolicyConflict"), yCreated.toString());
        assertUnchanged(vpc, before);
        SharingWorld.succeeded(SharingWorld.hook(y.delete(yCreated.doc().path("PhysicalResourceId").asText(),
                Map.of("VpcId", vpc.id(), "PolicyDocument", json(OTHER)))));
        assertUnchanged(vpc, before);

        // the holder changes it, then removes PolicyDocument from its template: AWS's default again
        SharingWorld.succeeded(SharingWorld.hook(x.update(endpoint,
                Map.of("VpcId", vpc.id(), "PolicyDocument", json(CHANGED)),
                Map.of("VpcId", vpc.id(), "PolicyDocument", json(RESTRICTIVE)))));
        assertPolicy(endpoint, CHANGED);
        Run defaulted = SharingWorld.hook(x.update(endpoint, Map.of("VpcId", vpc.id()),
                Map.of("VpcId", vpc.id(), "PolicyDocument", json(CHANGED))));
        SharingWorld.succeeded(defaulted);
        assertAwsDefault(endpoint);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(defaulted, vpc.routeTables())));
    }

    @Test
    void theStandingUsesPolicyIsItsOwnAndACleanupRunMayNotChangeIt() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Run created = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"policyDocument\":" + RESTRICTIVE + "}");
        assertTrue(created.succeeded(), created.toString());
        String endpoint = created.doc().path("vpcEndpointId").asText();

        Run changed = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"policyDocument\":" + CHANGED + "}");
        assertTrue(changed.succeeded(), "the standing use holds it: " + changed);
        assertPolicy(endpoint, CHANGED);
        VpcEndpoint before = ec2.endpoint(endpoint).orElseThrow();

        Run tryIt = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"cleanup\":true,\"policyDocument\":"
                + RESTRICTIVE + "}");
        assertConflict(tryIt, endpoint, "standing");
        assertUnchanged(vpc, before);

        Run reset = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"policyDocument\":\"default\"}");
        assertTrue(reset.succeeded(), reset.toString());
        assertAwsDefault(endpoint);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofRun(reset)));
    }

    private static void assertConflict(Run run, String endpoint, String holder) {
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("PolicyConflict", run.error(), run.toString());
        String cause = run.doc().path("cause").asText();
        assertTrue(cause.contains(endpoint), "the cause names the endpoint: " + cause);
        assertTrue(cause.contains(holder), "and its holder (" + holder + "): " + cause);
    }

    /** Nothing changed: the same one endpoint, its policy, tags and route tables, and the routes to it. */
    private void assertUnchanged(Vpc vpc, VpcEndpoint before) {
        List<VpcEndpoint> live = ec2.liveEndpoints(vpc.id());
        assertEquals(List.of(before.vpcEndpointId()), live.stream().map(VpcEndpoint::vpcEndpointId).toList());
        VpcEndpoint now = live.get(0);
        assertEquals(json(before.policyDocument()), json(now.policyDocument()), "its policy");
        assertEquals(MotoEc2.tagsOf(before), MotoEc2.tagsOf(now), "its tags");
        assertEquals(before.routeTableIds(), now.routeTableIds(), "its route tables");
        for (String table : vpc.routeTables()) {
            assertEquals(List.of(before.vpcEndpointId()), List.copyOf(ec2.prefixListRoutes(table).values()), table);
        }
    }

    private void assertPolicy(String endpoint, String expected) {
        assertEquals(json(expected), json(ec2.endpoint(endpoint).orElseThrow().policyDocument()));
    }

    /** EC2's default endpoint policy: one statement allowing everything to everyone (moto writes it so). */
    private void assertAwsDefault(String endpoint) {
        String policy = ec2.endpoint(endpoint).orElseThrow().policyDocument();
        JsonNode statements = json(policy).path("Statement");
        JsonNode only = statements.isArray() && statements.size() == 1 ? statements.get(0) : statements;
        assertEquals(json("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}"), only,
                "reset to AWS's default full-access policy: " + policy);
    }

    private static JsonNode json(String text) {
        return TestProject.json(text);
    }

    private static String policy(String action, String resource) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\""
                + action + "\",\"Resource\":\"" + resource + "\"}]}";
    }
}
