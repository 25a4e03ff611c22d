package dev.vpcepilot.sharing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which endpoints serve the requested route tables, as the create step decided. Travels as {@code $.endpoint};
 * the wait loop refreshes the states.
 *
 * @param vpcEndpointId    the endpoint that serves every requested route table, when one does; null when several
 *                         do (a foreign endpoint covers some, ours the rest)
 * @param state            {@code available} when every endpoint is; the first endpoint's state that will never
 *                         become available ({@code failed}, {@code rejected}, ...); else {@code pending}
 * @param created          this execution created an endpoint
 * @param owned            every serving endpoint is vpce-pilot's
 * @param endpoints        the serving endpoints
 * @param previousPolicies endpoint id -> its policy before this execution changed it (restored on rollback)
 * @param previousTags     endpoint id -> its user tags before this execution changed them (restored on rollback)
 * @param waitAttempts     how many times the wait loop has checked so far
 * @param verified         what the verification reports when the create step already proved and recorded it: a run
 *                         that found everything as asked and wrote nothing (rule 16), or one whose writes showed at
 *                         once and whose claim was recorded in the same hold (rule 17); else null (the verification
 *                         commits under the lock)
 * @param tables           what DynamoDB's ListTables answered when the create step asked it (the number of tables),
 *                         or null when it was not asked (the fleet's reuse-or-create)
 */
@JsonIgnoreProperties(value = "summary", allowGetters = true)
public record ServingState(String vpcEndpointId, String state, boolean created, boolean owned,
                           List<Endpoint> endpoints, Map<String, String> previousPolicies,
                           Map<String, Map<String, String>> previousTags, int waitAttempts,
                           SharedEndpoints.Committed verified, Integer tables) {

    public static final String AVAILABLE = "available";
    public static final String PENDING = "pending";
    private static final Set<String> NEVER = Set.of("failed", "rejected", "expired", "deleted", "deleting");

    /**
     * One serving endpoint.
     *
     * @param routeTableIds the requested route tables it serves
     * @param createdAt     when this execution created it (ISO-8601), or null when it already existed
     */
    public record Endpoint(String vpcEndpointId, boolean owned, boolean held, boolean created, String state,
                           List<String> routeTableIds, String createdAt) {

        public Endpoint withState(String newState) {
            return new Endpoint(vpcEndpointId, owned, held, created, newState, routeTableIds, createdAt);
        }
    }

    public ServingState {
        endpoints = List.copyOf(endpoints);
        previousPolicies = previousPolicies == null ? Map.of() : Map.copyOf(previousPolicies);
        Map<String, Map<String, String>> tags = new LinkedHashMap<>();
        (previousTags == null ? Map.<String, Map<String, String>>of() : previousTags)
                .forEach((id, before) -> tags.put(id, Map.copyOf(before)));
        previousTags = Map.copyOf(tags);
    }

    public static ServingState of(List<Endpoint> endpoints, Map<String, String> previousPolicies) {
        return of(endpoints, previousPolicies, Map.of());
    }

    public static ServingState of(List<Endpoint> endpoints, Map<String, String> previousPolicies,
                                  Map<String, Map<String, String>> previousTags) {
        return new ServingState(endpoints.size() == 1 ? endpoints.get(0).vpcEndpointId() : null,
                aggregate(endpoints), endpoints.stream().anyMatch(Endpoint::created),
                endpoints.stream().allMatch(Endpoint::owned), endpoints, previousPolicies, previousTags, 0, null,
                null);
    }

    /**
     * The endpoints a run found as asked (rule 16) or committed in the hold that wrote (rule 17), and what its
     * verification reports.
     */
    public static ServingState verified(List<Endpoint> endpoints, Map<String, String> previousPolicies,
                                        Map<String, Map<String, String>> previousTags,
                                        SharedEndpoints.Committed verified, Integer tables) {
        ServingState state = of(endpoints, previousPolicies, previousTags);
        return new ServingState(state.vpcEndpointId, state.state, state.created, state.owned, state.endpoints,
                state.previousPolicies, state.previousTags, 0, verified, tables);
    }

    /** The same, with what ListTables answered. */
    public ServingState withTables(Integer answered) {
        return new ServingState(vpcEndpointId, state, created, owned, endpoints, previousPolicies, previousTags,
                waitAttempts, verified, answered);
    }

    /** The same endpoints with their states as read now, one more check counted. */
    public ServingState withStates(Map<String, String> states) {
        List<Endpoint> refreshed = endpoints.stream()
                .map(e -> e.withState(states.getOrDefault(e.vpcEndpointId(), e.state())))
                .toList();
        return new ServingState(vpcEndpointId, aggregate(refreshed), created, owned, refreshed, previousPolicies,
                previousTags, waitAttempts + 1, null, tables);
    }

    /** For a person (and the state machine's failure causes): "vpce-1 (available), vpce-2 (failed)". */
    @JsonProperty("summary")
    public String summary() {
        return String.join(", ", endpoints.stream().map(e -> e.vpcEndpointId() + " (" + e.state() + ")").toList());
    }

    /** Endpoint id -> when this execution created it, for the endpoints it created. */
    public Map<String, String> createdAt() {
        Map<String, String> created = new LinkedHashMap<>();
        endpoints.stream().filter(Endpoint::created).forEach(e -> created.put(e.vpcEndpointId(), e.createdAt()));
        return created;
    }

    static String aggregate(List<Endpoint> endpoints) {
        for (Endpoint endpoint : endpoints) {
            if (endpoint.state() == null || NEVER.contains(endpoint.state().toLowerCase())) {
                return endpoint.state() == null ? "unknown" : endpoint.state();
            }
        }
        return endpoints.stream().allMatch(e -> AVAILABLE.equalsIgnoreCase(e.state())) ? AVAILABLE : PENDING;
    }
}
