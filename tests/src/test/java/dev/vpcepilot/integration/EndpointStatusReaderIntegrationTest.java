package dev.vpcepilot.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.service.EndpointStatusReader;
import dev.vpcepilot.support.MotoEc2;
import dev.vpcepilot.support.SharedMoto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wait loop's DescribeVpcEndpoints through the real SDK client against moto_server. */
class EndpointStatusReaderIntegrationTest {

    private static MotoServer moto;
    private static MotoEc2 aws;
    private static String vpcId;
    private static String main;

    @BeforeAll
    static void emulator() {
        moto = SharedMoto.fresh();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        vpcId = aws.defaultVpcId();
        main = aws.mainRouteTableId(vpcId);
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    private static EndpointState pending(String vpcEndpointId, int checks) {
        return new EndpointState(vpcEndpointId, true, true, true, "pending", List.of(), checks);
    }

    @Test
    void readsTheStateAndRouteTablesAndCountsTheCheck() {
        String vpce = aws.createEndpoint(vpcId, List.of(main), MotoEc2.ownedTags("run"), null);

        EndpointState now = new EndpointStatusReader(aws.ec2()).refresh(pending(vpce, 2));

        assertEquals(new EndpointState(vpce, true, true, true, "available", List.of(main), 3), now);
        aws.deleteEndpoint(vpce);
    }

    @Test
    void aDeletedEndpointReadsAsDeleted() {
        String vpce = aws.createEndpoint(vpcId, List.of(), Map.of(), null);
        aws.deleteEndpoint(vpce);

        EndpointState now = new EndpointStatusReader(aws.ec2()).refresh(pending(vpce, 0));

        // the state machine's IsEndpointAvailable sends "deleted" to EndpointFailed
        assertEquals("deleted", now.state());
        assertEquals(1, now.waitAttempts());
    }

    @Test
    void anEndpointThatDoesNotExistIsEndpointNotAvailable() {
        EndpointNotAvailable error = assertThrows(EndpointNotAvailable.class,
                () -> new EndpointStatusReader(aws.ec2()).refresh(pending("vpce-0123456789abcdef0", 1)));

        assertTrue(error.getMessage().contains("vpce-0123456789abcdef0 disappeared"), error.getMessage());
    }
}
