package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The invariant of docs/design.md rules 2 and 5, checked against moto directly after every scenario in which runs,
 * stacks or fleet applies overlap (the sharing scenarios here, ConcurrencyTest, FleetConcurrencyTest):
 * <ol>
 *   <li>every success that still stands (a run that exited 0 without cleaning up, a stack's SUCCESS not deleted
 *       since) reported endpoints that are {@code available} now, and each route table it asked for routes the
 *       service's prefix list to the endpoint it was told serves that table;</li>
 *   <li>no route table of the VPC routes the service to two endpoints: at most one live endpoint of the service is
 *       associated with it, and a table that is associated has the route to that very endpoint.</li>
 * </ol>
 */
public final class SharingInvariant {

    private static final Set<String> LIVE = Set.of("pending", "available", "pendingacceptance");

    private SharingInvariant() {
    }

    /** What one success said: route table -> the endpoints it may be served by (one, when the output says which). */
    public record Served(String who, Map<String, Set<String>> byTable) {
    }

    /**
     * What a run that exited 0 reported: {@code endpoints[]} (each with its route tables), or, in an output without
     * them (before issue 10), {@code vpcEndpointId} for every one of {@code routeTableIds}.
     */
    static Served ofRun(RunLocal.Run run) {
        assertTrue(run.succeeded(), run.toString());
        return ofOutput(run.what(), run.doc());
    }

    /** {@link #ofRun} for the output document of a run that succeeded, however it was run. */
    public static Served ofOutput(String who, JsonNode doc) {
        Map<String, Set<String>> byTable = new LinkedHashMap<>();
        if (doc.path("endpoints").isArray() && !doc.path("endpoints").isEmpty()) {
            for (JsonNode endpoint : doc.path("endpoints")) {
                endpoint.path("routeTableIds").forEach(t -> byTable.put(t.asText(),
                        Set.of(endpoint.path("vpcEndpointId").asText())));
            }
        } else {
            doc.path("routeTableIds").forEach(t -> byTable.put(t.asText(), Set.of(doc.path("vpcEndpointId").asText())));
        }
        assertEquals(texts(doc.path("routeTableIds")), new TreeSet<>(byTable.keySet()),
                "the output accounts for every route table it served: " + who + ": " + doc);
        return new Served(who, byTable);
    }

    /** What a stack's SUCCESS said: its physical id (endpoint ids, comma-joined) serves the tables it asked for. */
    static Served ofAnswer(RunLocal.Run answer, List<String> routeTableIds) {
        String physicalId = SharingWorld.succeeded(answer);
        Set<String> ids = Arrays.stream(physicalId.split(",")).map(String::trim).collect(Collectors.toSet());
        Map<String, Set<String>> byTable = new LinkedHashMap<>();
        routeTableIds.forEach(t -> byTable.put(t, ids));
        return new Served(answer.what(), byTable);
    }

    /** Both halves of the invariant in the VPC, for the successes that still stand. */
    public static void assertHolds(MotoEc2 ec2, String vpcId, List<Served> standing) {
        World world = World.read(ec2, List.of(vpcId));
        List<String> broken = new ArrayList<>();
        for (String id : world.routeTables(vpcId)) {
            String twice = world.servedTwice(id);
            if (twice != null) {
                broken.add(twice);
            }
        }
        for (Served served : standing) {
            served.byTable().forEach((table, allowed) -> {
                List<String> routed = world.routes().getOrDefault(table, List.of());
                if (routed.size() != 1 || !allowed.contains(routed.get(0))) {
                    broken.add(served.who() + " reported " + table + " served by " + allowed + ", but it routes to "
                            + routed);
                } else if (!"available".equals(world.states().get(routed.get(0)))) {
                    broken.add(served.who() + " reported " + routed.get(0) + ", which is now "
                            + world.states().get(routed.get(0)));
                }
            });
        }
        if (!broken.isEmpty()) {
            fail("The sharing invariant is broken in " + vpcId + ":\n  " + String.join("\n  ", broken) + "\n"
                    + world.describe(vpcId));
        }
    }

    /**
     * The service's endpoints and the route tables of some VPCs as moto shows them at one moment (two calls,
     * whatever the number of VPCs), and the invariant's judgement of each route table in it.
     *
     * @param endpoints  every DynamoDB endpoint of the VPCs, in any state
     * @param vpcOfTable route table id -> its VPC
     * @param routes     route table id -> the endpoints its prefix-list routes go to
     */
    public record World(List<VpcEndpoint> endpoints, Map<String, String> vpcOfTable, Map<String, List<String>> routes) {

