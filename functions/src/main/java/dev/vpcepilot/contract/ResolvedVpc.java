package dev.vpcepilot.contract;

import java.util.List;
import java.util.Map;

/**
 * The VPC the endpoint goes into and the route tables it must serve. Travels as {@code $.vpc}.
 *
 * @param vpcId            the VPC
 * @param isDefault        whether it is the region's default VPC
 * @param routeTableIds    the route tables to associate: the requested ones, or all of the VPC's, sorted
 * @param prefixListRoutes for each of those route tables, its prefix-list routes as read by this execution
 *                         (destination prefix list id -> target gateway id); lets VerifyEndpoint check a
 *                         reused, unchanged endpoint without describing the route tables a second time
 */
public record ResolvedVpc(
        String vpcId,
        boolean isDefault,
        List<String> routeTableIds,
        Map<String, Map<String, String>> prefixListRoutes) {
}
