package dev.vpcepilot.datapath;

import dev.vpcepilot.datapath.NetworkFacts.Endpoint;
import dev.vpcepilot.datapath.NetworkFacts.Route;
import dev.vpcepilot.datapath.NetworkFacts.RouteTable;
import java.util.List;
import java.util.Optional;

/**
 * Where a route table sends the service's traffic, by the rules of the Amazon VPC User Guide, "How route priority
 * works" (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html):
 * <ol>
 *   <li>Longest prefix first: "for routes that overlap, more specific routes always take priority irrespective of
 *   whether they are propagated routes, static routes, or routes that reference prefix lists". A route to a block
 *   inside one of the prefix list's CIDRs (52.94.0.0/24 inside 52.94.0.0/22) takes that part of the traffic from the
 *   endpoint, whatever its target and even when it is a blackhole (the traffic is dropped there).</li>
 *   <li>For the same destination: static routes, then prefix-list routes, then propagated routes. A static route to
 *   exactly one of the prefix list's CIDRs takes its traffic; a propagated one does not.</li>
 *   <li>A less specific route (0.0.0.0/0 to an internet or NAT gateway) loses to the prefix-list route.</li>
 * </ol>
 * Routes to IPv6 blocks are independent of IPv4 traffic and ignored. Routes to other prefix lists are not weighed:
 * their entries are not read (a call per list), and the guide says overlapping prefix lists to different targets are
 * chosen between at random; the gateway endpoints' own lists (S3's, DynamoDB's) do not overlap.
 */
public final class RoutePriority {

    private RoutePriority() {
    }

    /**
     * What the table does with the prefix list's traffic.
     *
     * @param verdict {@code REACHABLE} when every CIDR of the list goes to an available endpoint of the service,
     *                else {@code UNSERVED} or {@code OVERRIDDEN}
     * @param detail  the route that decided it
     */
    public record Decision(SubnetVerdict.Verdict verdict, String detail) {
    }

    public static Decision decide(RouteTable table, String prefixListId, List<Ipv4Block> cidrs,
                                  List<Endpoint> endpoints) {
        String name = table.routeTableId() + (table.main() ? " (main)" : "");
        if (cidrs.isEmpty()) {
            return unserved(prefixListId + " has no IPv4 entries, so no traffic of " + name + " is known to use it");
        }
        Optional<Route> toList = table.routes().stream()
                .filter(r -> prefixListId.equals(r.destinationPrefixListId())).findFirst();
        if (toList.isEmpty()) {
            return unserved(name + " has no route to " + prefixListId);
        }
        Route route = toList.get();
        Optional<Endpoint> endpoint = endpoints.stream()
                .filter(e -> e.vpcEndpointId().equals(route.target())).findFirst();
        if (endpoint.isEmpty()) {
            return unserved(name + " routes " + prefixListId + " to " + route.target()
                    + ", which is no gateway endpoint of the service");
        }
        if (route.blackhole()) {
            return unserved(name + " routes " + prefixListId + " to " + route.target() + " as a blackhole");
        }
        if (!"available".equals(endpoint.get().state())) {
            return unserved(name + " routes " + prefixListId + " to " + route.target() + ", which is "
                    + endpoint.get().state() + ", not available");
        }
        for (Ipv4Block cidr : cidrs) {
            for (Route other : table.routes()) {
                Ipv4Block destination = Ipv4Block.parseOrNull(other.destinationCidr());
                if (destination == null || !cidr.contains(destination)) {
                    continue;
                }
                String what = name + " routes " + destination + " to " + other.target()
                        + (other.blackhole() ? " (blackhole)" : "");
                if (destination.size() < cidr.size()) {
                    return overridden(what + ": more specific than " + prefixListId + "'s " + cidr
                            + ", it takes that traffic from " + route.target() + " (longest prefix wins)");
                }
                if (!other.propagated()) {
                    return overridden(what + ": a static route to the same block as " + prefixListId + "'s " + cidr
                            + " takes priority over the prefix-list route to " + route.target());
                }
            }
        }
        return new Decision(SubnetVerdict.Verdict.REACHABLE, name + " routes " + prefixListId + " "
                + cidrs + " to " + route.target() + " (available)");
    }

    private static Decision unserved(String detail) {
        return new Decision(SubnetVerdict.Verdict.UNSERVED, detail);
    }

    private static Decision overridden(String detail) {
        return new Decision(SubnetVerdict.Verdict.OVERRIDDEN, detail);
    }
}
