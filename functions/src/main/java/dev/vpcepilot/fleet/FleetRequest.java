package dev.vpcepilot.fleet;

import java.util.Map;

/**
 * A fleet execution's input, validated ({@link FleetInputValidator}).
 *
 * @param policyDocument           the policy wish (JSON text or {@code "default"}), or null
 * @param tags                     the user tags wish, or null
 * @param externalId               the external id for {@code sts:AssumeRole}, or null
 * @param toleratedFailurePercentage the share of failed report lines (0 to 100) past which the execution fails
 */
public record FleetRequest(AccountSelection accounts, RegionSelection regions, VpcSelection vpcs, String roleName,
                           String externalId, FleetMode mode, int maxConcurrency, double toleratedFailurePercentage,
                           String policyDocument, Map<String, String> tags) {

    public static final String DEFAULT_ROLE_NAME = "vpce-pilot-target";
    public static final int DEFAULT_MAX_CONCURRENCY = 10;
}
