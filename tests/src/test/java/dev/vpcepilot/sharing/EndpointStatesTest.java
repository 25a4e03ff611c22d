package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, bullet "an endpoint that describes as failed is reported as a success", and docs/design.md rule 9: the
 * states EC2 reports are read, not assumed. An endpoint that EC2 answers {@code pending} at its creation and then
 * describes in a state from which it never serves fails the run as {@code EndpointNotAvailable}, and the run rolls back
 * what it created. moto makes every endpoint available at once, so a proxy reports the state (FaultProxy).
 */
@Reliability
class EndpointStatesTest {

    private final MotoEc2 ec2 = SharingWorld.ec2();

    @ParameterizedTest
    @ValueSource(strings = {"failed", "rejected", "expired"})
    void anEndpointThatWillNeverServeFailsTheRunAndIsRolledBack(String state) throws IOException {
        Vpc vpc = SharingWorld.freshVpc(0);
        Run run;
        try (FaultProxy proxy = FaultProxy.start(SharingWorld.moto())) {
            proxy.reportEndpointsAs(state);
            run = SharingWorld.run(proxy.endpoint(), "{\"vpcId\":\"" + vpc.id() + "\"}");
            assertEquals(1, proxy.rewritten(), "the endpoint was described as " + state + " once");
        }

        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("EndpointNotAvailable", run.error(), run.toString());
        String cause = run.doc().path("cause").asText();
        assertTrue(cause.contains(state), cause);
        assertTrue(cause.contains("Rolled back"), "what it created is gone: " + cause);
        assertEquals(List.of(), ec2.liveEndpoints(vpc.id()), "nothing is left");
        assertEquals(Map.of(), ec2.prefixListRoutes(vpc.main()), "and no route");
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of());
    }
}
