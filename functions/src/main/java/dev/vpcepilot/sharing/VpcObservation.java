package dev.vpcepilot.sharing;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.datapath.RoutingView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scope as EC2 shows it at one moment: every endpoint of the service in the VPC (in any state), and for each
 * route table of the VPC the endpoint of the service that its prefix-list route targets. A route table can route
 * a prefix list to one target only, so a table is served by at most one endpoint.
 *
 * @param endpoints     the service's endpoints in the VPC, oldest first
 * @param routeTargets  route table id -> the route to an endpoint of the service (tables without one are absent)
 * @param routeTableIds every route table of the VPC
 * @param routeTables   the VPC's route tables as EC2 described them (routes and associations), for the data path;
 *                      empty when the observation was made from decisions alone (tests, priming)
 */
public record VpcObservation(List<ObservedEndpoint> endpoints, Map<String, Route> routeTargets,
                             Set<String> routeTableIds,
                             List<NetworkFacts.RouteTable> routeTables) {

    /** A prefix-list route of a table to an endpoint of the service. */
    public record Route(String prefixListId, String vpcEndpointId) {
    }

    public VpcObservation {
        endpoints = List.copyOf(endpoints);
        routeTargets = Map.copyOf(routeTargets);
        routeTableIds = Set.copyOf(routeTableIds);
        routeTables = List.copyOf(routeTables);
    }

    /** An observation without the described route tables (what the sharing decisions need alone). */
    public VpcObservation(List<ObservedEndpoint> endpoints, Map<String, Route> routeTargets,
                          Set<String> routeTableIds) {
        this(endpoints, routeTargets, routeTableIds, List.of());
    }

    public Optional<ObservedEndpoint> endpoint(String vpcEndpointId) {
        return endpoints.stream().filter(e -> e.vpcEndpointId().equals(vpcEndpointId)).findFirst();
    }

    /** The route tables and endpoints as the data path reads them. */
    public RoutingView routing() {
        return new RoutingView(routeTables, endpoints.stream()
                .map(e -> new NetworkFacts.Endpoint(e.vpcEndpointId(), e.state(), e.routeTableIds())).toList());
    }

    /** The endpoint the table's prefix-list route targets, if it has such a route. */
    public Optional<ObservedEndpoint> routedTo(String routeTableId) {
        Route route = routeTargets.get(routeTableId);
        return route == null ? Optional.empty() : endpoint(route.vpcEndpointId());
    }
}
