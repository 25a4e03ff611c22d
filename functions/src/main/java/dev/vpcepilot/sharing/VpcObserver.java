package dev.vpcepilot.sharing;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.datapath.DataPathReader;
import dev.vpcepilot.datapath.NetworkFacts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * Reads a scope as EC2 shows it now (an interface scope: its endpoints alone, {@link InterfaceObservations}), in two
 * paginated calls: the service's gateway endpoints in the VPC (every
 * state) and the VPC's route tables. Under the lock, this is what every decision is made on.
 */
public final class VpcObserver {

    private final Ec2Client ec2;

    public VpcObserver(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public VpcObservation observe(Scope scope) {
        List<VpcEndpoint> endpoints = endpoints(scope);
        if (scope.isInterface()) {
            // Subnets, the places of an interface scope, are read from the endpoints themselves: one call.
            return InterfaceObservations.of(endpoints);
        }
        return observation(endpoints, routeTables(scope));
    }

    /**
     * The scope's route tables as EC2 shows them now, with endpoints known without reading them again: those the
     * same lock hold read, as its own writes left them (the one-hold commit of rule 5 reads the routes its writes
     * made, and nothing else can have changed the endpoints while the hold lasts).
     */
    public VpcObservation observeRoutes(Scope scope, List<ObservedEndpoint> endpoints) {
        return ofObserved(endpoints, routeTables(scope).stream().map(DataPathReader::table).toList());
    }

    private List<RouteTable> routeTables(Scope scope) {
        return AwsCalls.call("EC2 DescribeRouteTables", () -> {
            List<RouteTable> all = new ArrayList<>();
            ec2.describeRouteTablesPaginator(r -> r.filters(
                    Filter.builder().name("vpc-id").values(scope.vpcId()).build())).routeTables().forEach(all::add);
            return all;
        });
    }

    /**
     * The scope with its route tables as an earlier step read them (rule 16's read without the lock, after
     * ResolveVpc): one paginated call, the endpoints. Never under the lock, where every decision reads both again.
     */
    public VpcObservation observe(Scope scope, List<NetworkFacts.RouteTable> routeTablesRead) {
        if (scope.isInterface()) {
            return InterfaceObservations.of(endpoints(scope));
        }
        return ofFacts(endpoints(scope), routeTablesRead);
    }

    /** The service's gateway endpoints in the VPC, every state, as EC2 describes them now. */
    public List<ObservedEndpoint> endpointsNow(Scope scope) {
        return gateways(endpoints(scope));
    }

    private List<VpcEndpoint> endpoints(Scope scope) {
        return AwsCalls.call("EC2 DescribeVpcEndpoints", () -> {
            List<VpcEndpoint> all = new ArrayList<>();
            ec2.describeVpcEndpointsPaginator(r -> r.filters(
                    Filter.builder().name("vpc-id").values(scope.vpcId()).build(),
                    Filter.builder().name("service-name").values(scope.serviceName()).build()))
                    .vpcEndpoints().forEach(all::add);
            return all;
        });
    }

    /** The observation of the given endpoints (of one VPC and service) and route tables (of that VPC). */
    public static VpcObservation observation(List<VpcEndpoint> endpoints, List<RouteTable> tables) {
        return ofFacts(endpoints, tables.stream().map(DataPathReader::table).toList());
    }

    /** The same, of route tables as the data path reads them (an endpoint is only ever a route's gateway). */
    public static VpcObservation ofFacts(List<VpcEndpoint> endpoints, List<NetworkFacts.RouteTable> tables) {
        return ofObserved(gateways(endpoints), tables);
    }

    private static List<ObservedEndpoint> gateways(List<VpcEndpoint> endpoints) {
        return endpoints.stream()
                .filter(e -> e.vpcEndpointType() == null || e.vpcEndpointType() == VpcEndpointType.GATEWAY)
                .map(VpcObserver::observed)
                .toList();
    }

    /** The observation of endpoints already observed (any order: oldest first here) and route tables. */
    public static VpcObservation ofObserved(List<ObservedEndpoint> endpoints, List<NetworkFacts.RouteTable> tables) {
        List<ObservedEndpoint> observed = endpoints.stream()
                .sorted(Comparator.comparing((ObservedEndpoint e) -> Objects.requireNonNullElse(e.created(),
                        java.time.Instant.MAX)).thenComparing(ObservedEndpoint::vpcEndpointId))
                .toList();
        Set<String> ids = new HashSet<>();
        observed.forEach(e -> ids.add(e.vpcEndpointId()));
        Map<String, VpcObservation.Route> targets = new HashMap<>();
        Set<String> tableIds = new HashSet<>();
        for (NetworkFacts.RouteTable table : tables) {
            tableIds.add(table.routeTableId());
            for (NetworkFacts.Route route : table.routes()) {
                if (route.destinationPrefixListId() != null && route.target() != null
                        && ids.contains(route.target()) && !"blackhole".equals(route.state())) {
                    targets.put(table.routeTableId(),
                            new VpcObservation.Route(route.destinationPrefixListId(), route.target()));
                }
            }
        }
        return new VpcObservation(observed, targets, tableIds, tables);
    }

    static ObservedEndpoint observed(VpcEndpoint endpoint) {
        Map<String, String> userTags = new LinkedHashMap<>();
        String createdBy = null;
        for (Tag tag : endpoint.tags()) {
            if (Ownership.EXECUTION_KEY.equals(tag.key())) {
                createdBy = tag.value();
            } else if (!Ownership.isReservedKey(tag.key())) {
                userTags.put(tag.key(), tag.value());
            }
        }
        return new ObservedEndpoint(endpoint.vpcEndpointId(), endpoint.stateAsString(),
                Ownership.isOwned(endpoint.tags()), endpoint.routeTableIds(), endpoint.policyDocument(), userTags,
                createdBy, endpoint.creationTimestamp());
    }
}
