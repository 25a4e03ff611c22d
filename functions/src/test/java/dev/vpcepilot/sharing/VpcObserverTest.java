package dev.vpcepilot.sharing;

import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.LONG_AGO;
import static dev.vpcepilot.sharing.SharingFixtures.PL;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_A;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_B;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_C;
import static dev.vpcepilot.sharing.SharingFixtures.SCOPE;
import static dev.vpcepilot.sharing.SharingFixtures.SERVICE;
import static dev.vpcepilot.sharing.SharingFixtures.VPC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.fixtures.Fixtures;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

class VpcObserverTest {

    private final Ec2Client ec2 = Fixtures.ec2();

    private static VpcEndpoint endpoint(String id, String state, Instant created, List<Tag> tags,
                                        String... tables) {
        return VpcEndpoint.builder().vpcEndpointId(id).vpcId(VPC).serviceName(SERVICE)
                .vpcEndpointType(VpcEndpointType.GATEWAY).state(state).creationTimestamp(created)
                .routeTableIds(tables).tags(tags).policyDocument("{\"Statement\":[]}").build();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private static RouteTable table(String id, Route... routes) {
        return RouteTable.builder().routeTableId(id).vpcId(VPC).routes(routes).build();
    }

    private static Route toEndpoint(String id) {
        return Route.builder().destinationPrefixListId(PL).gatewayId(id).state("active").build();
    }

    @Test
    void itAsksForTheScopesServiceInTheVpcAndTheVpcsRouteTablesPageByPage() {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(endpoint("vpce-1", "available", LONG_AGO,
                        List.of(), RTB_A)).nextToken("page-2").build())
                .doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(endpoint("vpce-2", "available",
                        LONG_AGO.plusSeconds(1), List.of(), RTB_B)).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        doReturn(DescribeRouteTablesResponse.builder().routeTables(table(RTB_A, toEndpoint("vpce-1")))
                        .nextToken("page-2").build())
                .doReturn(DescribeRouteTablesResponse.builder().routeTables(table(RTB_B, toEndpoint("vpce-2")))
                        .build())
                .when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));

        VpcObservation world = new VpcObserver(ec2).observe(SCOPE);

        assertEquals(List.of("vpce-1", "vpce-2"), world.endpoints().stream().map(ObservedEndpoint::vpcEndpointId)
                .toList());
        assertEquals(Set.of(RTB_A, RTB_B), world.routeTableIds());
        assertEquals(Map.of(RTB_A, new VpcObservation.Route(PL, "vpce-1"), RTB_B, new VpcObservation.Route(PL,
                "vpce-2")), world.routeTargets());
        ArgumentCaptor<DescribeVpcEndpointsRequest> endpoints = ArgumentCaptor.forClass(
                DescribeVpcEndpointsRequest.class);
        verify(ec2, times(2)).describeVpcEndpoints(endpoints.capture());
        assertEquals(Map.of("vpc-id", List.of(VPC), "service-name", List.of(SERVICE)),
                filters(endpoints.getAllValues().get(0).filters()));
        assertEquals("page-2", endpoints.getAllValues().get(1).nextToken());
        ArgumentCaptor<DescribeRouteTablesRequest> tables = ArgumentCaptor.forClass(DescribeRouteTablesRequest.class);
        verify(ec2, times(2)).describeRouteTables(tables.capture());
        assertEquals(Map.of("vpc-id", List.of(VPC)), filters(tables.getAllValues().get(0).filters()));
    }

    @Test
    void endpointsAreOwnedByTheirTagAndOldestFirst() {
        List<VpcEndpoint> endpoints = List.of(
                endpoint("vpce-b", "available", LONG_AGO, List.of(tag("team", "net")), RTB_B),
                endpoint("vpce-c", "pending", null, List.of(), RTB_C),
                endpoint("vpce-a", "available", LONG_AGO, List.of(tag("managed-by", "vpce-pilot"),
                        tag("vpce-pilot:execution", EXEC), tag("vpce-pilot:stack", "s"), tag("app", "x")), RTB_A),
                endpoint("vpce-0", "available", LONG_AGO.minusSeconds(1), List.of(tag("managed-by", "someone")), RTB_C));

        VpcObservation world = VpcObserver.observation(endpoints, List.of());

        assertEquals(List.of("vpce-0", "vpce-a", "vpce-b", "vpce-c"), world.endpoints().stream()
                .map(ObservedEndpoint::vpcEndpointId).toList(), "oldest first, ties by id, unknown age last");
        ObservedEndpoint ours = world.endpoint("vpce-a").orElseThrow();
        assertTrue(ours.owned());
        assertEquals(EXEC, ours.createdBy());
        assertEquals(Map.of("app", "x"), ours.userTags(), "vpce-pilot's own tags are not user tags");
        assertEquals(List.of(RTB_A), ours.routeTableIds());
        assertEquals("{\"Statement\":[]}", ours.policyDocument());
        ObservedEndpoint theirs = world.endpoint("vpce-b").orElseThrow();
        assertFalse(theirs.owned());
        assertNull(theirs.createdBy());
        assertEquals(Map.of("team", "net"), theirs.userTags());
        assertFalse(world.endpoint("vpce-0").orElseThrow().owned(), "managed-by must say vpce-pilot");
    }

    @Test
    void onlyLiveRoutesOfTheServicesGatewayEndpointsCount() {
        VpcEndpoint gateway = endpoint("vpce-g", "available", LONG_AGO, List.of(), RTB_A, RTB_B);
        VpcEndpoint iface = gateway.toBuilder().vpcEndpointId("vpce-i").vpcEndpointType(VpcEndpointType.INTERFACE)
                .build();
        List<RouteTable> tables = List.of(
                table(RTB_A, Route.builder().destinationCidrBlock("10.0.0.0/16").gatewayId("local").build(),
                        toEndpoint("vpce-g")),
                table(RTB_B, toEndpoint("vpce-g").toBuilder().state("blackhole").build()),
                table(RTB_C, toEndpoint("vpce-other-service"), toEndpoint("vpce-i")));

        VpcObservation world = VpcObserver.observation(List.of(gateway, iface), tables);

        assertEquals(List.of("vpce-g"), world.endpoints().stream().map(ObservedEndpoint::vpcEndpointId).toList());
        assertEquals(Map.of(RTB_A, new VpcObservation.Route(PL, "vpce-g")), world.routeTargets());
        assertEquals(Set.of(RTB_A, RTB_B, RTB_C), world.routeTableIds());
    }

    @Test
    void aFailedReadIsTranslated() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        TransientAwsError error = assertThrows(TransientAwsError.class, () -> new VpcObserver(ec2).observe(SCOPE));

        assertTrue(error.getMessage().startsWith("EC2 DescribeVpcEndpoints"), error.getMessage());
    }

    private static Map<String, List<String>> filters(List<Filter> filters) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        filters.forEach(f -> byName.put(f.name(), f.values()));
        return byName;
    }
}
