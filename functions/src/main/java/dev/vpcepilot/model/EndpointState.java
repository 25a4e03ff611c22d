package dev.vpcepilot.model;

import java.util.List;

/**
 * The endpoint this execution works with. Travels as {@code $.endpoint}; the status step refreshes it.
 *
 * @param vpcEndpointId the endpoint
 * @param created       true when this execution created it, false when an existing one was reused
 * @param owned         true when it carries this tool's ownership tag (only those are ever deleted)
 * @param modified      true when this execution created it or changed its route tables or policy, so the
 *                      route tables read before must be read again to verify
 * @param state         the endpoint's state as last read ({@code pending}, {@code available}, ...)
 * @param routeTableIds the endpoint's route tables as last read
 * @param waitAttempts  how many times the wait loop has checked the state so far
 */
public record EndpointState(
        String vpcEndpointId,
        boolean created,
        boolean owned,
        boolean modified,
        String state,
        List<String> routeTableIds,
        int waitAttempts) {

    public static final String AVAILABLE = "available";

    public EndpointState withStatus(String newState, List<String> newRouteTableIds) {
        return new EndpointState(vpcEndpointId, created, owned, modified, newState, newRouteTableIds,
                waitAttempts + 1);
    }
}
