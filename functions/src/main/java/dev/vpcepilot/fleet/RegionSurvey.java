package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.datapath.DataPathReader;
import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.TargetUnreachable;
import dev.vpcepilot.sharing.VpcObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Reads one account-region for the fleet in six paginated calls, whatever the number of VPCs and subnets: the
 * selected VPCs (DescribeVpcs with the selection as filters); their route tables, the service's endpoints in them,
 * their subnets and network ACLs (DescribeRouteTables, DescribeVpcEndpoints, DescribeSubnets and DescribeNetworkAcls
 * filtered by up to {@value #FILTER_VALUES} VPC ids per call); and the entries of the service's prefix list
 * (GetManagedPrefixListEntries, once for the region: its id is the one the routes to the service's endpoints name,
 * so the call is not made when no route names one). EC2's rate limits are per account and region, so a fleet's
 * reads grow with account-regions, not with VPCs.
 */
public final class RegionSurvey {

    /** EC2 takes at most 200 values per filter. */
    static final int FILTER_VALUES = 200;
    /** EC2's answers when the credentials are not valid in the region (it is not enabled) or the role may not read. */
    private static final Set<String> UNREACHABLE = Set.of("AuthFailure", "OptInRequired", "UnauthorizedOperation",
            "InvalidClientTokenId", "UnrecognizedClientException");

    private final Ec2Client ec2;
    private final String account;
    private final String region;

    public RegionSurvey(Ec2Client ec2, String account, String region) {
        this.ec2 = ec2;
        this.account = account;
        this.region = region;
    }

    public RegionView read(VpcSelection selection, String serviceName) {
        List<Vpc> vpcs = reach("DescribeVpcs", () -> {
            List<Vpc> all = new ArrayList<>();
            ec2.describeVpcsPaginator(r -> r.filters(filters(selection))).vpcs().forEach(all::add);
            return all;
        });
        Set<String> listed = selection instanceof VpcSelection.Ids i ? Set.copyOf(i.ids()) : null;
        List<RegionView.SelectedVpc> selected = vpcs.stream()
                .filter(v -> listed == null || listed.contains(v.vpcId()))
                .map(v -> new RegionView.SelectedVpc(v.vpcId(), v.tags().stream().anyMatch(t ->
                        VpcSelection.EXCLUDE_KEY.equals(t.key()) && "true".equalsIgnoreCase(t.value()))))
                .sorted(java.util.Comparator.comparing(RegionView.SelectedVpc::vpcId))
                .toList();
        List<String> ids = selected.stream().filter(v -> !v.excluded()).map(RegionView.SelectedVpc::vpcId).toList();
        Map<String, List<RouteTable>> tables = new TreeMap<>();
        Map<String, List<VpcEndpoint>> endpoints = new TreeMap<>();
        Map<String, List<String>> subnets = new TreeMap<>();
        Map<String, List<NetworkFacts.NetworkAcl>> acls = new TreeMap<>();
        for (int from = 0; from < ids.size(); from += FILTER_VALUES) {
            Filter inVpcs = Filter.builder().name("vpc-id").values(ids.subList(from,
                    Math.min(ids.size(), from + FILTER_VALUES))).build();
            reach("DescribeRouteTables", () -> {
                ec2.describeRouteTablesPaginator(r -> r.filters(inVpcs)).routeTables().forEach(t ->
                        tables.computeIfAbsent(t.vpcId(), k -> new ArrayList<>()).add(t));
                return null;
            });
            reach("DescribeVpcEndpoints", () -> {
                ec2.describeVpcEndpointsPaginator(r -> r.filters(inVpcs, Filter.builder().name("service-name")
                        .values(serviceName).build())).vpcEndpoints().forEach(e ->
                        endpoints.computeIfAbsent(e.vpcId(), k -> new ArrayList<>()).add(e));
                return null;
            });
            reach("DescribeSubnets", () -> {
                ec2.describeSubnetsPaginator(r -> r.filters(inVpcs)).subnets().forEach(n ->
                        subnets.computeIfAbsent(n.vpcId(), k -> new ArrayList<>()).add(n.subnetId()));
                return null;
            });
            reach("DescribeNetworkAcls", () -> {
                ec2.describeNetworkAclsPaginator(r -> r.filters(inVpcs)).networkAcls().forEach(a ->
                        acls.computeIfAbsent(a.vpcId(), k -> new ArrayList<>()).add(DataPathReader.acl(a)));
                return null;
            });
        }
        Map<String, List<String>> prefixLists = new TreeMap<>();
        for (String prefixListId : prefixListIds(tables, endpoints)) {
            prefixLists.put(prefixListId, reach("GetManagedPrefixListEntries", () -> {
                List<String> cidrs = new ArrayList<>();
                ec2.getManagedPrefixListEntriesPaginator(r -> r.prefixListId(prefixListId)).entries()
                        .forEach(e -> cidrs.add(e.cidr()));
                return cidrs;
            }));
        }
        return new RegionView(selected, tables, endpoints, subnets, acls, prefixLists);
    }

    /** The prefix lists that the routes to the service's endpoints name: one per region and service in EC2. */
    static Set<String> prefixListIds(Map<String, List<RouteTable>> tables, Map<String, List<VpcEndpoint>> endpoints) {
        Set<String> ids = new TreeSet<>();
        tables.forEach((vpcId, vpcTables) -> VpcObserver.observation(endpoints.getOrDefault(vpcId, List.of()),
                vpcTables).routeTargets().values().forEach(route -> ids.add(route.prefixListId())));
        return ids;
    }

    private static List<Filter> filters(VpcSelection selection) {
        return switch (selection) {
            case VpcSelection.All a -> List.of();
            case VpcSelection.DefaultVpc d -> List.of(Filter.builder().name("is-default").values("true").build());
            case VpcSelection.Ids i -> {
                if (i.ids().size() > FILTER_VALUES) {
                    // More ids than a filter takes: read every VPC of the region, keep the listed ones.
                    yield List.of();
                }
                yield List.of(Filter.builder().name("vpc-id").values(i.ids()).build());
            }
            case VpcSelection.Tags t -> {
                List<Filter> filters = new ArrayList<>();
                new TreeMap<>(t.tags()).forEach((k, v) -> filters.add(Filter.builder().name("tag:" + k).values(v)
                        .build()));
                yield filters;
            }
        };
    }

    private <T> T reach(String operation, Supplier<T> call) {
        return AwsCalls.callOr("EC2 " + operation + " in " + account + " " + region, call, UNREACHABLE, () -> {
            throw new TargetUnreachable("EC2 " + operation + " in account " + account + ", region " + region
                    + " was refused: the region is not enabled in that account, or the role may not read there "
                    + "(deploy the current target-role.yaml).");
        });
    }
}
