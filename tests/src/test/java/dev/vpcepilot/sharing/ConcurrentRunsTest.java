package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.Gate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, concurrent runs on one VPC, each a {@code ./run-local} process of its own against the AWS-faithful
 * emulator. Each process talks to moto through a proxy of its own, so that the test can place the runs exactly:
 * all of them released together into CreateEndpoint (a barrier on ResolveVpc's DescribeRouteTables), or one kept
 * in its wait loop (its endpoint shown pending, so that its verification is a step of its own, after the wait:
 * rule 17) while the other runs to its end. After every scenario the sharing invariant
 * is checked against moto ({@link SharingInvariant}).
 */
@Reliability
class ConcurrentRunsTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(90);
    @RegisterExtension
    final ProxyLanes lanes = new ProxyLanes();

    /** Bullet "three identical concurrent runs all report created: true", with eight. */
    @Test
    void eightIdenticalRunsOnOneVpcShareOneEndpointThatExactlyOneOfThemCreated() {
        Vpc vpc = SharingWorld.freshVpc(0);
        String input = "{\"vpcId\":\"" + vpc.id() + "\"}";
        List<Run> runs = together(List.of(input, input, input, input, input, input, input, input));

        String story = runs.stream().map(Run::toString).collect(Collectors.joining("\n====\n"));
        runs.forEach(run -> assertTrue(run.succeeded(), "every run succeeds:\n" + story));
        assertEquals(1, runs.stream().filter(run -> run.doc().path("created").asBoolean()).count(),
                "exactly one run reports created: true:\n" + story);
        Set<String> reported = runs.stream().map(run -> run.doc().path("vpcEndpointId").asText())
                .collect(Collectors.toSet());
        assertEquals(1, reported.size(), "all report the same endpoint: " + reported);
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), runs.stream().map(SharingInvariant::ofRun).toList());
    }

    /** Bullet "four concurrent runs on one VPC, each for a different route table". */
    @Test
    void fourRunsOnDisjointRouteTablesEachStayServed() {
        Vpc vpc = SharingWorld.freshVpc(3);
        List<String> inputs = vpc.routeTables().stream()
                .map(t -> "{\"vpcId\":\"" + vpc.id() + "\",\"routeTableIds\":[\"" + t + "\"]}").toList();
        List<Run> runs = together(inputs);

        String story = runs.stream().map(Run::toString).collect(Collectors.joining("\n====\n"));
        runs.forEach(run -> assertTrue(run.succeeded(), "every run succeeds:\n" + story));
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), runs.stream().map(SharingInvariant::ofRun).toList());
    }

    /** Bullet "a run without cleanup, concurrent with a run with cleanup": released together. */
    @Test
    void aRunWithoutCleanupStaysServedBesideARunWithCleanup() {
        Vpc vpc = SharingWorld.freshVpc(0);
        List<Run> runs = together(List.of("{\"vpcId\":\"" + vpc.id() + "\"}",
                "{\"vpcId\":\"" + vpc.id() + "\",\"cleanup\":true}"));

        Run keep = runs.get(0);
        Run cleanup = runs.get(1);
        assertTrue(keep.succeeded(), keep.toString());
        assertTrue(cleanup.succeeded(), cleanup.toString());
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), List.of(SharingInvariant.ofRun(keep)));
    }

    /**
     * The same two runs in the order the issue reproduces: the cleanup run creates the endpoint and is held before
     * its verification; the run without cleanup reuses it and exits 0; then the cleanup run goes on. Its cleanup must
     * leave the endpoint that the other run reported.
     */
    @Test
    void aCleanupThatEndsAfterAnotherRunReportedItsEndpointLeavesIt() {
        Vpc vpc = SharingWorld.freshVpc(0);
        FaultProxy cleanupLane = lanes.open();
        cleanupLane.reportEndpointsAs(PENDING, WAITS); // created pending: it waits, its verification comes after
        RunLocal.Started cleanup = SharingWorld.startRun(cleanupLane.endpoint(),
                "{\"vpcId\":\"" + vpc.id() + "\",\"cleanup\":true}");
        Run keep;
        try {
            awaitWaiting(cleanupLane);
            keep = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\"}");
        } finally {
            cleanupLane.clear();
        }
        Run cleaned = cleanup.await();

        assertTrue(keep.succeeded(), keep.toString());
        assertFalse(keep.doc().path("created").asBoolean(), "the cleanup run created it: " + keep);
        assertTrue(cleaned.succeeded(), cleaned.toString());
        assertTrue(cleaned.doc().path("created").asBoolean(), cleaned.toString());
        assertFalse(cleaned.doc().path("cleanedUp").asBoolean(), "claimed meanwhile, so it stays: " + cleaned);
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), List.of(SharingInvariant.ofRun(keep)));
    }

    /**
     * The other order: the run without cleanup creates the endpoint and is held before its verification; a run
     * with cleanup reuses it and ends. The first run then verifies, exits 0, and its endpoint is live.
     */
    @Test
    void aCleanupRunThatReusedAnEndpointLeavesItForTheRunThatCreatedIt() {
        Vpc vpc = SharingWorld.freshVpc(0);
        FaultProxy keepLane = lanes.open();
        keepLane.reportEndpointsAs(PENDING, WAITS); // created pending: it waits, its verification comes after
        RunLocal.Started keep = SharingWorld.startRun(keepLane.endpoint(), "{\"vpcId\":\"" + vpc.id() + "\"}");
        Run cleanup;
        try {
            awaitWaiting(keepLane);
            cleanup = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"cleanup\":true}");
        } finally {
            keepLane.clear();
        }
        Run kept = keep.await();

        assertTrue(cleanup.succeeded(), cleanup.toString());
        assertFalse(cleanup.doc().path("cleanedUp").asBoolean(), "it did not create it: " + cleanup);
        assertTrue(kept.succeeded(), kept.toString());
        assertTrue(kept.doc().path("created").asBoolean(), kept.toString());
        SharingInvariant.assertHolds(SharingWorld.ec2(), vpc.id(), List.of(SharingInvariant.ofRun(kept)));
    }

    private static final String PENDING = "pending";
    /** More checks than the wait loop makes while the other run goes through (one each EndpointWaitSeconds). */
    private static final int WAITS = 1000;

    /**
     * Until the lane's run is held in its wait loop: its create step is over (its endpoint made, its run claim
     * recorded, the lock released), EC2 showed the endpoint pending to its first check, and its next check waits
     * at the lane (the local time scale makes the loop's own waits short) until {@link FaultProxy#clear()}.
     */
    private static void awaitWaiting(FaultProxy lane) {
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (lane.rewritten() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the run never reached its wait loop: " + lane.counts());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        lane.hold("ec2:DescribeVpcEndpoints").awaitArrival(ARRIVAL);
    }

    /**
     * Starts one run per input, each through a proxy of its own, holds each at ResolveVpc's DescribeRouteTables
     * until all have got there, then lets them all into CreateEndpoint at once.
     */
    private List<Run> together(List<String> inputs) {
        List<Gate> gates = new ArrayList<>();
        List<RunLocal.Started> processes = new ArrayList<>();
        for (String input : inputs) {
            FaultProxy lane = lanes.open();
            gates.add(lane.hold("ec2:DescribeRouteTables"));
            processes.add(SharingWorld.startRun(lane.endpoint(), input));
        }
        Gate.openTogether(gates, ARRIVAL);
        return processes.stream().map(RunLocal.Started::await).toList();
    }

}
