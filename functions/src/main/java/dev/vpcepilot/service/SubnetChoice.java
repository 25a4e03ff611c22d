package dev.vpcepilot.service;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.InvalidInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The subnets of an interface endpoint, decided as a pure function of what ResolveVpc read (README "The contract").
 * Requested subnets must be in the VPC, in zones the service is offered in, at most one per zone ({@link InvalidInput}
 * naming them: EC2 refuses two subnets of one zone). Without a request, one subnet per offered zone that has any,
 * chosen the same way every time for the same VPC:
 * <ol>
 *   <li>the subnet a live interface endpoint of the service already has in that zone (the oldest endpoint's), so
 *       what serves the zone is reused and no second endpoint is made for it;</li>
 *   <li>else a subnet whose route table has no route to an internet gateway (a private subnet: the interfaces are
 *       for private traffic), the lowest id;</li>
 *   <li>else the lowest id.</li>
 * </ol>
 */
public final class SubnetChoice {

    private SubnetChoice() {
    }

    /**
     * @param subnetZones      every subnet of the VPC -> its zone
     * @param routeTables      the VPC's route tables (the main one serves subnets without an association)
     * @param offeredZones     the zones the service is offered in as an interface endpoint
     * @param endpointSubnets  the subnets of the service's live interface endpoints in the VPC, oldest endpoint first
     * @param requested        the input's subnets, or null
     */
    public static List<String> choose(Map<String, String> subnetZones, List<NetworkFacts.RouteTable> routeTables,
                                      List<String> offeredZones, List<List<String>> endpointSubnets,
                                      List<String> requested) {
        if (requested != null) {
            return checked(subnetZones, offeredZones, requested);
        }
        Map<String, List<String>> byZone = new TreeMap<>();
        subnetZones.forEach((subnet, zone) -> byZone.computeIfAbsent(zone, z -> new ArrayList<>()).add(subnet));
        List<String> chosen = new ArrayList<>();
        for (String zone : new TreeSet<>(offeredZones)) {
            List<String> candidates = byZone.getOrDefault(zone, List.of()).stream().sorted().toList();
            if (candidates.isEmpty()) {
                continue;
            }
            Optional<String> served = endpointSubnets.stream().flatMap(List::stream).filter(candidates::contains)
                    .findFirst();
            chosen.add(served.orElseGet(() -> candidates.stream()
                    .min(Comparator.comparing((String s) -> routesToInternetGateway(s, routeTables))
                            .thenComparing(s -> s))
                    .orElseThrow()));
        }
        if (chosen.isEmpty()) {
            throw new InvalidInput("The VPC has no subnet in a zone where the service is offered as an interface "
                    + "endpoint (" + String.join(", ", new TreeSet<>(offeredZones)) + "; the VPC's subnets are in "
                    + String.join(", ", new TreeSet<>(subnetZones.values())) + "). Allowed: create a subnet in one of "
                    + "those zones, or use \"endpointType\": \"Gateway\".");
        }
        return chosen.stream().sorted().toList();
    }

    private static List<String> checked(Map<String, String> subnetZones, List<String> offeredZones,
                                        List<String> requested) {
        List<String> foreign = requested.stream().filter(s -> !subnetZones.containsKey(s)).toList();
        if (!foreign.isEmpty()) {
            throw new InvalidInput("subnetIds names " + String.join(", ", foreign) + ", not a subnet of the VPC. "
                    + "Allowed: subnets of the VPC (" + String.join(", ", new TreeSet<>(subnetZones.keySet())) + "), "
                    + "at most one per Availability Zone.");
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (String subnet : requested) {
            String zone = subnetZones.get(subnet);
            String other = seen.putIfAbsent(zone, subnet);
            if (other != null) {
                throw new InvalidInput("subnetIds names " + other + " and " + subnet + ", both in " + zone + ". "
                        + "Allowed: at most one subnet per Availability Zone (EC2 gives an interface endpoint one "
                        + "network interface per zone).");
            }
        }
        Set<String> offered = new TreeSet<>(offeredZones);
        List<String> outside = requested.stream().filter(s -> !offered.contains(subnetZones.get(s))).toList();
        if (!outside.isEmpty()) {
            throw new InvalidInput("subnetIds names " + String.join(", ", outside) + " in a zone where the service is "
                    + "not offered as an interface endpoint. Allowed: subnets in " + String.join(", ", offered) + ".");
        }
        return requested.stream().sorted().toList();
    }

    /** The subnet's effective route table (its association, else the main table) routes to an internet gateway. */
    static boolean routesToInternetGateway(String subnetId, List<NetworkFacts.RouteTable> routeTables) {
        Optional<NetworkFacts.RouteTable> table = routeTables.stream().filter(t -> t.subnetIds().contains(subnetId))
                .findFirst().or(() -> routeTables.stream().filter(NetworkFacts.RouteTable::main).findFirst());
        return table.map(t -> t.routes().stream().anyMatch(r -> r.target() != null && r.target().startsWith("igw-")
                && !"blackhole".equals(r.state()))).orElse(false);
    }
}
