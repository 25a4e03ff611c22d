package dev.vpcepilot.fleet;

import java.util.List;

/**
 * What apply does for one VPC.
 *
 * @param routeTableIds the route tables to serve and claim (all of the VPC's)
 * @param ensure        endpoints must be created or changed (reuse-or-create under the VPC's lock); false when the
 *                      VPC is served and only the standing claim is to be recorded
 */
public record VpcWork(String vpcId, List<String> routeTableIds, boolean ensure) {

    public VpcWork {
        routeTableIds = List.copyOf(routeTableIds);
    }
}
