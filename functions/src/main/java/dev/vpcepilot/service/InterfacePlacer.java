package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.contract.InterfacePlacement;
import dev.vpcepilot.datapath.DataPathReader;
import dev.vpcepilot.datapath.Ipv4Block;
import dev.vpcepilot.datapath.NetworkFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.VpcCidrBlockAssociation;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * ResolveVpc's part for an interface endpoint: the VPC's subnets and their zones, its IPv4 CIDR blocks, the service's
 * interface endpoints already there, and from them the subnets to serve ({@link SubnetChoice}). Reads only.
 */
public final class InterfacePlacer {

    private static final Set<String> LIVE = Set.of("pending", "available", "pendingacceptance");

    private final Ec2Client ec2;

    public InterfacePlacer(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /**
     * @param routeTablesRead the VPC's route tables as ResolveVpc read them, or null (read here again)
     */
    public InterfacePlacement place(String vpcId, String serviceName, List<String> offeredZones,
                                    List<String> requestedSubnets, List<NetworkFacts.RouteTable> routeTablesRead) {
        Filter inVpc = Filter.builder().name("vpc-id").values(vpcId).build();
        Map<String, String> zones = new TreeMap<>();
        AwsCalls.call("EC2 DescribeSubnets", () -> {
            List<Subnet> all = new ArrayList<>();
            ec2.describeSubnetsPaginator(r -> r.filters(inVpc)).subnets().forEach(all::add);
            return all;
        }).forEach(s -> zones.put(s.subnetId(), s.availabilityZone()));
        List<String> cidrs = AwsCalls.call("EC2 DescribeVpcs", () -> ec2.describeVpcs(r -> r.vpcIds(vpcId)).vpcs())
                .stream().flatMap(v -> v.cidrBlockAssociationSet().stream())
                .filter(a -> a.cidrBlockState() == null || "associated".equals(a.cidrBlockState().stateAsString()))
                .map(VpcCidrBlockAssociation::cidrBlock)
                .filter(c -> Ipv4Block.parseOrNull(c) != null)
                .sorted().toList();
        List<List<String>> endpointSubnets = AwsCalls.call("EC2 DescribeVpcEndpoints", () -> {
            List<VpcEndpoint> all = new ArrayList<>();
            ec2.describeVpcEndpointsPaginator(r -> r.filters(inVpc,
                    Filter.builder().name("service-name").values(serviceName).build())).vpcEndpoints().forEach(all::add);
            return all;
        }).stream()
                .filter(e -> e.vpcEndpointType() == VpcEndpointType.INTERFACE)
                .filter(e -> e.stateAsString() != null && LIVE.contains(e.stateAsString().toLowerCase()))
                .sorted(Comparator.comparing((VpcEndpoint e) -> Objects.requireNonNullElse(e.creationTimestamp(),
                        Instant.MAX)).thenComparing(VpcEndpoint::vpcEndpointId))
                .map(VpcEndpoint::subnetIds)
                .toList();
        List<NetworkFacts.RouteTable> tables = routeTablesRead != null ? routeTablesRead
                : AwsCalls.call("EC2 DescribeRouteTables", () -> {
                    List<NetworkFacts.RouteTable> all = new ArrayList<>();
                    ec2.describeRouteTablesPaginator(r -> r.filters(inVpc)).routeTables()
                            .forEach(t -> all.add(DataPathReader.table(t)));
                    return all;
                });
        List<String> chosen = SubnetChoice.choose(zones, tables, offeredZones, endpointSubnets, requestedSubnets);
        return new InterfacePlacement(chosen, zones, cidrs);
    }
}
