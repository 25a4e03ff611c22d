package dev.vpcepilot.sharing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The claims of one {@link Scope}, kept in the lock table beside the lock and only read and written under it
 * (so a read-modify-write is atomic without a 50-tag limit): who depends on which route tables, which endpoints
 * vpce-pilot made (and for whom), and which executions were cancelled.
 *
 * @param claims     claimant id ({@link Claimant#id()}) -> its claim
 * @param endpoints  endpoint id -> how vpce-pilot made it (an owned endpoint without a record predates the claims,
 *                   or was made by an execution that died before writing: see {@link SharingRules})
 * @param cancelled  execution ARN -> until when its writes are refused: the custom resource stops an
 *                   execution that outlived its time bound, and a step of it that was still running must not create
 *                   anything after the hook rolled back
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimsDocument(Map<String, Claim> claims, Map<String, EndpointRecord> endpoints,
                             Map<String, Instant> cancelled) {

    /**
     * One claimant's claim: the route tables it needs served.
     *
     * @param routeTableIds the route tables (sorted)
     * @param execution     the execution that recorded or last changed the claim
     * @param since         when the claim was first recorded
     * @param updated       when it was last changed
     * @param expiresAt     for a run's claim, when it lapses if the run never ends it (null: never)
     * @param endpointIds   for a stack's claim, the endpoints its resource answered with (its physical id)
     * @param added         endpoint -> the route tables the claim's execution added to an endpoint it did not create
     *                      (a run's rollback and cleanup, and the cancellation of the execution that recorded a
     *                      stack's claim, take them out again when nobody needs them)
     * @param previousRouteTableIds for a stack's claim, the route tables it had before {@code execution} changed it
     *                      (null: it had no claim): the cancellation of that execution puts them back
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Claim(List<String> routeTableIds, String execution, Instant since, Instant updated, Instant expiresAt,
                        List<String> endpointIds, Map<String, List<String>> added, List<String> previousRouteTableIds) {

        public Claim(List<String> routeTableIds, String execution, Instant since, Instant updated, Instant expiresAt,
                     List<String> endpointIds, Map<String, List<String>> added) {
            this(routeTableIds, execution, since, updated, expiresAt, endpointIds, added, null);
        }

        public Claim {
            routeTableIds = routeTableIds == null ? List.of() : List.copyOf(new TreeSet<>(routeTableIds));
            endpointIds = endpointIds == null ? null : List.copyOf(new TreeSet<>(endpointIds));
            previousRouteTableIds = previousRouteTableIds == null ? null
                    : List.copyOf(new TreeSet<>(previousRouteTableIds));
            added = added == null || added.isEmpty() ? null : copyOf(added);
        }

        /** A copy whose lists cannot change either (Jackson reads them as ArrayLists), sorted as the tables are. */
        private static Map<String, List<String>> copyOf(Map<String, List<String>> added) {
            SortedMap<String, List<String>> copy = new TreeMap<>();
            added.forEach((id, tables) -> copy.put(id, List.copyOf(new TreeSet<>(tables))));
            return Collections.unmodifiableSortedMap(copy);
        }

        /** A claimant's claim on route tables. */
        public static Claim of(List<String> routeTableIds, String execution, Instant since, Instant updated) {
            return new Claim(routeTableIds, execution, since, updated, null, null, null, null);
        }

        boolean liveAt(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    /**
     * An endpoint vpce-pilot created.
     *
     * @param holder    the claimant it was created for (the only one who may change its policy and tags)
     * @param createdBy the execution that created it
     * @param createdAt when
     */
    public record EndpointRecord(String holder, String createdBy, Instant createdAt) {
    }

    public ClaimsDocument {
        claims = sorted(claims);
        endpoints = sorted(endpoints);
        cancelled = sorted(cancelled);
    }

    /**
     * An unmodifiable copy in the order of its keys, so that the document's JSON is the same for the same claims
     * (the lock table keeps it as written).
     */
    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return Collections.unmodifiableSortedMap(map == null ? new TreeMap<>() : new TreeMap<>(map));
    }

    public static ClaimsDocument empty() {
        return new ClaimsDocument(Map.of(), Map.of(), Map.of());
    }

    /** Whether an execution was cancelled (its writes are refused). */
    public boolean isCancelled(String executionArn, Instant now) {
        Instant until = executionArn == null ? null : cancelled.get(executionArn);
        return until != null && until.isAfter(now);
    }

    /** The claims that hold at {@code now}: not expired, and not made by a cancelled run. */
    public Map<String, Claim> liveClaims(Instant now) {
        Map<String, Claim> live = new TreeMap<>();
        claims.forEach((id, claim) -> {
            // (An id no claimant of this version has is a later version's claimant: its claim counts.)
            boolean cancelledRun = Claimant.fromId(id).orElse(null) instanceof Claimant.Run run
                    && isCancelled(run.executionArn(), now);
            if (claim.liveAt(now) && !cancelledRun) {
                live.put(id, claim);
            }
        });
        return live;
    }

    /** Every route table some live claim needs. */
    public Set<String> claimedRouteTables(Instant now) {
        Set<String> claimed = new TreeSet<>();
        liveClaims(now).values().forEach(c -> claimed.addAll(c.routeTableIds()));
        return claimed;
    }

    /** The live claimants that need at least one of the route tables. */
    public List<String> claimantsOf(Collection<String> routeTableIds, Instant now) {
        return liveClaims(now).entrySet().stream()
                .filter(e -> e.getValue().routeTableIds().stream().anyMatch(routeTableIds::contains))
                .map(Map.Entry::getKey)
                .toList();
    }

    public ClaimsDocument withClaim(Claimant claimant, Claim claim) {
        Map<String, Claim> next = new TreeMap<>(claims);
        next.put(claimant.id(), claim);
        return new ClaimsDocument(next, endpoints, cancelled);
    }

    public ClaimsDocument withoutClaim(Claimant claimant) {
        Map<String, Claim> next = new TreeMap<>(claims);
        next.remove(claimant.id());
        return new ClaimsDocument(next, endpoints, cancelled);
    }

    public ClaimsDocument withEndpoint(String vpcEndpointId, EndpointRecord record) {
        Map<String, EndpointRecord> next = new TreeMap<>(endpoints);
        next.put(vpcEndpointId, record);
        return new ClaimsDocument(claims, next, cancelled);
    }

    public ClaimsDocument withoutEndpoints(Collection<String> vpcEndpointIds) {
        Map<String, EndpointRecord> next = new TreeMap<>(endpoints);
        vpcEndpointIds.forEach(next::remove);
        return new ClaimsDocument(claims, next, cancelled);
    }

    public ClaimsDocument withCancelled(String executionArn, Instant until) {
        Map<String, Instant> next = new TreeMap<>(cancelled);
        next.put(executionArn, until);
        return new ClaimsDocument(claims, endpoints, next);
    }

    /**
     * Without what no longer counts: expired claims, lapsed cancellations, and records of endpoints that are gone
     * (a record younger than {@code grace} stays: its endpoint may just not be visible to EC2's reads yet).
     */
    public ClaimsDocument pruned(Instant now, Set<String> existingEndpointIds, java.time.Duration grace) {
        Map<String, Claim> liveClaims = new TreeMap<>();
        claims.forEach((id, claim) -> {
            if (claim.liveAt(now)) {
                liveClaims.put(id, claim);
            }
        });
        Map<String, EndpointRecord> existing = new TreeMap<>();
        endpoints.forEach((id, record) -> {
            if (existingEndpointIds.contains(id) || record.createdAt().plus(grace).isAfter(now)) {
                existing.put(id, record);
            }
        });
        Map<String, Instant> stillCancelled = new TreeMap<>();
        cancelled.forEach((arn, until) -> {
            if (until.isAfter(now)) {
                stillCancelled.put(arn, until);
            }
        });
        return new ClaimsDocument(liveClaims, existing, stillCancelled);
    }
}
