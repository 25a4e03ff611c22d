package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.Gate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rule 16, the lock only to write, through {@code ./run-local} against the AWS-faithful emulator, each run through
 * a proxy of its own that counts its calls: the schedule's steady state (a run that finds every route table served
 * as asked and the standing claim recording them) takes no lock and writes nothing; a release that lands between
 * that run's unlocked reads sends it to the lock, where it decides again and serves the VPC anew.
 */
@Reliability
class LockOnlyToWriteTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(90);
    @RegisterExtension
    final ProxyLanes lanes = new ProxyLanes();

    @Test
    void aSecondScheduledRunThatFindsEverythingAsAskedTakesNoLockAndWritesNothing() {
        Vpc vpc = SharingWorld.freshVpc(1);
        String input = "{\"vpcId\":\"" + vpc.id() + "\"}";
        Run first = created(input);

        FaultProxy lane = lanes.open();
        Run second = SharingWorld.run(lane.endpoint(), input);

        assertTrue(second.succeeded(), second.toString());
        assertFalse(second.doc().path("created").asBoolean(), second.toString());
        assertEquals(first.doc().path("vpcEndpointId").asText(), second.doc().path("vpcEndpointId").asText());
        Map<String, Integer> calls = lane.counts();
        assertEquals(1, lane.count("dynamodb:GetItem"), "one consistent read of the claims: " + calls);
        for (String lockCall : List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")) {
            assertEquals(0, lane.count(lockCall), lockCall + ", no lock and no claims written: " + calls);
        }
        List<String> ec2Writes = calls.keySet().stream().filter(a -> a.startsWith("ec2:"))
                .filter(a -> !a.startsWith("ec2:Describe") && !a.startsWith("ec2:Get")).toList();
        assertEquals(List.of(), ec2Writes, "no EC2 write: " + calls);
        assertEquals(1, lane.count("ec2:DescribeVpcEndpoints"), "the endpoints, read once: " + calls);
        assertEquals(1, lane.count("ec2:DescribeRouteTables"), "ResolveVpc's read, reused: " + calls);
        // the run's own calls (./run-local's deployment makes the lock table and the fleet's bucket first): the
        // tutorial's reads, one read of the claims, ListTables, and the data path's three reads
        Map<String, Integer> runs = new java.util.TreeMap<>(calls);
        runs.keySet().removeIf(a -> a.equals("dynamodb:CreateTable") || a.startsWith("other:"));
        assertEquals(Map.of("ec2:DescribeVpcEndpointServices", 1, "ec2:DescribeVpcs", 1,
                "ec2:DescribeRouteTables", 1, "ec2:DescribeVpcEndpoints", 1, "dynamodb:GetItem", 1,
                "dynamodb:ListTables", 1, "ec2:DescribeSubnets", 1, "ec2:DescribeNetworkAcls", 1,
                "ec2:GetManagedPrefixListEntries", 1), runs);
        assertTrue(claimants(second).contains("standing"), second.toString());
        assertTrue(second.doc().path("verification").path("dataPathOk").isBoolean(), second.toString());
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), List.of(SharingInvariant.ofRun(first),
                SharingInvariant.ofRun(second)));
    }

    @Test
    void aReleaseBetweenTheUnlockedReadsSendsTheRunToTheLockWhereItServesTheVpcAnew() {
        Vpc vpc = SharingWorld.freshVpc(0);
        String input = "{\"vpcId\":\"" + vpc.id() + "\"}";
        Run first = created(input);
        String released = first.doc().path("vpcEndpointId").asText();

        // the second run has read EC2 (served as asked) and is held before it reads the claims
        FaultProxy lane = lanes.open();
        Gate claimsRead = lane.hold("dynamodb:GetItem");
        RunLocal.Started second = SharingWorld.startRun(lane.endpoint(), input);
        Run release;
        try {
            claimsRead.awaitArrival(ARRIVAL);
            release = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"release\":true}");
        } finally {
            claimsRead.open();
        }
        Run served = second.await();

        assertTrue(release.succeeded(), release.toString());
        assertTrue(!SharingWorld.ec2().isLive(released), "the release deleted " + released);
        assertTrue(served.succeeded(), served.toString());
        assertTrue(served.doc().path("created").asBoolean(), "no standing claim any more: under the lock it "
                + "found nothing serving the VPC and created an endpoint: " + served);
        assertNotEquals(released, served.doc().path("vpcEndpointId").asText());
        assertTrue(lane.count("dynamodb:PutItem") >= 1, "it took the lock: " + lane.counts());
        assertEquals(2, lane.count("ec2:DescribeVpcEndpoints"), "read without the lock and again under it (the "
                + "endpoint it created is proved in the same hold by its routes: rule 17): " + lane.counts());
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), List.of(SharingInvariant.ofRun(served)));
    }

    /**
     * Rule 17: the first scheduled run of a VPC decides under the lock on the endpoints alone, creates, reads the
     * route tables once to prove the routes, asks ListTables and records the standing claim, all in one hold.
     */
    @Test
    void aCreatingRunTakesOneHoldAndMakesTwelveCallsBesideTheDataPathsThree() {
        Vpc vpc = SharingWorld.freshVpc(1);
        FaultProxy lane = lanes.open();

        Run first = SharingWorld.run(lane.endpoint(), "{\"vpcId\":\"" + vpc.id() + "\"}");

        assertTrue(first.succeeded(), first.toString());
        assertTrue(first.doc().path("created").asBoolean(), first.toString());
        assertTrue(claimants(first).contains("standing"), first.toString());
        Map<String, Integer> runs = new java.util.TreeMap<>(lane.counts());
        runs.keySet().removeIf(a -> a.equals("dynamodb:CreateTable") || a.startsWith("other:"));
        assertEquals(Map.ofEntries(Map.entry("ec2:DescribeVpcEndpointServices", 1), Map.entry("ec2:DescribeVpcs", 1),
                Map.entry("ec2:DescribeRouteTables", 2), Map.entry("ec2:DescribeVpcEndpoints", 1),
                Map.entry("ec2:CreateVpcEndpoint", 1), Map.entry("dynamodb:GetItem", 1),
                Map.entry("dynamodb:PutItem", 1), Map.entry("dynamodb:UpdateItem", 2),
                Map.entry("dynamodb:ListTables", 1), Map.entry("ec2:DescribeSubnets", 1),
                Map.entry("ec2:DescribeNetworkAcls", 1), Map.entry("ec2:GetManagedPrefixListEntries", 1)), runs,
                "ResolveVpc's route tables and the proof's; one hold (acquire: GetItem, PutItem; the claims; release)");
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), List.of(SharingInvariant.ofRun(first)));
    }

    /** The first scheduled run of a VPC: it creates the endpoint and records the standing claim. */
    private static Run created(String input) {
        Run first = SharingWorld.run(input);
        assertTrue(first.succeeded(), first.toString());
        assertTrue(first.doc().path("created").asBoolean(), first.toString());
        return first;
    }

    private static List<String> claimants(Run run) {
        return StreamSupport.stream(run.doc().path("claims").spliterator(), false)
                .map(c -> c.asText()).toList();
    }

}
