package dev.vpcepilot.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.contract.ResolvedVpc;
import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.NoDefaultVpc;
import dev.vpcepilot.errors.RouteTableNotFound;
import dev.vpcepilot.errors.VpcNotFound;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.service.VpcResolver;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DescribeVpcs and DescribeRouteTables through the real SDK client against moto_server. */
@Integration
class VpcResolverIntegrationTest {

    private static MotoServer moto;
    private MotoEc2 aws;
    private VpcResolver resolver;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
    }


    @BeforeEach
    void clients() {
        moto.reset();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        resolver = new VpcResolver(aws.ec2());
    }

    @AfterEach
    void closeClients() {
        aws.close();
    }

    @Test
    void withoutAVpcIdItIsTheDefaultVpcWithItsMainRouteTable() {
        String defaultVpc = aws.defaultVpcId();

        ResolvedVpc vpc = resolver.resolve(null, null);

        assertEquals(defaultVpc, vpc.vpcId());
        assertTrue(vpc.isDefault());
        assertEquals(List.of(aws.mainRouteTableId(defaultVpc)), vpc.routeTableIds());
        assertEquals(List.of(aws.mainRouteTableId(defaultVpc)), vpc.routeTables().stream()
                .map(NetworkFacts.RouteTable::routeTableId).toList());
        assertTrue(vpc.routeTables().get(0).main());
    }

    @Test
    void theDefaultVpcIsFoundAfterMotoWasReset() {
        String before = aws.defaultVpcId();
        moto.reset();

        ResolvedVpc vpc = resolver.resolve(null, null);

        // moto recreates the default VPC (with a new id) on the first EC2 call after a reset
        assertTrue(vpc.isDefault());
        assertEquals(aws.defaultVpcId(), vpc.vpcId());
        assertFalse(before.equals(vpc.vpcId()), "a reset forgets the old default VPC");
    }

    @Test
    void anExplicitVpcHasItsMainAndItsExplicitlyAssociatedRouteTablesSorted() {
        String vpcId = aws.createVpc("10.20.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String associated = aws.createAssociatedRouteTable(vpcId, "10.20.1.0/24");

        ResolvedVpc vpc = resolver.resolve(vpcId, null);

        assertEquals(vpcId, vpc.vpcId());
        assertFalse(vpc.isDefault());
        assertEquals(Stream.of(main, associated).sorted().toList(), vpc.routeTableIds());
        assertEquals(vpc.routeTableIds(), vpc.routeTables().stream().map(NetworkFacts.RouteTable::routeTableId)
                .sorted().toList());
        // none of the default VPC's tables
        assertFalse(vpc.routeTableIds().contains(aws.mainRouteTableId(aws.defaultVpcId())));
    }

    @Test
    void requestedRouteTablesAreUsedInsteadOfAllSorted() {
        String vpcId = aws.createVpc("10.21.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String first = aws.createAssociatedRouteTable(vpcId, "10.21.1.0/24");
        String second = aws.createAssociatedRouteTable(vpcId, "10.21.2.0/24");

        ResolvedVpc vpc = resolver.resolve(vpcId, List.of(second, first));

        assertEquals(Stream.of(first, second).sorted().toList(), vpc.routeTableIds());
        assertFalse(vpc.routeTableIds().contains(main));
    }

    @Test
    void existingPrefixListRoutesAreReadWithTheTables() {
        String vpcId = aws.createVpc("10.22.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String vpce = aws.createForeignEndpoint(vpcId, List.of(main));

        ResolvedVpc vpc = resolver.resolve(vpcId, null);

        List<NetworkFacts.Route> routes = vpc.routeTables().get(0).routes().stream()
                .filter(r -> r.destinationPrefixListId() != null).toList();
        assertEquals(1, routes.size(), routes::toString);
        assertEquals(vpce, routes.get(0).target());
        assertTrue(routes.get(0).destinationPrefixListId().startsWith("pl-"), routes::toString);
    }

    @Test
    void anUnknownVpcIsVpcNotFound() {
        VpcNotFound error = assertThrows(VpcNotFound.class, () -> resolver.resolve("vpc-0123456789abcdef0", null));

        assertTrue(error.getMessage().contains("VPC vpc-0123456789abcdef0 does not exist"), error.getMessage());
    }

    @Test
    void aRouteTableOfAnotherVpcIsRouteTableNotFound() {
        String vpcId = aws.createVpc("10.23.0.0/16");
        String main = aws.mainRouteTableId(vpcId);
        String foreign = aws.mainRouteTableId(aws.defaultVpcId());

        RouteTableNotFound error = assertThrows(RouteTableNotFound.class,
                () -> resolver.resolve(vpcId, List.of(main, foreign)));

        assertTrue(error.getMessage().contains("Route table(s) " + foreign + " do not exist in " + vpcId),
                error.getMessage());
        assertTrue(error.getMessage().contains("Route tables of that VPC: " + main), error.getMessage());
    }

    @Test
    void aRouteTableThatDoesNotExistIsRouteTableNotFound() {
        RouteTableNotFound error = assertThrows(RouteTableNotFound.class,
                () -> resolver.resolve(null, List.of("rtb-0123456789abcdef0")));

        assertTrue(error.getMessage().contains("rtb-0123456789abcdef0"), error.getMessage());
    }

    @Test
    void aRegionWithoutADefaultVpcIsNoDefaultVpc() {
        try (MotoEc2 saoPaulo = new MotoEc2(moto.endpoint(), "sa-east-1")) {
            saoPaulo.deleteDefaultVpc();

            NoDefaultVpc error = assertThrows(NoDefaultVpc.class,
                    () -> new VpcResolver(saoPaulo.ec2()).resolve(null, null));
            assertTrue(error.getMessage().contains("no default VPC"), error.getMessage());
            // an explicit VPC still resolves there
            String vpcId = saoPaulo.createVpc("10.24.0.0/16");
            assertEquals(vpcId, new VpcResolver(saoPaulo.ec2()).resolve(vpcId, null).vpcId());
        }
    }
}
