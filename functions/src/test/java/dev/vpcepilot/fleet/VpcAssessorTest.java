package dev.vpcepilot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.Ownership;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * What a VPC's report line says of its subnets (a verdict each, on the region's batched reads), when a served VPC is
 * blocked, and what apply does for a VPC the survey finds served: rules 3 and 5 of docs/design.md. Tables that the standing use
 * does not claim are taken under the lock first (the execution's run claim protects them until its commit), even
 * when nothing is to be created: what serves them may go before the commit (a run's cleanup, a stack's Delete).
 */
class VpcAssessorTest {

    private static final String VPC = "vpc-0123456789abcdef0";
    private static final String TABLE = "rtb-0123456789abcdef0";
    private static final String ENDPOINT = "vpce-0123456789abcdef0";
    private static final String PREFIX_LIST = "pl-02cd2c6b";
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    private static final String EXECUTION = "arn:aws:states:us-east-1:111111111111:execution:Fleet:apply";

    private final VpcAssessor assessor = new VpcAssessor("111111111111", "us-east-1",
            "com.amazonaws.us-east-1.dynamodb", EXECUTION,
            new TargetRequest("apply", null, "role", null, null, null));

    private static final String SUBNET_A = "subnet-0000000000000000a";
    private static final String SUBNET_B = "subnet-0000000000000000b";
    private static final String ACL = "acl-0123456789abcdef0";
    /** Two of DynamoDB's us-east-1 prefix-list CIDRs. */
    private static final List<String> CIDRS = List.of("3.218.180.0/22", "52.94.0.0/22");

    /** The default ACL's rules: everything allowed both ways (rule 100), the catch-all deny (32767). */
    private static List<NetworkFacts.AclEntry> allowAll() {
        return List.of(new NetworkFacts.AclEntry(100, true, "-1", null, null, "0.0.0.0/0", true),
                new NetworkFacts.AclEntry(32767, true, "-1", null, null, "0.0.0.0/0", false),
                new NetworkFacts.AclEntry(100, false, "-1", null, null, "0.0.0.0/0", true),
                new NetworkFacts.AclEntry(32767, false, "-1", null, null, "0.0.0.0/0", false));
    }

    /** The VPC's one (main) table routed to an available endpoint of ours; subnets A and B on the default ACL. */
    private static RegionView servedView() {
        return servedView(List.of(new NetworkFacts.NetworkAcl(ACL, true, List.of(), allowAll())));
    }

    private static RegionView servedView(List<NetworkFacts.NetworkAcl> acls) {
        RouteTable table = RouteTable.builder().vpcId(VPC).routeTableId(TABLE)
                .associations(RouteTableAssociation.builder().main(true).build())
                .routes(Route.builder().destinationPrefixListId(PREFIX_LIST).gatewayId(ENDPOINT).state("active")
                        .build()).build();
        VpcEndpoint endpoint = VpcEndpoint.builder().vpcEndpointId(ENDPOINT).vpcId(VPC)
                .serviceName("com.amazonaws.us-east-1.dynamodb").vpcEndpointType("Gateway").state("available")
                .routeTableIds(TABLE).tags(Tag.builder().key(Ownership.MANAGED_BY_KEY)
                        .value(Ownership.MANAGED_BY_VALUE).build()).build();
        return new RegionView(List.of(new RegionView.SelectedVpc(VPC, false)), Map.of(VPC, List.of(table)),
                Map.of(VPC, List.of(endpoint)), Map.of(VPC, List.of(SUBNET_B, SUBNET_A)), Map.of(VPC, acls),
                Map.of(PREFIX_LIST, CIDRS));
    }

    /** Subnet B on an ACL whose rule 90 denies TCP 443 out to one of the prefix list's CIDRs before rule 100 allows. */
    private static RegionView subnetBDeniedHttpsOut() {
        List<NetworkFacts.AclEntry> entries = new ArrayList<>(allowAll());
        entries.add(new NetworkFacts.AclEntry(90, true, "6", 443, 443, "52.94.0.0/22", false));
        return servedView(List.of(new NetworkFacts.NetworkAcl(ACL, true, List.of(), allowAll()),
                new NetworkFacts.NetworkAcl("acl-0000000000000000b", false, List.of(SUBNET_B), entries)));
    }

    private static ClaimsDocument standingClaim() {
        return ClaimsDocument.empty().withClaim(Claimant.STANDING,
                ClaimsDocument.Claim.of(List.of(TABLE), EXECUTION, NOW, NOW));
    }

    @Test
    void aServedVpcWhoseSubnetsAllReachTheEndpointIsCompliantAndCountsThem() {
        RegionView view = servedView();

        ReportLine line = assessor.assess(view.vpcs().get(0), view, standingClaim(), NOW).line();

        assertEquals(ReportLine.Status.COMPLIANT.wireName(), line.status(), line.toString());
        assertEquals(new ReportLine.Subnets(2, List.of()), line.subnets());
    }

    @Test
    void aServedVpcWithASubnetANetworkAclBlocksIsBlockedAndApplyHasNothingToDoForIt() {
        RegionView view = subnetBDeniedHttpsOut();

        for (ClaimsDocument claims : List.of(ClaimsDocument.empty(), standingClaim())) {
            VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, claims, NOW);

            assertEquals(ReportLine.Status.BLOCKED.wireName(), assessed.line().status(), assessed.line().toString());
            assertNull(assessed.work(), "what blocks the path is not the product's to change, claimed or not");
            assertEquals(List.of(), assessed.line().actions());
            assertEquals(List.of(TABLE), assessed.line().routeTables().covered());
            assertEquals(1, assessed.line().subnets().reachable());
            ReportLine.Unreachable blocked = assessed.line().subnets().unreachable().get(0);
            assertEquals(List.of(SUBNET_B, "nacl-egress"), List.of(blocked.subnetId(), blocked.verdict()));
            assertTrue(blocked.detail().contains("acl-0000000000000000b outbound rule 90"), blocked.detail());
        }
    }

    @Test
    void aMoreSpecificRouteInsideThePrefixListBlocksTheSubnetsOfItsTable() {
        RegionView served = servedView();
        RouteTable table = served.routeTablesOf(VPC).get(0);
        RouteTable overridden = table.toBuilder().routes(List.of(table.routes().get(0), Route.builder()
                .destinationCidrBlock("52.94.0.0/24").natGatewayId("nat-0123456789abcdef0").state("active")
                .build())).build();
        RegionView view = new RegionView(served.vpcs(), Map.of(VPC, List.of(overridden)), served.endpoints(),
                served.subnets(), served.networkAcls(), served.prefixLists());

        ReportLine line = assessor.assess(view.vpcs().get(0), view, standingClaim(), NOW).line();

        assertEquals(ReportLine.Status.BLOCKED.wireName(), line.status(), line.toString());
        assertEquals(0, line.subnets().reachable());
        assertEquals(List.of("overridden", "overridden"), line.subnets().unreachable().stream()
                .map(ReportLine.Unreachable::verdict).toList());
    }

    @Test
    void aVpcNotServedIsDriftedWithItsSubnetsUnservedWhenNoRouteOfTheRegionNamesThePrefixList() {
        RegionView served = servedView();
        RouteTable bare = served.routeTablesOf(VPC).get(0).toBuilder().routes(List.of()).build();
        RegionView view = new RegionView(served.vpcs(), Map.of(VPC, List.of(bare)), Map.of(), served.subnets(),
                served.networkAcls(), Map.of());

        VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, ClaimsDocument.empty(), NOW);

        assertEquals(ReportLine.Status.DRIFTED.wireName(), assessed.line().status(), assessed.line().toString());
        assertEquals(List.of(SUBNET_A, SUBNET_B), assessed.line().subnets().unreachable().stream()
                .map(ReportLine.Unreachable::subnetId).toList());
        assertTrue(assessed.line().subnets().unreachable().stream().allMatch(u -> u.verdict().equals("unserved")));
        assertTrue(assessed.work().ensure(), "apply creates what serves it");
    }

    @Test
    void aVpcNotServedIsJudgedOnThePrefixListTheRegionsOtherVpcsRoute() {
        RegionView served = servedView();
        RouteTable bare = served.routeTablesOf(VPC).get(0).toBuilder().routes(List.of()).build();
        RegionView view = new RegionView(served.vpcs(), Map.of(VPC, List.of(bare)), Map.of(), served.subnets(),
                served.networkAcls(), served.prefixLists());

        ReportLine line = assessor.assess(view.vpcs().get(0), view, ClaimsDocument.empty(), NOW).line();

        assertEquals(ReportLine.Status.DRIFTED.wireName(), line.status());
        assertTrue(line.subnets().unreachable().get(0).detail().contains("has no route to " + PREFIX_LIST),
                line.subnets().toString());
    }

    @Test
    void aServedVpcWhoseTablesTheStandingUseDoesNotClaimIsTakenUnderTheLockBeforeItsCommit() {
        RegionView view = servedView();

        VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, ClaimsDocument.empty(), NOW);

        assertEquals(ReportLine.Status.COMPLIANT.wireName(), assessed.line().status(), assessed.line().toString());
        assertTrue(assessed.work().ensure(), "served but unclaimed: a run claim must protect it until the commit");
        assertEquals(List.of(TABLE), assessed.work().routeTableIds());
    }

    @Test
    void aServedVpcTheStandingUseClaimsAlreadyHasNothingToApply() {
        RegionView view = servedView();
        VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, standingClaim(), NOW);

        assertEquals(ReportLine.Status.COMPLIANT.wireName(), assessed.line().status(), assessed.line().toString());
        assertNull(assessed.work(), "served and claimed by the standing use: nothing to write");
    }

    private static final String INTERFACE = "vpce-0000000000000000f";

    /** An interface endpoint of the service (AWS PrivateLink) in the VPC, with these tags. */
    private static VpcEndpoint interfaceEndpoint(String state, Tag... tags) {
        return VpcEndpoint.builder().vpcEndpointId(INTERFACE).vpcId(VPC).serviceName("com.amazonaws.us-east-1.dynamodb")
                .vpcEndpointType("Interface").state(state).tags(tags).build();
    }

    private static RegionView withEndpoints(RegionView view, List<VpcEndpoint> endpoints, List<RouteTable> tables) {
        return new RegionView(view.vpcs(), Map.of(VPC, tables), Map.of(VPC, endpoints), view.subnets(),
                view.networkAcls(), view.prefixLists());
    }

    @Test
    void aVpcWithOnlyAnInterfaceEndpointIsJudgedOnItsGatewayCoverageAndListsTheInterfaceEndpoint() {
        RegionView served = servedView();
        RouteTable bare = served.routeTablesOf(VPC).get(0).toBuilder().routes(List.of()).build();
        RegionView view = withEndpoints(served, List.of(interfaceEndpoint("available", Tag.builder().key(
                Ownership.MANAGED_BY_KEY).value(Ownership.MANAGED_BY_VALUE).build())), List.of(bare));

        VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, standingClaim(), NOW);

        ReportLine line = assessed.line();
        assertEquals(ReportLine.Status.DRIFTED.wireName(), line.status(), line.toString());
        assertEquals(List.of(new ReportLine.EndpointLine(INTERFACE, "Interface", true, List.of())), line.endpoints(),
                "listed with its type, serving no route table, even when it is vpce-pilot's");
        assertEquals(new ReportLine.RouteTables(List.of(TABLE), List.of(), List.of(TABLE)), line.routeTables());
        assertEquals(List.of("create an endpoint for " + TABLE), line.actions(), "apply creates a gateway endpoint");
        assertTrue(line.subnets().unreachable().stream().allMatch(u -> u.verdict().equals("unserved")),
                line.subnets().toString());
        assertTrue(assessed.work().ensure());
        assertEquals(List.of(TABLE), assessed.work().routeTableIds());
    }

    @Test
    void aVpcServedByAGatewayEndpointBesideAnInterfaceEndpointIsCompliantAndListsBothWithTheirTypes() {
        RegionView served = servedView();
        List<VpcEndpoint> both = new ArrayList<>(served.endpointsOf(VPC));
        both.add(0, interfaceEndpoint("available"));
        RegionView view = withEndpoints(served, both, served.routeTablesOf(VPC));

        VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, standingClaim(), NOW);

        assertEquals(ReportLine.Status.COMPLIANT.wireName(), assessed.line().status(), assessed.line().toString());
        assertEquals(List.of(new ReportLine.EndpointLine(ENDPOINT, "Gateway", true, List.of(TABLE)),
                new ReportLine.EndpointLine(INTERFACE, "Interface", false, List.of())), assessed.line().endpoints());
        assertNull(assessed.work(), "the interface endpoint gives apply nothing to do");
        assertEquals(new ReportLine.Subnets(2, List.of()), assessed.line().subnets());
    }

    @Test
    void anInterfaceEndpointNoLongerLiveIsNotListed() {
        RegionView served = servedView();
        List<VpcEndpoint> both = new ArrayList<>(served.endpointsOf(VPC));
        both.add(interfaceEndpoint("deleted"));
        RegionView view = withEndpoints(served, both, served.routeTablesOf(VPC));

        ReportLine line = assessor.assess(view.vpcs().get(0), view, standingClaim(), NOW).line();

        assertEquals(List.of(ENDPOINT), line.endpoints().stream().map(ReportLine.EndpointLine::vpcEndpointId).toList());
    }
}
