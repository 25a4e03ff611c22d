package dev.vpcepilot.datapath;

import dev.vpcepilot.aws.AwsCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RouteOrigin;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * The facts of a VPC's data path that the verification does not already hold: three read calls (each paginated),
 * DescribeSubnets and DescribeNetworkAcls filtered by the VPC, and GetManagedPrefixListEntries of the service's
 * prefix list. The route tables and the service's endpoints are those the sharing steps observed
 * ({@link RoutingView}), so they are not read again.
 */
public final class DataPathReader {

    private final Ec2Client ec2;

    public DataPathReader(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** The VPC's facts, from the route tables and endpoints already read plus the three reads. */
    public NetworkFacts read(String vpcId, String prefixListId, RoutingView observed) {
        Filter vpc = Filter.builder().name("vpc-id").values(vpcId).build();
        List<String> subnets = AwsCalls.call("EC2 DescribeSubnets", () -> {
            List<String> all = new ArrayList<>();
            ec2.describeSubnetsPaginator(r -> r.filters(vpc)).subnets().forEach(s -> all.add(s.subnetId()));
            return all;
        });
        List<NetworkFacts.NetworkAcl> acls = AwsCalls.call("EC2 DescribeNetworkAcls", () -> {
            List<NetworkFacts.NetworkAcl> all = new ArrayList<>();
            ec2.describeNetworkAclsPaginator(r -> r.filters(vpc)).networkAcls().forEach(a -> all.add(acl(a)));
            return all;
        });
        List<String> cidrs = AwsCalls.call("EC2 GetManagedPrefixListEntries", () -> {
            List<String> all = new ArrayList<>();
            ec2.getManagedPrefixListEntriesPaginator(r -> r.prefixListId(prefixListId)).entries()
                    .forEach(e -> all.add(e.cidr()));
            return all;
        });
        return facts(observed, subnets, acls, prefixListId, cidrs);
    }

    /**
     * A VPC's facts from what was read elsewhere (the fleet reads a whole account-region at once): the observed
     * route tables and endpoints, the VPC's subnets and network ACLs, the prefix list's CIDRs.
     */
    public static NetworkFacts facts(RoutingView observed, List<String> subnetIds,
                                     List<NetworkFacts.NetworkAcl> acls, String prefixListId, List<String> cidrs) {
        return new NetworkFacts(subnetIds, observed.routeTables(), acls, prefixListId, cidrs, observed.endpoints());
    }

    /** A network ACL as EC2 describes it, as the rules read it. */
    public static NetworkFacts.NetworkAcl acl(NetworkAcl acl) {
        return new NetworkFacts.NetworkAcl(acl.networkAclId(), Boolean.TRUE.equals(acl.isDefault()),
                acl.associations().stream().map(NetworkAclAssociation::subnetId).filter(Objects::nonNull).toList(),
                acl.entries().stream().map(DataPathReader::entry).toList());
    }

    /** A route table as EC2 describes it, as the rules read it. */
    public static NetworkFacts.RouteTable table(software.amazon.awssdk.services.ec2.model.RouteTable table) {
        return new NetworkFacts.RouteTable(table.routeTableId(),
                table.associations().stream().anyMatch(a -> Boolean.TRUE.equals(a.main())),
                table.associations().stream().map(RouteTableAssociation::subnetId).filter(Objects::nonNull).toList(),
                table.routes().stream().map(r -> new NetworkFacts.Route(
                        r.destinationCidrBlock() != null ? r.destinationCidrBlock() : r.destinationIpv6CidrBlock(),
                        r.destinationPrefixListId(), target(r), r.stateAsString(),
                        r.origin() == RouteOrigin.ENABLE_VGW_ROUTE_PROPAGATION)).toList());
    }

    private static String target(software.amazon.awssdk.services.ec2.model.Route route) {
        return java.util.stream.Stream.of(route.gatewayId(), route.natGatewayId(), route.transitGatewayId(),
                        route.vpcPeeringConnectionId(), route.networkInterfaceId(), route.instanceId(),
                        route.egressOnlyInternetGatewayId(), route.localGatewayId(), route.carrierGatewayId(),
                        route.coreNetworkArn())
                .filter(Objects::nonNull).findFirst().orElse("(no target)");
    }

    private static NetworkFacts.AclEntry entry(NetworkAclEntry entry) {
        return new NetworkFacts.AclEntry(entry.ruleNumber(), Boolean.TRUE.equals(entry.egress()), entry.protocol(),
                entry.portRange() == null ? null : entry.portRange().from(),
                entry.portRange() == null ? null : entry.portRange().to(),
                entry.cidrBlock() != null ? entry.cidrBlock() : entry.ipv6CidrBlock(),
                entry.ruleAction() == RuleAction.ALLOW);
    }
}
