package dev.vpcepilot.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.moto.MotoServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * The emulator patch's optional deletion phase ({@link MotoServer#DELETING_SECONDS}): after DeleteVpcEndpoints an
 * endpoint reports {@code deleting} and keeps its routes, then becomes {@code deleted} and its routes go. Without the
 * setting (the default, {@link Moto#shared()}) an endpoint is {@code deleted} and its routes gone at once.
 */
@Integration
class EndpointDeletingPhaseTest {

    /** Long enough for the checks made while an endpoint is deleting, on a busy machine. */
    private static final Duration DELETING = Duration.ofSeconds(3);
    private static final Duration MARGIN = Duration.ofSeconds(10);

    private static MotoServer slow;
    private static MotoEc2 aws;
    private String vpcId;
    private String main;

    @BeforeAll
    static void startEmulatorWithADeletingPhase() {
        // an emulator of its own: the deleting phase would slow every other class's deletes
        slow = Moto.startPrivate(Map.of(MotoServer.DELETING_SECONDS, String.valueOf(DELETING.toMillis() / 1000.0)));
        assertTrue(slow.awsFaithful());
        aws = new MotoEc2(slow.endpoint(), "us-east-1");
    }

    @AfterAll
    static void stopEmulator() {
        aws.close();
        slow.close();
    }

    @BeforeEach
    void freshVpc() {
        slow.reset();
        vpcId = aws.createVpc("10.50.0.0/16");
        main = aws.mainRouteTableId(vpcId);
    }

    @Test
    void aDeletedEndpointIsDeletingWithItsRoutesThenDeletedWithoutThem() throws Exception {
        String id = aws.createEndpoint(vpcId, List.of(main), Map.of(), null);
        long deleteCalled = System.nanoTime();

        assertEquals(List.of(), aws.ec2().deleteVpcEndpoints(r -> r.vpcEndpointIds(id)).unsuccessful());

        assertEquals("deleting", state(aws, id));
        assertEquals(List.of(id), List.copyOf(aws.prefixListRoutes(main).values()), "the route stays while deleting");
        String finalState = awaitState(aws, id, "deleted");
        Duration took = Duration.ofNanos(System.nanoTime() - deleteCalled);

        assertEquals("deleted", finalState);
        assertTrue(took.compareTo(DELETING) >= 0, "deleted after " + took.toMillis() + " ms, before the phase ended");
        assertEquals(Map.of(), aws.prefixListRoutes(main), "the route goes with the deletion");
    }

    @Test
    void whileTheOldEndpointIsDeletingItsRouteTableIsTakenThenFree() throws Exception {
        String old = aws.createEndpoint(vpcId, List.of(main), Map.of(), null);
        aws.deleteEndpoint(old);

        Ec2Exception taken = assertThrows(Ec2Exception.class,
                () -> aws.createEndpoint(vpcId, List.of(main), Map.of(), null));
        assertEquals("RouteAlreadyExists", taken.awsErrorDetails().errorCode());
        awaitState(aws, old, "deleted");

        String fresh = aws.createEndpoint(vpcId, List.of(main), Map.of(), null);
        assertEquals(List.of(fresh), List.copyOf(aws.prefixListRoutes(main).values()));
    }

    @Test
    void deletingAgainWhileDeletingSucceedsAndChangesNothing() throws Exception {
        String id = aws.createEndpoint(vpcId, List.of(main), Map.of(), null);
        aws.deleteEndpoint(id);

        assertEquals(List.of(), aws.ec2().deleteVpcEndpoints(r -> r.vpcEndpointIds(id)).unsuccessful());

        assertEquals("deleting", state(aws, id));
        assertEquals("deleted", awaitState(aws, id, "deleted"));
        assertEquals(Map.of(), aws.prefixListRoutes(main));
    }

    @Test
    void aRepeatedClientTokenAnswersTheEndpointInItsCurrentState() {
        String id = aws.ec2().createVpcEndpoint(r -> r.vpcId(vpcId).serviceName(aws.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds(main).clientToken("rerun")).vpcEndpoint()
                .vpcEndpointId();
        aws.deleteEndpoint(id);

        var replayed = aws.ec2().createVpcEndpoint(r -> r.vpcId(vpcId).serviceName(aws.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds(main).clientToken("rerun")).vpcEndpoint();

        assertEquals(id, replayed.vpcEndpointId());
        assertEquals("deleting", replayed.stateAsString());
    }

    @Test
    void withoutTheSettingAnEndpointIsDeletedAtOnce() {
        try (MotoEc2 plain = new MotoEc2(Moto.fresh().endpoint(), "us-east-1")) {
            String vpc = plain.createVpc("10.51.0.0/16");
            String table = plain.mainRouteTableId(vpc);
            String id = plain.createEndpoint(vpc, List.of(table), Map.of(), null);

            plain.deleteEndpoint(id);

            assertEquals("deleted", state(plain, id));
            assertEquals(Map.of(), plain.prefixListRoutes(table));
        }
    }

    private static String state(MotoEc2 ec2, String id) {
        return ec2.endpoint(id).orElseThrow().stateAsString();
    }

    /** Polls until the endpoint is in {@code wanted}, at most the phase plus a margin; answers the last state. */
    private static String awaitState(MotoEc2 ec2, String id, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + DELETING.plus(MARGIN).toNanos();
        String state = state(ec2, id);
        while (!state.equals(wanted) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            state = state(ec2, id);
        }
        return state;
    }
}
