package dev.vpcepilot.datapath;

import java.util.List;

/**
 * What the data-path verdicts are decided on: one VPC's subnets, route tables, network ACLs and the gateway
 * endpoints of one service, and the CIDRs of the service's prefix list, as EC2 describes them. Plain values, so the
 * rules ({@link DataPathEvaluator}) are tested without EC2.
 *
 * @param subnetIds       the VPC's subnets
 * @param routeTables     the VPC's route tables
 * @param networkAcls     the VPC's network ACLs
 * @param prefixListId    the service's prefix list (what the endpoints' routes name)
 * @param prefixListCidrs the prefix list's entries (IPv6 entries, if any, are ignored: gateway endpoints are IPv4)
 * @param endpoints       the service's gateway endpoints in the VPC, in any state
 */
public record NetworkFacts(List<String> subnetIds, List<RouteTable> routeTables, List<NetworkAcl> networkAcls,
                           String prefixListId, List<String> prefixListCidrs, List<Endpoint> endpoints) {

    public NetworkFacts {
        subnetIds = List.copyOf(subnetIds);
        routeTables = List.copyOf(routeTables);
        networkAcls = List.copyOf(networkAcls);
        prefixListCidrs = List.copyOf(prefixListCidrs);
        endpoints = List.copyOf(endpoints);
    }

    /**
     * A route table.
     *
     * @param main      the VPC's main table (serves every subnet without an explicit association)
     * @param subnetIds the subnets explicitly associated with it
     */
    public record RouteTable(String routeTableId, boolean main, List<String> subnetIds, List<Route> routes) {
        public RouteTable {
            subnetIds = List.copyOf(subnetIds);
            routes = List.copyOf(routes);
        }
    }

    /**
     * One route: to a CIDR block or to a prefix list.
     *
     * @param destinationCidr         the IPv4 or IPv6 destination, or null for a prefix-list route
     * @param destinationPrefixListId the destination prefix list, or null
     * @param target                  what it routes to (gateway, NAT gateway, peering, transit gateway, ...)
     * @param state                   {@code active} or {@code blackhole}
     * @param propagated              added by route propagation (origin {@code EnableVgwRoutePropagation})
     */
    public record Route(String destinationCidr, String destinationPrefixListId, String target, String state,
                        boolean propagated) {
        public boolean blackhole() {
            return "blackhole".equals(state);
        }
    }

    /**
     * A network ACL.
     *
     * @param isDefault the VPC's default ACL (a subnet without an association uses it)
     * @param subnetIds the subnets associated with it
     */
    public record NetworkAcl(String networkAclId, boolean isDefault, List<String> subnetIds, List<AclEntry> entries) {
        public NetworkAcl {
            subnetIds = List.copyOf(subnetIds);
            entries = List.copyOf(entries);
        }
    }

    /**
     * One rule of a network ACL.
     *
     * @param protocol the IANA protocol number as EC2 gives it ({@code -1} all, {@code 6} TCP)
     * @param fromPort the first port (TCP and UDP rules), or null (all ports)
     * @param toPort   the last port, or null
     * @param cidr     the IPv4 or IPv6 block (destination of an egress rule, source of an ingress rule)
     */
    public record AclEntry(int ruleNumber, boolean egress, String protocol, Integer fromPort, Integer toPort,
                           String cidr, boolean allow) {
    }

    /** A gateway endpoint of the service: its state and the route tables it is associated with. */
    public record Endpoint(String vpcEndpointId, String state, List<String> routeTableIds) {
        public Endpoint {
            routeTableIds = List.copyOf(routeTableIds);
        }
    }
}
