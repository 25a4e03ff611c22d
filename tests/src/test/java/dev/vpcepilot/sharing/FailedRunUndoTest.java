package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Issue 10, bullet "a failed run leaves the route table it added on a reused foreign endpoint", and docs/design.md
 * rules 1 and 7: an endpoint someone else made is never modified (the route tables it does not cover get an endpoint of
 * ours), and a failed run undoes exactly what it did, on endpoints of ours it only extended too. The run fails after
 * it has changed the VPC and before it records its success: EC2 refuses the read of the route tables that proves the
 * writes in the same hold (rule 17; each run here reads the route tables in ResolveVpc, then under the lock before it
 * decides, because an endpoint lists a requested table, and the third time after its writes).
 */
@Reliability
class FailedRunUndoTest {

    private final MotoEc2 ec2 = SharingWorld.ec2();

    @Test
    void aFailedRunLeavesAForeignEndpointAsItWas() throws IOException {
        Vpc vpc = SharingWorld.freshVpc(1);
        String foreign = ec2.createForeignEndpoint(vpc.id(), List.of(vpc.table(0)));
        VpcEndpoint before = ec2.endpoint(foreign).orElseThrow();

        Run failed = failing("{\"vpcId\":\"" + vpc.id() + "\",\"routeTableIds\":[\"" + vpc.table(0) + "\",\""
                + vpc.table(1) + "\"]}");

        assertEquals(1, failed.exitCode(), failed.toString());
        VpcEndpoint after = ec2.endpoint(foreign).orElseThrow();
        assertEquals(List.of(vpc.table(0)), after.routeTableIds(), "no route table was added to it, or left on it");
        assertEquals(MotoEc2.tagsOf(before), MotoEc2.tagsOf(after), "its tags are as they were");
        assertEquals(List.of(foreign), ec2.liveEndpoints(vpc.id()).stream().map(VpcEndpoint::vpcEndpointId).toList(),
                "what the run created for the other route table is gone");
        assertEquals(Map.of(), ec2.prefixListRoutes(vpc.table(1)));
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of());
    }

    @Test
    void aFailedRunTakesTheRouteTableItAddedOutOfAnEndpointItReused() throws IOException {
        Vpc vpc = SharingWorld.freshVpc(1);
        Run standing = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"routeTableIds\":[\"" + vpc.table(0) + "\"]}");
        assertTrue(standing.succeeded(), standing.toString());
        String endpoint = standing.doc().path("vpcEndpointId").asText();

        Run failed = failing("{\"vpcId\":\"" + vpc.id() + "\",\"routeTableIds\":[\"" + vpc.table(0) + "\",\""
                + vpc.table(1) + "\"]}");

        assertEquals(1, failed.exitCode(), failed.toString());
        assertEquals(List.of(vpc.table(0)), ec2.endpoint(endpoint).orElseThrow().routeTableIds(),
                "the route table the failed run added left again");
        assertEquals(Map.of(), ec2.prefixListRoutes(vpc.table(1)));
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofRun(standing)));
    }

    /** Rule 7 for what a run changes on an endpoint it holds: its policy and its tags are put back. */
    @Test
    void aFailedRunPutsBackThePolicyAndTheTagsItChanged() throws IOException {
        Vpc vpc = SharingWorld.freshVpc(0);
        Run standing = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"tags\":{\"team\":\"a\"}}");
        assertTrue(standing.succeeded(), standing.toString());
        String endpoint = standing.doc().path("vpcEndpointId").asText();
        VpcEndpoint before = ec2.endpoint(endpoint).orElseThrow();

        Run failed = failing("{\"vpcId\":\"" + vpc.id() + "\",\"tags\":{\"team\":\"b\",\"extra\":\"x\"},"
                + "\"policyDocument\":" + POLICY + "}");

        assertEquals(1, failed.exitCode(), failed.toString());
        VpcEndpoint after = ec2.endpoint(endpoint).orElseThrow();
        assertEquals(TestProject.json(before.policyDocument()), TestProject.json(after.policyDocument()), "its policy");
        assertEquals(MotoEc2.tagsOf(before), MotoEc2.tagsOf(after), "its tags");
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofRun(standing)));
    }

    /**
     * Rule 7 when the create step itself fails after a first write: the policy is changed, then tagging fails
     * (every CreateTags answers HTTP 500, past the SDK's and the state machine's retries). The retried step must
     * not find the policy already changed and forget that it was this run that changed it.
     */
    @Test
    void aCreateStepThatFailsAfterChangingThePolicyPutsItBack() throws java.io.IOException {
        Vpc vpc = SharingWorld.freshVpc(0);
        Run standing = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\"}");
        assertTrue(standing.succeeded(), standing.toString());
        String endpoint = standing.doc().path("vpcEndpointId").asText();
        VpcEndpoint before = ec2.endpoint(endpoint).orElseThrow();

        Run failed;
        try (dev.vpcepilot.testkit.faults.FaultProxy noTags = dev.vpcepilot.testkit.faults.FaultProxy.start(
                SharingWorld.moto())) {
            noTags.addRule(dev.vpcepilot.testkit.faults.FaultRule.errorEvery(1).only("ec2:CreateTags"));
            failed = SharingWorld.run(noTags.endpoint(), "{\"vpcId\":\"" + vpc.id() + "\",\"tags\":{\"team\":\"b\"},"
                    + "\"policyDocument\":" + POLICY + "}");
        }

        assertEquals(1, failed.exitCode(), failed.toString());
        VpcEndpoint after = ec2.endpoint(endpoint).orElseThrow();
        assertEquals(TestProject.json(before.policyDocument()), TestProject.json(after.policyDocument()),
                "its policy is put back: " + failed);
        assertEquals(MotoEc2.tagsOf(before), MotoEc2.tagsOf(after), "its tags");
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofRun(standing)));
    }

    private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\"}]}";

    /** A run whose proof of its writes is refused by EC2 (its third DescribeRouteTables). */
    private static Run failing(String input) throws IOException {
        try (FaultProxy refusing = FaultProxy.start(SharingWorld.moto())) {
            refusing.addRule(FaultRule.accessDeniedOnce(3).only("ec2:DescribeRouteTables"));
            Run failed = SharingWorld.run(refusing.endpoint(), input);
            assertTrue(refusing.count("ec2:DescribeRouteTables") >= 3, "refused after the writes: " + failed);
            assertTrue(refusing.count("ec2:CreateVpcEndpoint") + refusing.count("ec2:ModifyVpcEndpoint") > 0,
                    "the run changed the VPC before it failed: " + failed);
            return failed;
        }
    }
}
