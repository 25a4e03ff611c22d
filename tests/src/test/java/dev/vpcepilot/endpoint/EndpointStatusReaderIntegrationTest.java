package dev.vpcepilot.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.service.EndpointStatusReader;
import dev.vpcepilot.sharing.ServingState;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wait loop's DescribeVpcEndpoints through the real SDK client against moto_server. */
@Integration
class EndpointStatusReaderIntegrationTest {

    private static MotoServer moto;
    private static MotoEc2 aws;
    private static String vpcId;
    private static String main;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        vpcId = aws.defaultVpcId();
        main = aws.mainRouteTableId(vpcId);
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    /** An endpoint the run reused (so "not found" is not excused as "not visible yet"). */
    private static ServingState pending(String vpcEndpointId, int checks) {
        return new ServingState(vpcEndpointId, "pending", false, true, List.of(new ServingState.Endpoint(
                vpcEndpointId, true, true, false, "pending", List.of(), null)), Map.of(), Map.of(), checks, null, null);
    }

    private static EndpointStatusReader reader() {
        return new EndpointStatusReader(aws.ec2(), Clock.systemUTC());
    }

    @Test
    void readsTheStateAndRouteTablesAndCountsTheCheck() {
        String vpce = aws.createEndpoint(vpcId, List.of(main), MotoEc2.ownedTags("run"), null);

        ServingState now = reader().refresh(pending(vpce, 2));

        assertEquals("available", now.state());
        assertEquals(3, now.waitAttempts());
        aws.deleteEndpoint(vpce);
    }

    @Test
    void aDeletedEndpointReadsAsDeleted() {
        String vpce = aws.createEndpoint(vpcId, List.of(), Map.of(), null);
        aws.deleteEndpoint(vpce);

        ServingState now = reader().refresh(pending(vpce, 0));

        // the state machine's IsEndpointAvailable sends "deleted" to EndpointFailed
        assertEquals("deleted", now.state());
        assertEquals(1, now.waitAttempts());
    }

    @Test
    void anEndpointThatDoesNotExistIsEndpointNotAvailable() {
        EndpointNotAvailable error = assertThrows(EndpointNotAvailable.class,
                () -> reader().refresh(pending("vpce-0123456789abcdef0", 1)));

        assertTrue(error.getMessage().contains("vpce-0123456789abcdef0 disappeared"), error.getMessage());
    }
}
