package dev.vpcepilot.sharing;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * An interface scope as the sharing rules read it. An interface endpoint serves a subnet when it has a network
 * interface there, as a gateway endpoint serves a route table when the table routes to it: the scope's places are
 * subnet ids where a gateway scope's are route table ids, and the same rules ({@link SharingRules},
 * {@link ClaimRules}) decide reuse, claims and releases of both. A subnet is served by the oldest live endpoint
 * that has it; gateway endpoints of the service are not part of this scope (nor interface endpoints of a gateway
 * scope: {@link VpcObserver}).
 */
public final class InterfaceObservations {

    private InterfaceObservations() {
    }

    /** The observation of the service's endpoints in the VPC (of any type: only interface endpoints count). */
    public static VpcObservation of(List<VpcEndpoint> endpoints) {
        List<ObservedEndpoint> observed = endpoints.stream()
                .filter(e -> e.vpcEndpointType() == VpcEndpointType.INTERFACE)
                .map(e -> withPlaces(VpcObserver.observed(e), e.subnetIds()))
                .sorted(Comparator.comparing((ObservedEndpoint e) -> Objects.requireNonNullElse(e.created(),
                        Instant.MAX)).thenComparing(ObservedEndpoint::vpcEndpointId))
                .toList();
        Map<String, VpcObservation.Route> served = new HashMap<>();
        Set<String> subnets = new TreeSet<>();
        for (ObservedEndpoint endpoint : observed) {
            subnets.addAll(endpoint.routeTableIds());
            if (endpoint.live()) {
                endpoint.routeTableIds().forEach(subnet -> served.putIfAbsent(subnet,
                        new VpcObservation.Route(null, endpoint.vpcEndpointId())));
            }
        }
        return new VpcObservation(observed, served, subnets);
    }

    private static ObservedEndpoint withPlaces(ObservedEndpoint endpoint, List<String> subnetIds) {
        return new ObservedEndpoint(endpoint.vpcEndpointId(), endpoint.state(), endpoint.owned(), subnetIds,
                endpoint.policyDocument(), endpoint.userTags(), endpoint.createdBy(), endpoint.created());
    }
}
