package dev.vpcepilot.contract;

import dev.vpcepilot.datapath.NetworkFacts;
import java.util.List;

/**
 * The VPC the endpoint goes into and the route tables it must serve. Travels as {@code $.vpc}.
 *
 * @param vpcId            the VPC
 * @param isDefault        whether it is the region's default VPC
 * @param routeTableIds    the route tables to associate: the requested ones, or all of the VPC's, sorted
 * @param routeTables      every route table of the VPC as this step read it (routes and associations), which
 *                         CreateEndpoint's read without the lock reuses instead of describing them again (rule 16);
 *                         null when they would weigh more than a part of the state may ({@code StateBudget})
 * @param interfaces       for an interface endpoint, its subnets, the VPC's zones and CIDR blocks; null for a gateway
 */
public record ResolvedVpc(
        String vpcId,
        boolean isDefault,
        List<String> routeTableIds,
        List<NetworkFacts.RouteTable> routeTables,
        InterfacePlacement interfaces) {

    /** The VPC of a gateway endpoint. */
    public ResolvedVpc(String vpcId, boolean isDefault, List<String> routeTableIds,
                       List<NetworkFacts.RouteTable> routeTables) {
        this(vpcId, isDefault, routeTableIds, routeTables, null);
    }

    /** The same VPC, with an interface endpoint's placement. */
    public ResolvedVpc withInterfaces(InterfacePlacement placement) {
        return new ResolvedVpc(vpcId, isDefault, routeTableIds, routeTables, placement);
    }
}
