package dev.vpcepilot.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.InvalidInput;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SubnetChoiceTest {

    private static final String A1 = "subnet-0000000a1";
    private static final String A2 = "subnet-0000000a2";
    private static final String B1 = "subnet-0000000b1";
    private static final String B2 = "subnet-0000000b2";
    private static final String C1 = "subnet-0000000c1";
    private static final Map<String, String> ZONES = new TreeMap<>(Map.of(A1, "us-east-1a", A2, "us-east-1a",
            B1, "us-east-1b", B2, "us-east-1b", C1, "us-east-1c"));
    private static final List<String> OFFERED = List.of("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d");

    private static NetworkFacts.RouteTable table(String id, boolean main, List<String> subnets, String target) {
        return new NetworkFacts.RouteTable(id, main, subnets, target == null ? List.of()
                : List.of(new NetworkFacts.Route("0.0.0.0/0", null, target, "active", false)));
    }

    /** The main table routes to an internet gateway (public); A2 and B2 have a private table. */
    private static final List<NetworkFacts.RouteTable> TABLES = List.of(
            table("rtb-main", true, List.of(), "igw-1"),
            table("rtb-private", false, List.of(A2, B2), "nat-1"));

    @Test
    void byDefaultOneSubnetPerOfferedZonePreferringThoseWithoutARouteToAnInternetGateway() {
        assertEquals(List.of(A2, B2, C1), SubnetChoice.choose(ZONES, TABLES, OFFERED, List.of(), null));
    }

    @Test
    void withoutAPrivateSubnetInAZoneTheLowestIdAndTheSameChoiceEveryTime() {
        List<NetworkFacts.RouteTable> allPublic = List.of(table("rtb-main", true, List.of(), "igw-1"));

        assertEquals(List.of(A1, B1, C1), SubnetChoice.choose(ZONES, allPublic, OFFERED, List.of(), null));
        assertEquals(SubnetChoice.choose(new TreeMap<>(ZONES).descendingMap(), allPublic, OFFERED.reversed(),
                List.of(), null), SubnetChoice.choose(ZONES, allPublic, OFFERED, List.of(), null));
    }

    @Test
    void aZoneAnEndpointAlreadyServesKeepsThatEndpointsSubnetOldestEndpointFirst() {
        assertEquals(List.of(A1, B2, C1), SubnetChoice.choose(ZONES, TABLES, OFFERED,
                List.of(List.of(A1), List.of(A2, B2)), null));
    }

    @Test
    void zonesTheServiceIsNotOfferedInGetNoSubnet() {
        assertEquals(List.of(A2, C1), SubnetChoice.choose(ZONES, TABLES, List.of("us-east-1a", "us-east-1c"),
                List.of(), null));
    }

    @Test
    void noSubnetInAnOfferedZoneIsInvalidInputNamingTheZones() {
        InvalidInput error = assertThrows(InvalidInput.class, () -> SubnetChoice.choose(ZONES, TABLES,
                List.of("us-east-1f"), List.of(), null));
        assertTrue(error.getMessage().contains("us-east-1f"), error.getMessage());
    }

    @Test
    void requestedSubnetsAreKeptSorted() {
        assertEquals(List.of(A1, C1), SubnetChoice.choose(ZONES, TABLES, OFFERED, List.of(List.of(A2)),
                List.of(C1, A1)));
    }

    @Test
    void twoRequestedSubnetsInOneZoneAreInvalidInputNamingBoth() {
        InvalidInput error = assertThrows(InvalidInput.class, () -> SubnetChoice.choose(ZONES, TABLES, OFFERED,
                List.of(), List.of(A1, A2)));
        assertTrue(error.getMessage().contains(A1 + " and " + A2 + ", both in us-east-1a"), error.getMessage());
    }

    @Test
    void aRequestedSubnetOutsideTheVpcIsInvalidInput() {
        InvalidInput error = assertThrows(InvalidInput.class, () -> SubnetChoice.choose(ZONES, TABLES, OFFERED,
                List.of(), List.of("subnet-0000000ff")));
        assertTrue(error.getMessage().contains("subnet-0000000ff, not a subnet of the VPC"), error.getMessage());
    }

    @Test
    void aRequestedSubnetInAZoneWithoutTheServiceIsInvalidInput() {
        InvalidInput error = assertThrows(InvalidInput.class, () -> SubnetChoice.choose(ZONES, TABLES,
                List.of("us-east-1a"), List.of(), List.of(B1)));
        assertTrue(error.getMessage().contains(B1 + " in a zone where the service is not offered"),
                error.getMessage());
    }

    @Test
    void anExplicitAssociationDecidesBeforeTheMainTable() {
        assertTrue(SubnetChoice.routesToInternetGateway(A1, TABLES));
        assertEquals(false, SubnetChoice.routesToInternetGateway(A2, TABLES));
    }
}
