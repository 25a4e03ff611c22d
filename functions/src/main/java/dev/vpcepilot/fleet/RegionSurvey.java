package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.TargetUnreachable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Reads one account-region for the fleet in three paginated calls, whatever the number of VPCs: the selected VPCs
 * (DescribeVpcs with the selection as filters), their route tables and the service's endpoints in them
 * (DescribeRouteTables and DescribeVpcEndpoints filtered by up to {@value #FILTER_VALUES} VPC ids per call). EC2's
 * rate limits are per account and region, so a fleet's reads grow with account-regions, not with VPCs.
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
        }
        return new RegionView(selected, tables, endpoints);
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
