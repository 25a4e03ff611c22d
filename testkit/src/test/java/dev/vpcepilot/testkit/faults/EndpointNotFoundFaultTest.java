package dev.vpcepilot.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpcepilot.local.moto.MotoServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * {@link FaultRule#endpointNotFoundFirst(int)} between a real SDK v2 EC2 client and the emulator: an endpoint that
 * CreateVpcEndpoint just returned is unknown to the next calls naming it, as on EC2 right after a create ("Eventual
 * consistency in the Amazon EC2 API"), then known.
 */
class EndpointNotFoundFaultTest {

    private static MotoServer moto;
    private static SdkClients sdk;
    private static EmulatorEc2 direct;
    private FaultProxy proxy;
    private Ec2Client ec2;
    private String vpcId;
    private String main;
    private String extra;

    @BeforeAll
    static void emulator() {
        moto = MotoServer.start();
        sdk = new SdkClients();
        direct = new EmulatorEc2(moto.endpoint(), sdk);
    }

    @AfterAll
    static void closeClients() {
        sdk.close();
        moto.close();
    }

    @BeforeEach
    void proxyAndVpc() throws IOException {
        moto.reset();
        proxy = FaultProxy.start(direct.endpoint());
        ec2 = sdk.ec2(proxy.endpoint(), SdkClients.noRetries());
        vpcId = direct.createVpc("10.60.0.0/16");
        main = direct.mainRouteTableId(vpcId);
        extra = direct.createRouteTable(vpcId);
    }

    @AfterEach
    void stopProxy() {
        ec2.close();
        proxy.close();
    }

    private String createThroughProxy(String routeTableId) {
        return ec2.createVpcEndpoint(r -> r.vpcId(vpcId).serviceName(EmulatorEc2.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds(routeTableId)).vpcEndpoint().vpcEndpointId();
    }

    private static void assertNotFound(String id, Executable call) {
        Ec2Exception e = assertThrows(Ec2Exception.class, call);
        assertEquals(400, e.statusCode());
        assertEquals("InvalidVpcEndpointId.NotFound", e.awsErrorDetails().errorCode());
        assertEquals("The Vpc Endpoint Id '" + id + "' does not exist", e.awsErrorDetails().errorMessage());
    }

    @Test
    void aNewIdIsNotFoundForItsFirstNDescribesThenFound() {
        proxy.addRule(FaultRule.endpointNotFoundFirst(2));
        String id = createThroughProxy(main);

        assertNotFound(id, () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)));
        assertNotFound(id, () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)));
        assertEquals(id, ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)).vpcEndpoints().get(0).vpcEndpointId());

        assertEquals(2, proxy.faultsInjected(FaultKind.NOT_FOUND));
        assertEquals(3, proxy.count("ec2:DescribeVpcEndpoints"), "every call is counted, the hidden ones too");
        assertEquals(1, proxy.count("ec2:CreateVpcEndpoint"));
    }

    @Test
    void theCallsAreCountedPerIdAcrossEveryActionNamingIt() {
        proxy.addRule(FaultRule.endpointNotFoundFirst(3));
        String id = createThroughProxy(main);
        Tag tag = Tag.builder().key("k").value("v").build();

        assertNotFound(id, () -> ec2.createTags(r -> r.resources(id).tags(tag)));
        assertNotFound(id, () -> ec2.modifyVpcEndpoint(r -> r.vpcEndpointId(id).addRouteTableIds(extra)));
        assertNotFound(id, () -> ec2.deleteTags(r -> r.resources(id).tags(tag)));
        ec2.createTags(r -> r.resources(id).tags(tag));
        ec2.modifyVpcEndpoint(r -> r.vpcEndpointId(id).addRouteTableIds(extra));

        assertEquals(List.of(tag), direct.endpoint(id).orElseThrow().tags());
        assertEquals(List.of(id), List.copyOf(direct.prefixListRoutes(extra).values()),
                "the hidden modify changed nothing, the later one did");
        assertEquals(3, proxy.faultsInjected(FaultKind.NOT_FOUND));
    }

    @Test
    void otherIdsAreUnaffected() {
        String before = createThroughProxy(main);
        proxy.addRule(FaultRule.endpointNotFoundFirst(5));
        String elsewhere = direct.createEndpoint(vpcId, List.of(extra));
        String fresh = createThroughProxy(direct.createRouteTable(vpcId));

        assertEquals(before, ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(before)).vpcEndpoints().get(0)
                .vpcEndpointId(), "created before the rule was added");
        assertEquals(elsewhere, ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(elsewhere)).vpcEndpoints().get(0)
                .vpcEndpointId(), "created without passing through the proxy");
        assertTrue(ec2.describeVpcEndpoints().vpcEndpoints().size() >= 3, "a call naming no id is not affected");
        assertNotFound(fresh, () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(before, fresh)));
        assertEquals(1, proxy.faultsInjected(FaultKind.NOT_FOUND));
    }

    @Test
    void deletingANewIdReportsItUnsuccessfulAndLeavesTheEndpoint() {
        proxy.addRule(FaultRule.endpointNotFoundFirst(1));
        String id = createThroughProxy(main);

        List<UnsuccessfulItem> unsuccessful = ec2.deleteVpcEndpoints(r -> r.vpcEndpointIds(id)).unsuccessful();

        assertEquals(1, unsuccessful.size());
        assertEquals(id, unsuccessful.get(0).resourceId());
        assertEquals("InvalidVpcEndpoint.NotFound", unsuccessful.get(0).error().code());
        assertEquals("The Vpc Endpoint Id '" + id + "' does not exist", unsuccessful.get(0).error().message());
        assertTrue(direct.isLive(id), "the endpoint was not deleted");
        assertEquals(List.of(), ec2.deleteVpcEndpoints(r -> r.vpcEndpointIds(id)).unsuccessful());
        assertFalse(direct.isLive(id), "the second delete saw it");
    }

    @Test
    void deletingANewAndAKnownIdDeletesTheKnownOneAndReportsTheNewOne() {
        proxy.addRule(FaultRule.endpointNotFoundFirst(1));
        String known = direct.createEndpoint(vpcId, List.of(extra));
        String fresh = createThroughProxy(main);

        List<UnsuccessfulItem> unsuccessful = ec2.deleteVpcEndpoints(r -> r.vpcEndpointIds(fresh, known))
                .unsuccessful();

        assertEquals(List.of(fresh), unsuccessful.stream().map(UnsuccessfulItem::resourceId).toList());
        assertFalse(direct.isLive(known), "the known endpoint was deleted");
        assertTrue(direct.isLive(fresh), "the new one was not");
        assertEquals(Map.of(), direct.prefixListRoutes(extra));
        assertEquals(List.of(fresh), List.copyOf(direct.prefixListRoutes(main).values()));
    }

    @Test
    void aScopedRuleHidesOnlyInItsScopeButLearnsFromEveryCreate() {
        proxy.addRule(FaultRule.endpointNotFoundFirst(1).only("ec2:DescribeVpcEndpoints"));
        String id = createThroughProxy(main);

        ec2.createTags(r -> r.resources(id).tags(Tag.builder().key("k").value("v").build()));
        assertNotFound(id, () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)));
        assertEquals(1, ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)).vpcEndpoints().size());
    }

    @Test
    void aResetStartsOverAndTheCountsShowTheFaults() throws Exception {
        proxy.addRule(FaultRule.endpointNotFoundFirst(1));
        String id = createThroughProxy(main);
        assertNotFound(id, () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)));

        assertEquals(1, new ObjectMapper().readTree(proxy.countsJson()).path("faults").path("not_found").asInt());
        proxy.reset();
        assertEquals(1, ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)).vpcEndpoints().size(),
                "after a reset the rule knows no id");
        String next = createThroughProxy(extra);
        assertNotFound(next, () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(next)));
    }
}