        /** Reads the VPCs' endpoints and route tables from moto directly. */
        public static World read(MotoEc2 ec2, Collection<String> vpcIds) {
            Filter inVpcs = Filter.builder().name("vpc-id").values(vpcIds).build();
            List<VpcEndpoint> endpoints = ec2.ec2().describeVpcEndpoints(r -> r.filters(inVpcs)).vpcEndpoints()
                    .stream().filter(e -> e.serviceName().endsWith(".dynamodb")).toList();
            Map<String, String> vpcOfTable = new LinkedHashMap<>();
            Map<String, List<String>> routes = new LinkedHashMap<>();
            for (RouteTable table : ec2.ec2().describeRouteTables(r -> r.filters(inVpcs)).routeTables()) {
                vpcOfTable.put(table.routeTableId(), table.vpcId());
                routes.put(table.routeTableId(), table.routes().stream()
                        .filter(r -> r.destinationPrefixListId() != null && r.gatewayId() != null
                                && r.gatewayId().startsWith("vpce-"))
                        .map(Route::gatewayId).toList());
            }
            return new World(endpoints, vpcOfTable, routes);
        }

        /** Endpoint id -> its state, lower case. */
        public Map<String, String> states() {
            Map<String, String> states = new LinkedHashMap<>();
            endpoints.forEach(e -> states.put(e.vpcEndpointId(), e.stateAsString().toLowerCase()));
            return states;
        }

        /** The route tables of a VPC. */
        public List<String> routeTables(String vpcId) {
            return vpcOfTable.entrySet().stream().filter(e -> e.getValue().equals(vpcId)).map(Map.Entry::getKey)
                    .toList();
        }

        /** The live endpoints associated with the route table. */
        public List<String> associated(String routeTableId) {
            Map<String, String> states = states();
            return endpoints.stream().filter(e -> LIVE.contains(states.get(e.vpcEndpointId())))
                    .filter(e -> e.routeTableIds().contains(routeTableId)).map(VpcEndpoint::vpcEndpointId).toList();
        }

        /** Half 2 for one route table: what is wrong (the service through two endpoints, a dead route), or null. */
        public String servedTwice(String routeTableId) {
            List<String> associated = associated(routeTableId);
            List<String> routed = routes.getOrDefault(routeTableId, List.of());
            String state = routed.size() == 1 ? states().getOrDefault(routed.get(0), "unknown") : null;
            if (associated.size() > 1 || routed.size() > 1) {
                return routeTableId + " has the service through two endpoints (associated " + associated
                        + ", routes " + routed + ")";
            } else if (associated.size() == 1 && !routed.equals(associated)) {
                return routeTableId + " is associated with " + associated.get(0) + " but routes to " + routed;
            } else if (routed.size() == 1 && !LIVE.contains(state)) {
                return routeTableId + " routes to " + routed.get(0) + ", which is " + states().get(routed.get(0));
            }
            return null;
        }

        /**
         * Whether the route table is served as a claim on it requires: what is wrong, or null when exactly one
         * endpoint, {@code available}, is routed to from it and no other live endpoint is associated with it.
         */
        public String unserved(String routeTableId) {
            String twice = servedTwice(routeTableId);
            if (twice != null) {
                return twice;
            }
            List<String> routed = routes.getOrDefault(routeTableId, List.of());
            if (routed.isEmpty()) {
                List<String> associated = associated(routeTableId);
                return routeTableId + " has no prefix-list route" + (associated.isEmpty() ? ""
                        : " (associated with " + associated + ")");
            }
            String state = states().get(routed.get(0));
            return "available".equals(state) ? null : routeTableId + " routes to " + routed.get(0) + ", which is "
                    + state;
        }

        /** The endpoints and routes of a VPC, for a message. */
        public String describe(String vpcId) {
            Map<String, List<String>> vpcRoutes = new LinkedHashMap<>();
            routeTables(vpcId).forEach(t -> vpcRoutes.put(t, routes.get(t)));
            return "endpoints " + endpoints.stream().filter(e -> vpcId.equals(e.vpcId()))
                    .map(e -> e.vpcEndpointId() + " " + e.stateAsString() + " " + e.routeTableIds()).toList()
                    + "; routes " + vpcRoutes;
        }
    }

    /** Every DynamoDB endpoint of the VPC, in any state (moto keeps deleted ones, as {@code deleted}). */
    static List<VpcEndpoint> endpointsOf(MotoEc2 ec2, String vpcId) {
        return ec2.ec2().describeVpcEndpoints(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .vpcEndpoints().stream().filter(e -> e.serviceName().endsWith(".dynamodb")).toList();
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
