package dev.vpcepilot.fleet;

import java.util.List;

/**
 * What apply does for one VPC.
 *
 * @param routeTableIds the route tables to serve and claim (all of the VPC's)
 * @param ensure        reuse-or-create under the VPC's lock, recording the execution's run claim: endpoints must be
 *                      created or changed, or the route tables are not all claimed by the standing use yet (what
 *                      serves them could go before the commit); false when the standing use claims every route
 *                      table already and only the commit is left
 */
public record VpcWork(String vpcId, List<String> routeTableIds, boolean ensure) {

    public VpcWork {
        routeTableIds = List.copyOf(routeTableIds);
    }
}
