package dev.vpcepilot.datapath;

import java.util.List;

/**
 * The part of a VPC's data path that the sharing steps have already read: its route tables and the service's gateway
 * endpoints in it, as plain values. The verification passes it on instead of reading them again; a run that found
 * everything as asked carries it from the create step to the verification (in the state's JSON).
 *
 * @param routeTables the VPC's route tables
 * @param endpoints   the service's gateway endpoints in the VPC, in any state
 */
public record RoutingView(List<NetworkFacts.RouteTable> routeTables, List<NetworkFacts.Endpoint> endpoints) {

    public RoutingView {
        routeTables = List.copyOf(routeTables);
        endpoints = List.copyOf(endpoints);
    }
}
