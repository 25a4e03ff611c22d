package dev.vpcepilot.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.fixtures.Fixtures;
import dev.vpcepilot.sharing.VpcObserver;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkAclsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkAclsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GetManagedPrefixListEntriesRequest;
import software.amazon.awssdk.services.ec2.model.GetManagedPrefixListEntriesResponse;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.PortRange;
import software.amazon.awssdk.services.ec2.model.PrefixListEntry;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

class DataPathReaderTest {

    private final Ec2Client ec2 = Fixtures.ec2();

    @Test
    void threePaginatedReadsPlusTheObservedTablesAndEndpointsMakeTheFacts() {
        doReturn(DescribeSubnetsResponse.builder().subnets(Subnet.builder().subnetId("subnet-1").build())
                .nextToken("page-2").build())
                .doReturn(DescribeSubnetsResponse.builder().subnets(Subnet.builder().subnetId("subnet-2").build())
                        .build())
                .when(ec2).describeSubnets(any(DescribeSubnetsRequest.class));
        doReturn(DescribeNetworkAclsResponse.builder().networkAcls(NetworkAcl.builder().networkAclId("acl-1")
                .isDefault(false).associations(NetworkAclAssociation.builder().subnetId("subnet-1").build())
                .entries(NetworkAclEntry.builder().ruleNumber(90).egress(true).protocol("6")
                                .portRange(PortRange.builder().from(443).to(443).build()).cidrBlock("52.94.0.0/22")
                                .ruleAction("deny").build(),
                        NetworkAclEntry.builder().ruleNumber(100).egress(false).protocol("-1")
                                .ipv6CidrBlock("::/0").ruleAction("allow").build()).build()).build())
                .when(ec2).describeNetworkAcls(any(DescribeNetworkAclsRequest.class));
        doReturn(GetManagedPrefixListEntriesResponse.builder().entries(PrefixListEntry.builder()
                .cidr("52.94.0.0/22").build()).build())
                .when(ec2).getManagedPrefixListEntries(any(GetManagedPrefixListEntriesRequest.class));
        RouteTable main = RouteTable.builder().routeTableId("rtb-main")
                .associations(RouteTableAssociation.builder().main(true).build())
                .routes(Route.builder().destinationPrefixListId("pl-1").gatewayId("vpce-1").state("active").build(),
                        Route.builder().destinationCidrBlock("52.94.0.0/24").natGatewayId("nat-1").state("active")
                                .origin("CreateRoute").build(),
                        Route.builder().destinationCidrBlock("52.94.1.0/24").gatewayId("vgw-1").state("active")
                                .origin("EnableVgwRoutePropagation").build()).build();
        RouteTable explicit = RouteTable.builder().routeTableId("rtb-2")
                .associations(RouteTableAssociation.builder().main(false).subnetId("subnet-2").build()).build();
        VpcEndpoint endpoint = VpcEndpoint.builder().vpcEndpointId("vpce-1").state("available")
                .vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds("rtb-main").build();

        NetworkFacts facts = new DataPathReader(ec2).read("vpc-1", "pl-1",
                VpcObserver.observation(List.of(endpoint), List.of(main, explicit)).routing());

        assertEquals(List.of("subnet-1", "subnet-2"), facts.subnetIds());
        assertEquals(List.of(
                new NetworkFacts.RouteTable("rtb-main", true, List.of(), List.of(
                        new NetworkFacts.Route(null, "pl-1", "vpce-1", "active", false),
                        new NetworkFacts.Route("52.94.0.0/24", null, "nat-1", "active", false),
                        new NetworkFacts.Route("52.94.1.0/24", null, "vgw-1", "active", true))),
                new NetworkFacts.RouteTable("rtb-2", false, List.of("subnet-2"), List.of())), facts.routeTables());
        assertEquals(List.of(new NetworkFacts.NetworkAcl("acl-1", false, List.of("subnet-1"), List.of(
                new NetworkFacts.AclEntry(90, true, "6", 443, 443, "52.94.0.0/22", false),
                new NetworkFacts.AclEntry(100, false, "-1", null, null, "::/0", true)))), facts.networkAcls());
        assertEquals(List.of("52.94.0.0/22"), facts.prefixListCidrs());
        assertEquals(List.of(new NetworkFacts.Endpoint("vpce-1", "available", List.of("rtb-main"))),
                facts.endpoints());

        ArgumentCaptor<DescribeSubnetsRequest> subnets = ArgumentCaptor.forClass(DescribeSubnetsRequest.class);
        verify(ec2, times(2)).describeSubnets(subnets.capture());
        assertEquals(List.of(Filter.builder().name("vpc-id").values("vpc-1").build()),
                subnets.getAllValues().get(0).filters());
        ArgumentCaptor<DescribeNetworkAclsRequest> acls = ArgumentCaptor.forClass(DescribeNetworkAclsRequest.class);
        verify(ec2).describeNetworkAcls(acls.capture());
        assertEquals(List.of(Filter.builder().name("vpc-id").values("vpc-1").build()), acls.getValue().filters());
        ArgumentCaptor<GetManagedPrefixListEntriesRequest> entries =
                ArgumentCaptor.forClass(GetManagedPrefixListEntriesRequest.class);
        verify(ec2).getManagedPrefixListEntries(entries.capture());
        assertEquals("pl-1", entries.getValue().prefixListId());
    }
}
