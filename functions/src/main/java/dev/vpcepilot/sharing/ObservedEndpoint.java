package dev.vpcepilot.sharing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An endpoint of the scope's service in the VPC, as EC2 describes it now.
 *
 * @param vpcEndpointId   the endpoint
 * @param state           its state as EC2 spells it ({@code pending}, {@code available}, {@code deleting}, ...)
 * @param owned           it carries the ownership tag {@code managed-by=vpce-pilot}
 * @param routeTableIds   the route tables EC2 lists for it
 * @param policyDocument  its policy as EC2 returns it
 * @param userTags        its tags other than vpce-pilot's own
 * @param createdBy       the execution named by its {@code vpce-pilot:execution} tag, or null
 * @param created         its creation time, or null
 */
public record ObservedEndpoint(String vpcEndpointId, String state, boolean owned, List<String> routeTableIds,
                               String policyDocument, Map<String, String> userTags, String createdBy,
                               Instant created) {

    /** States in which an endpoint serves, or will: it counts as existing. */
    public static final Set<String> LIVE_STATES = Set.of("pending", "available", "pendingacceptance");
    /** States from which an endpoint will never serve. */
    public static final Set<String> DEAD_STATES = Set.of("failed", "rejected", "expired", "deleted");

    public ObservedEndpoint {
        routeTableIds = routeTableIds == null ? List.of() : List.copyOf(routeTableIds);
        userTags = userTags == null ? Map.of() : Map.copyOf(userTags);
    }

    public boolean live() {
        return state != null && LIVE_STATES.contains(state.toLowerCase());
    }

    public boolean available() {
        return "available".equalsIgnoreCase(state);
    }

    public boolean deleting() {
        return "deleting".equalsIgnoreCase(state);
    }

    public boolean dead() {
        return state == null || DEAD_STATES.contains(state.toLowerCase());
    }
}
