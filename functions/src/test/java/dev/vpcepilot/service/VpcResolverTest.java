package dev.vpcepilot.service;

import static dev.vpcepilot.fixtures.Fixtures.PL;
import static dev.vpcepilot.fixtures.Fixtures.RTB_A;
import static dev.vpcepilot.fixtures.Fixtures.RTB_B;
import static dev.vpcepilot.fixtures.Fixtures.RTB_C;
import static dev.vpcepilot.fixtures.Fixtures.VPC;
import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static dev.vpcepilot.fixtures.Fixtures.filters;
import static dev.vpcepilot.fixtures.Fixtures.localRoute;
import static dev.vpcepilot.fixtures.Fixtures.prefixRoute;
import static dev.vpcepilot.fixtures.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.contract.ResolvedVpc;
import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.NoDefaultVpc;
import dev.vpcepilot.errors.RouteTableNotFound;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.VpcNotFound;
import dev.vpcepilot.fixtures.Fixtures;
import dev.vpcepilot.json.StateBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsResponse;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Vpc;

class VpcResolverTest {

    private final Ec2Client ec2 = Fixtures.ec2();
    private final VpcResolver resolver = new VpcResolver(ec2);

    private void vpcs(Vpc... vpcs) {
        doReturn(DescribeVpcsResponse.builder().vpcs(vpcs).build()).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));
    }

    private void routeTables(RouteTable... tables) {
        doReturn(DescribeRouteTablesResponse.builder().routeTables(tables).build())
                .when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    private static Vpc vpc(String id, boolean isDefault) {
        return Vpc.builder().vpcId(id).isDefault(isDefault).build();
    }

    private DescribeVpcsRequest sentVpcsRequest() {
        ArgumentCaptor<DescribeVpcsRequest> sent = ArgumentCaptor.forClass(DescribeVpcsRequest.class);
        verify(ec2).describeVpcs(sent.capture());
        return sent.getValue();
    }

    @Test
    void noVpcIdMeansTheDefaultVpcWithAllItsRouteTablesSorted() {
        vpcs(vpc(VPC, true));
        routeTables(table(RTB_C, localRoute()), table(RTB_A, localRoute()), table(RTB_B, localRoute()));

        ResolvedVpc resolved = resolver.resolve(null, null);

        assertEquals(VPC, resolved.vpcId());
        assertTrue(resolved.isDefault());
        assertEquals(List.of(RTB_A, RTB_B, RTB_C), resolved.routeTableIds());
        assertEquals(List.of(RTB_C, RTB_A, RTB_B), resolved.routeTables().stream()
                .map(NetworkFacts.RouteTable::routeTableId).toList(), "every table, as EC2 answered");

        DescribeVpcsRequest vpcRequest = sentVpcsRequest();
        assertEquals(Map.of("isDefault", List.of("true")), filters(vpcRequest.filters()));
        assertTrue(vpcRequest.vpcIds().isEmpty());
        ArgumentCaptor<DescribeRouteTablesRequest> tablesRequest = ArgumentCaptor.forClass(DescribeRouteTablesRequest.class);
        verify(ec2).describeRouteTables(tablesRequest.capture());
        assertEquals(Map.of("vpc-id", List.of(VPC)), filters(tablesRequest.getValue().filters()));
    }

    @Test
    void noDefaultVpcIsAClearError() {
        vpcs();

        NoDefaultVpc error = assertThrows(NoDefaultVpc.class, () -> resolver.resolve(null, null));
        assertTrue(error.getMessage().contains("no default VPC"), error.getMessage());
        assertTrue(error.getMessage().contains("vpcId"), error.getMessage());
        verify(ec2, never()).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    @Test
    void anExplicitVpcIsLookedUpById() {
        vpcs(vpc(VPC, false));
        routeTables(table(RTB_A));

        ResolvedVpc resolved = resolver.resolve(VPC, null);

        assertEquals(VPC, resolved.vpcId());
        assertFalse(resolved.isDefault());
        assertEquals(List.of(RTB_A), resolved.routeTableIds());
        DescribeVpcsRequest request = sentVpcsRequest();
        assertEquals(List.of(VPC), request.vpcIds());
        assertTrue(request.filters().isEmpty());
    }

    @Test
    void aMissingVpcIsVpcNotFound() {
        doThrow(ec2Error(400, "InvalidVpcID.NotFound")).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        VpcNotFound error = assertThrows(VpcNotFound.class, () -> resolver.resolve(VPC, null));
        assertTrue(error.getMessage().contains(VPC), error.getMessage());
        verify(ec2, never()).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    @Test
    void anEmptyAnswerForAnExplicitVpcIsVpcNotFound() {
        vpcs();

        assertThrows(VpcNotFound.class, () -> resolver.resolve(VPC, null));
    }

    @Test
    void requestedRouteTablesAreASortedSubsetAndEveryTableOfTheVpcIsCarried() {
        vpcs(vpc(VPC, false));
        routeTables(table(RTB_A, prefixRoute(PL, "vpce-1")), table(RTB_B, prefixRoute(PL, "vpce-2")),
                table(RTB_C, prefixRoute(PL, "vpce-3")));

        ResolvedVpc resolved = resolver.resolve(VPC, List.of(RTB_C, RTB_A));

        assertEquals(List.of(RTB_A, RTB_C), resolved.routeTableIds());
        assertEquals(List.of(RTB_A, RTB_B, RTB_C), resolved.routeTables().stream()
                .map(NetworkFacts.RouteTable::routeTableId).toList(), "the others too: the data path reads them");
        assertEquals(new NetworkFacts.Route(null, PL, "vpce-3", "active", false),
                resolved.routeTables().get(2).routes().get(0));
    }

    @Test
    void anUnknownRouteTableIsRouteTableNotFoundListingTheVpcsTables() {
        vpcs(vpc(VPC, false));
        routeTables(table(RTB_B), table(RTB_A));

        RouteTableNotFound error = assertThrows(RouteTableNotFound.class,
                () -> resolver.resolve(VPC, List.of(RTB_A, RTB_C)));
        assertTrue(error.getMessage().contains(RTB_C + " do not exist in " + VPC), error.getMessage());
        assertTrue(error.getMessage().contains("Route tables of that VPC: " + RTB_A + ", " + RTB_B),
                error.getMessage());
    }

    @Test
    void everyRouteIsCarriedWithItsTargetAndState() {
        vpcs(vpc(VPC, true));
        routeTables(table(RTB_A,
                localRoute(),
                prefixRoute(PL, "vpce-0aaa"),
                Route.builder().destinationPrefixListId("pl-blackholed").gatewayId("vpce-0old").state("blackhole").build(),
                Route.builder().destinationPrefixListId("pl-tgw").transitGatewayId("tgw-1").state("active").build(),
                Route.builder().destinationCidrBlock("0.0.0.0/0").gatewayId("igw-1").state("active").build()));

        ResolvedVpc resolved = resolver.resolve(null, null);

        assertEquals(List.of(new NetworkFacts.Route("172.31.0.0/16", null, "local", "active", false),
                new NetworkFacts.Route(null, PL, "vpce-0aaa", "active", false),
                new NetworkFacts.Route(null, "pl-blackholed", "vpce-0old", "blackhole", false),
                new NetworkFacts.Route(null, "pl-tgw", "tgw-1", "active", false),
                new NetworkFacts.Route("0.0.0.0/0", null, "igw-1", "active", false)),
                resolved.routeTables().get(0).routes());
    }

    @Test
    void routeTablesTooLargeForTheStateAreLeftOutForTheNextStepToReadAgain() {
        vpcs(vpc(VPC, true));
        Route[] routes = new Route[600];
        for (int i = 0; i < routes.length; i++) {
            routes[i] = Route.builder().destinationCidrBlock("10." + (i / 256) + "." + (i % 256) + ".0/24")
                    .transitGatewayId("tgw-0123456789abcdef0").state("active").build();
        }
        routeTables(table(RTB_A, routes));

        ResolvedVpc resolved = resolver.resolve(null, null);

        assertEquals(List.of(RTB_A), resolved.routeTableIds());
        assertNull(resolved.routeTables(), "over " + StateBudget.PART_BYTES + " bytes of JSON");
    }

    @Test
    void everyPageOfRouteTablesIsRead() {
        vpcs(vpc(VPC, true));
        doAnswer(invocation -> {
            DescribeRouteTablesRequest request = invocation.getArgument(0);
            return request.nextToken() == null
                    ? DescribeRouteTablesResponse.builder().routeTables(table(RTB_B)).nextToken("page-2").build()
                    : DescribeRouteTablesResponse.builder().routeTables(table(RTB_A)).build();
        }).when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));

        ResolvedVpc resolved = resolver.resolve(null, null);

        assertEquals(List.of(RTB_A, RTB_B), resolved.routeTableIds());
        verify(ec2, times(2)).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    @Test
    void throttlingOnTheDefaultVpcLookupIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        TransientAwsError error = assertThrows(TransientAwsError.class, () -> resolver.resolve(null, null));
        assertTrue(error.getMessage().contains("DescribeVpcs"), error.getMessage());
    }

    @Test
    void throttlingOnAnExplicitVpcLookupIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        assertThrows(TransientAwsError.class, () -> resolver.resolve(VPC, null));
    }

    @Test
    void aConnectionFailureOnAnExplicitVpcLookupIsTransient() {
        doThrow(SdkClientException.create("connection reset")).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        assertThrows(TransientAwsError.class, () -> resolver.resolve(VPC, null));
    }

    @Test
    void accessDeniedOnAnExplicitVpcLookupIsAwsRequestFailed() {
        doThrow(ec2Error(403, "UnauthorizedOperation")).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        AwsRequestFailed error = assertThrows(AwsRequestFailed.class, () -> resolver.resolve(VPC, null));
        assertTrue(error.getMessage().contains("UnauthorizedOperation"), error.getMessage());
    }

    @Test
    void throttlingOnTheRouteTablesIsTransient() {
        vpcs(vpc(VPC, true));
        doThrow(ec2Error(500, "InternalError")).when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));

        TransientAwsError error = assertThrows(TransientAwsError.class, () -> resolver.resolve(null, null));
        assertTrue(error.getMessage().contains("DescribeRouteTables"), error.getMessage());
    }
}
