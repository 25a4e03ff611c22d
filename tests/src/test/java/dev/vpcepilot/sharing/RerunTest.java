package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, bullet "the ClientToken is a hash of the inputs and the current hour": under EC2's idempotency (a repeated
 * token answers the endpoint it made, even once deleted) a rerun in the same hour must still create, after a cleanup,
 * after a rolled-back failure, and while the old endpoint is still being deleted (docs/design.md rules 8 and 9).
 */
@Reliability
class RerunTest {

    private final MotoEc2 ec2 = SharingWorld.ec2();

    @Test
    void aRerunAfterACleanupCreatesAgain() {
        Vpc vpc = SharingWorld.freshVpc(0);
        String input = "{\"vpcId\":\"" + vpc.id() + "\",\"cleanup\":true}";
        Run first = SharingWorld.run(input);
        assertTrue(first.succeeded(), first.toString());
        assertTrue(first.doc().path("cleanedUp").asBoolean(), first.toString());
        String gone = first.doc().path("vpcEndpointId").asText();

        Run again = SharingWorld.run(input);

        assertTrue(again.succeeded(), again.toString());
        assertTrue(again.doc().path("created").asBoolean(), again.toString());
        assertNotEquals(gone, again.doc().path("vpcEndpointId").asText(), "a new endpoint, not the deleted one");
        assertTrue(again.doc().path("cleanedUp").asBoolean(), again.toString());
    }

    @Test
    void aRerunAfterARolledBackFailureCreatesAgain() throws IOException {
        Vpc vpc = SharingWorld.freshVpc(0);
        String input = "{\"vpcId\":\"" + vpc.id() + "\"}";
        Run failed;
        try (FaultProxy refusing = FaultProxy.start(SharingWorld.moto())) {
            // the read that proves the new endpoint's routes (ResolveVpc's is the first) is refused
            refusing.addRule(FaultRule.accessDeniedOnce(2).only("ec2:DescribeRouteTables"));
            failed = SharingWorld.run(refusing.endpoint(), input);
        }
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.doc().path("cause").asText().contains("Rolled back"), failed.toString());
        assertEquals(List.of(), ec2.liveEndpoints(vpc.id()), "the failure left nothing");

        Run again = SharingWorld.run(input);

        assertTrue(again.succeeded(), again.toString());
        assertTrue(again.doc().path("created").asBoolean(), again.toString());
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofRun(again)));
    }

    /**
     * An endpoint stays {@code deleting} for a while on AWS, its routes in place; the emulator's deleting phase plays
     * that. A rerun meanwhile waits for the deletion (the state machine retries its busy step, its waits scaled to
     * outlast the phase) or creates anew, and succeeds.
     */
    @Test
    void aRerunWhileTheOldEndpointIsDeletingSucceeds() {
        // an emulator of its own: the deleting phase would slow every other scenario's cleanup
        try (MotoServer slow = Moto.startPrivate(Map.of(MotoServer.DELETING_SECONDS, "3"));
             MotoEc2 slowEc2 = new MotoEc2(slow.endpoint(), SharingWorld.REGION)) {
            assertTrue(slow.awsFaithful());
            Vpc vpc = slowEc2.freshVpc(0);
            Run first = SharingWorld.run(slow.endpoint(), "{\"vpcId\":\"" + vpc.id() + "\",\"cleanup\":true}");
            assertTrue(first.succeeded(), first.toString());
            String deleting = first.doc().path("vpcEndpointId").asText();
            assertEquals("deleting", slowEc2.endpoint(deleting).orElseThrow().stateAsString(),
                    "the old endpoint is still being deleted");

            RunLocal.Started rerun = SharingWorld.start("rerun while deleting", slow.endpoint(),
                    List.of("--input-json", "{\"vpcId\":\"" + vpc.id() + "\"}"),
                    // the busy step's retries, scaled, outlast the 3 s phase many times over (README: Retries)
                    Map.of("VPCE_PILOT_TIME_SCALE", "0.2"));
            Run again = rerun.await();

            assertTrue(again.succeeded(), again.toString());
            assertTrue(again.doc().path("created").asBoolean(), again.toString());
            assertNotEquals(deleting, again.doc().path("vpcEndpointId").asText());
            assertFalse(slowEc2.isLive(deleting));
            SharingInvariant.assertHolds(slowEc2, vpc.id(), List.of(SharingInvariant.ofRun(again)));
        }
    }
}
