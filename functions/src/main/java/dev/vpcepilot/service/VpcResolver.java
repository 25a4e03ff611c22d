package dev.vpcepilot.service;

import dev.vpcepilot.contract.ResolvedVpc;
import java.util.Set;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.datapath.DataPathReader;
import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.NoDefaultVpc;
import dev.vpcepilot.errors.RouteTableNotFound;
import dev.vpcepilot.errors.VpcNotFound;
import dev.vpcepilot.json.StateBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * The tutorial's {@code describe-vpcs}, made exact: the given VPC (which must exist) or the region's default
 * one, and the route tables the endpoint must serve (the requested ones, which must belong to the VPC, or all of
 * the VPC's: its main table and every explicitly associated one). Two calls.
 */
public final class VpcResolver {

    private final Ec2Client ec2;

    public VpcResolver(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public ResolvedVpc resolve(String vpcId, List<String> requestedRouteTableIds) {
        Vpc vpc = vpcId == null ? defaultVpc() : existingVpc(vpcId);
        List<RouteTable> tables = routeTables(vpc.vpcId());
        Map<String, RouteTable> byId = new TreeMap<>();
        tables.forEach(t -> byId.put(t.routeTableId(), t));

        List<String> selected;
        if (requestedRouteTableIds == null) {
            selected = new ArrayList<>(byId.keySet());
        } else {
            List<String> missing = requestedRouteTableIds.stream().filter(id -> !byId.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                throw new RouteTableNotFound("Route table(s) " + String.join(", ", missing) + " do not exist in "
                        + vpc.vpcId() + ". Route tables of that VPC: " + String.join(", ", byId.keySet()) + ".");
            }
            selected = requestedRouteTableIds.stream().sorted().toList();
        }
        List<NetworkFacts.RouteTable> read = tables.stream().map(DataPathReader::table).toList();
        return new ResolvedVpc(vpc.vpcId(), Boolean.TRUE.equals(vpc.isDefault()), selected,
                StateBudget.fits(read) ? read : null);
    }

    /** The region's default VPC, if it has one. */
    public java.util.Optional<String> defaultVpcId() {
        return defaultVpcs().stream().findFirst().map(Vpc::vpcId);
    }

    private List<Vpc> defaultVpcs() {
        return AwsCalls.call("EC2 DescribeVpcs", () -> ec2.describeVpcs(r -> r.filters(
                Filter.builder().name("isDefault").values("true").build()))).vpcs();
    }

    private Vpc defaultVpc() {
        List<Vpc> vpcs = defaultVpcs();
        if (vpcs.isEmpty()) {
            throw new NoDefaultVpc("This region has no default VPC, and no vpcId was given. Pass \"vpcId\" in the "
                    + "input, or create a default VPC (aws ec2 create-default-vpc).");
        }
        return vpcs.get(0);
    }

    private Vpc existingVpc(String vpcId) {
        List<Vpc> vpcs = AwsCalls.callOr("EC2 DescribeVpcs", () -> ec2.describeVpcs(r -> r.vpcIds(vpcId)).vpcs(),
                Set.of("InvalidVpcID.NotFound"), List::of);
        return vpcs.stream().findFirst().orElseThrow(() -> vpcNotFound(vpcId));
    }

    private static VpcNotFound vpcNotFound(String vpcId) {
        return new VpcNotFound("VPC " + vpcId + " does not exist in this account and region. Check the id and "
                + "the region, or omit vpcId for the region's default VPC.");
    }

    private List<RouteTable> routeTables(String vpcId) {
        Filter inVpc = Filter.builder().name("vpc-id").values(vpcId).build();
        return AwsCalls.call("EC2 DescribeRouteTables", () -> {
            List<RouteTable> all = new ArrayList<>();
            ec2.describeRouteTablesPaginator(r -> r.filters(inVpc)).routeTables().forEach(all::add);
            return all;
        });
    }
}
