package dev.vpcepilot.sharing;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.errors.ExecutionCancelled;
import dev.vpcepilot.errors.PolicyConflict;
import dev.vpcepilot.errors.VerificationFailed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of safe sharing (README "Safety", docs/design.md section 3), in one place. Every decision about who may
 * create, modify, claim, release or delete which endpoint is taken here, as a pure function of what EC2 shows
 * ({@link VpcObservation}), what the claims say ({@link ClaimsDocument}) and the request; {@link
 * SharedEndpoints} carries the decisions out under the scope's lock. The rules decided here, numbered as in
 * docs/design.md:
 * <ul>
 *   <li>Rule 1, <b>never touch what vpce-pilot did not create</b> ({@link #mayModify}): an endpoint without the
 *       ownership tag is reused as it is, never modified, tagged or deleted. Requested route tables it does not
 *       cover are served by an endpoint of ours.</li>
 *   <li>Rule 2, <b>coverage is per route table</b> ({@link #coverage}): every requested route table routes the
 *       service's prefix list to exactly one live endpoint.</li>
 *   <li>Rule 3, <b>an endpoint goes only with its last claim</b> ({@link #planRelease}): an endpoint we created is
 *       deleted only when the last claim on its route tables is released; route tables nobody claims any more
 *       leave it; a run deletes what it created only when nobody claimed it meanwhile.</li>
 *   <li>Rule 6, <b>policy and tags belong to the holder</b> (the claimant the endpoint was created for): another
 *       claimant asking for a different policy gets {@link PolicyConflict}, and nothing changes.</li>
 *   <li>Rule 9, <b>endpoint states are read, not assumed</b> ({@link #planEnsure}): a route table routed to an
 *       endpoint being deleted is {@link EndpointBusy}, to a dead one {@link EndpointNotAvailable}.</li>
 *   <li>Rule 11, <b>a cancelled execution changes nothing more</b> ({@link #refuseIfCancelled}:
 *       {@link ExecutionCancelled}).</li>
 * </ul>
 * The claim bookkeeping is decided beside these rules, as pure functions too, in {@link ClaimRules}: the run's
 * claim and the endpoint records a reuse-or-create step writes (rules 3, 5, 6, 7), the requester's claim taking
 * over from the run's at the commit (rules 3, 5, 12, 13), what a cleanup, release, rollback or cancellation leaves
 * in the claims (rules 3, 7, 11, 13), and what the requester holds (rule 6).
 */
public final class SharingRules {

    /** How long a run's claim holds if the run never releases it (it died): longer than any execution runs. */
    public static final Duration RUN_CLAIM_LIFETIME = Duration.ofHours(24);
    /** How long a cancelled execution's writes stay refused. */
    public static final Duration CANCELLATION_LIFETIME = Duration.ofHours(24);

    private static final Comparator<ObservedEndpoint> OLDEST_FIRST = Comparator
            .comparing((ObservedEndpoint e) -> Objects.requireNonNullElse(e.created(), Instant.MAX))
            .thenComparing(ObservedEndpoint::vpcEndpointId);

    private SharingRules() {
    }

    /**
     * What a request asks for.
     *
     * @param scope         the VPC and service
     * @param requester     who will hold the claim when the run succeeds (standing, a stack, or the run itself
     *                      for a run with cleanup)
     * @param executionArn  the execution doing it (its run claim protects what it uses while it runs)
     * @param routeTableIds the route tables to serve
     * @param policy        the policy wish
     * @param tags          the user tags the holder wants on its endpoints, or null for no wish
     * @param zones         for an interface scope, whose places are subnets: each subnet of the VPC -> its
     *                      Availability Zone (EC2 refuses an endpoint two subnets of one zone); empty for a gateway
     */
    public record Request(Scope scope, Claimant requester, String executionArn, List<String> routeTableIds,
                          PolicyWish policy, Map<String, String> tags, Map<String, String> zones) {

        public Request {
            routeTableIds = List.copyOf(new TreeSet<>(routeTableIds));
            tags = tags == null ? null : Map.copyOf(tags);
            zones = zones == null ? Map.of() : Map.copyOf(zones);
        }

        /** A gateway scope's request (its places are route tables, which have no zone). */
        public Request(Scope scope, Claimant requester, String executionArn, List<String> routeTableIds,
                       PolicyWish policy, Map<String, String> tags) {
            this(scope, requester, executionArn, routeTableIds, policy, tags, Map.of());
        }
    }

    /** A route table that is associated with an endpoint of ours but has lost its route: re-associate it. */
    public record Repair(String vpcEndpointId, String routeTableId) {
    }

    /** A policy change on an endpoint the requester holds; {@code previous} restores it on rollback. */
    public record PolicyChange(String vpcEndpointId, PolicyWish wish, String previous) {
    }

    /** User tags to set and to remove on an endpoint the requester holds. */
    public record TagChange(String vpcEndpointId, Map<String, String> set, List<String> remove) {

        /** The change that puts back {@code previous} (the user tags before this one was made). */
        public TagChange undoTo(Map<String, String> previous) {
            Map<String, String> putBack = new LinkedHashMap<>();
            List<String> takeOff = new ArrayList<>();
            set.keySet().forEach(key -> {
                if (previous.containsKey(key)) {
                    putBack.put(key, previous.get(key));
                } else {
                    takeOff.add(key);
                }
            });
            remove.stream().filter(previous::containsKey).forEach(key -> putBack.put(key, previous.get(key)));
            return new TagChange(vpcEndpointId, putBack, takeOff);
        }
    }

    /**
     * What reuse-or-create will do. {@code servedBy} and the endpoint that {@code toServe} goes to together cover
     * every requested route table.
     *
     * @param servedBy      requested route table -> the live endpoint that already serves it (or will: pending)
     * @param toServe       requested route tables no endpoint serves
     * @param extend        the endpoint of ours that gets {@code toServe} added, or null to create one for them
     * @param repairs       route tables of ours to re-associate
     * @param policyChanges policy changes on held endpoints
     * @param tagChanges    tag changes on held endpoints
     * @param holders       endpoint id -> its holder, for every endpoint in the plan whose holder is known
     */
    public record EnsurePlan(Map<String, String> servedBy, List<String> toServe, String extend, List<Repair> repairs,
                             List<PolicyChange> policyChanges, List<TagChange> tagChanges,
                             Map<String, String> holders) {

        public boolean createsEndpoint() {
            return !toServe.isEmpty() && extend == null;
        }

        /** The plan writes to EC2 (anything at all: a table to serve, a repair, a policy, tags). */
        public boolean writes() {
            return !toServe.isEmpty() || !repairs.isEmpty() || !policyChanges.isEmpty() || !tagChanges.isEmpty();
        }
    }

    /**
     * The endpoints as a plan's writes leave them, for the one-hold commit of rule 17 (whose route tables are read
     * again): the extended endpoint lists the tables it was given, the created one is there as EC2 answered its
     * creation. Policies and tags do not route, so they are not followed here.
     */
    static List<ObservedEndpoint> afterWrites(VpcObservation world, EnsurePlan plan, ObservedEndpoint created) {
        List<ObservedEndpoint> after = new ArrayList<>();
        for (ObservedEndpoint endpoint : world.endpoints()) {
            if (endpoint.vpcEndpointId().equals(plan.extend())) {
                List<String> tables = new ArrayList<>(endpoint.routeTableIds());
                plan.toServe().stream().filter(t -> !tables.contains(t)).forEach(tables::add);
                after.add(new ObservedEndpoint(endpoint.vpcEndpointId(), endpoint.state(), endpoint.owned(), tables,
                        endpoint.policyDocument(), endpoint.userTags(), endpoint.createdBy(), endpoint.created()));
            } else {
                after.add(endpoint);
            }
        }
        if (created != null) {
            after.add(created);
        }
        return after;
    }

    /**
     * Reuse-or-create: which endpoints serve the requested route tables, what must be created, extended,
     * repaired or changed, or why the request cannot be served now ({@link EndpointBusy}, retried by the state
     * machine) or at all ({@link PolicyConflict}, {@link VerificationFailed}, {@link EndpointNotAvailable}).
     * Nothing is decided on an endpoint another actor may be changing: a route table still routed to an
     * endpoint that is being deleted waits until it is gone.
     */
    public static EnsurePlan planEnsure(VpcObservation world, ClaimsDocument claims, Request request, Instant now) {
        refuseIfCancelled(claims, request.executionArn(), now);
        Map<String, String> servedBy = new LinkedHashMap<>();
        List<String> toServe = new ArrayList<>();
        List<Repair> repairs = new ArrayList<>();
        for (String routeTableId : request.routeTableIds()) {
            Optional<ObservedEndpoint> routed = world.routedTo(routeTableId);
            if (routed.isPresent()) {
                ObservedEndpoint endpoint = routed.get();
                if (endpoint.live()) {
                    servedBy.put(routeTableId, endpoint.vpcEndpointId());
                } else if (endpoint.deleting()) {
                    throw new EndpointBusy(routeTableId + " still routes " + request.scope().serviceName() + " to "
                            + endpoint.vpcEndpointId() + ", which is being deleted; vpce-pilot serves it again once "
                            + "that endpoint is gone.");
                } else {
                    throw new EndpointNotAvailable(routeTableId + " routes " + request.scope().serviceName() + " to "
                            + endpoint.vpcEndpointId() + ", which is " + endpoint.state() + "; delete that endpoint "
                            + "(or repair it) before serving the route table again.");
                }
                continue;
            }
            Optional<ObservedEndpoint> associated = world.endpoints().stream()
                    .filter(ObservedEndpoint::live)
                    .filter(e -> e.routeTableIds().contains(routeTableId))
                    .findFirst();
            if (associated.isEmpty()) {
                toServe.add(routeTableId);
            } else if (!associated.get().available()) {
                // A pending endpoint's routes appear as it becomes available: it serves the table (the wait
                // loop and the verification check that it does).
                servedBy.put(routeTableId, associated.get().vpcEndpointId());
            } else if (mayModify(associated.get())) {
                repairs.add(new Repair(associated.get().vpcEndpointId(), routeTableId));
                servedBy.put(routeTableId, associated.get().vpcEndpointId());
            } else {
                throw new VerificationFailed(routeTableId + " is associated with " + associated.get().vpcEndpointId()
                        + ", which vpce-pilot did not create, but has no route to it; vpce-pilot does not modify "
                        + "endpoints it did not create: repair that endpoint, or remove the route table from it.");
            }
        }

        Map<String, String> holders = new LinkedHashMap<>();
        List<PolicyChange> policyChanges = new ArrayList<>();
        List<TagChange> tagChanges = new ArrayList<>();
        for (String id : new LinkedHashSet<>(servedBy.values())) {
            ObservedEndpoint endpoint = world.endpoint(id).orElseThrow();
            String holder = holderOf(endpoint, claims, request);
            if (holder != null) {
                holders.put(id, holder);
            }
            boolean held = request.requester().id().equals(holder);
            if (!request.policy().satisfiedBy(endpoint.policyDocument())) {
                if (!held) {
                    throw policyConflict(endpoint, holder, request);
                }
                policyChanges.add(new PolicyChange(id, request.policy(), endpoint.policyDocument()));
            }
            if (held) {
                tagChange(endpoint, request.tags()).ifPresent(tagChanges::add);
            }
        }

        String extend = null;
        if (!toServe.isEmpty()) {
            ObservedEndpoint target = extensionTarget(world, claims, request, servedBy);
            if (target != null) {
                extend = target.vpcEndpointId();
                String holder = holderOf(target, claims, request);
                if (holder != null) {
                    holders.put(extend, holder);
                }
                boolean alreadyChanging = policyChanges.stream().anyMatch(c -> c.vpcEndpointId().equals(target.vpcEndpointId()));
                if (!alreadyChanging && !request.policy().satisfiedBy(target.policyDocument())) {
                    policyChanges.add(new PolicyChange(extend, request.policy(), target.policyDocument()));
                }
                boolean alreadyTagging = tagChanges.stream().anyMatch(c -> c.vpcEndpointId().equals(target.vpcEndpointId()));
                if (!alreadyTagging && request.requester().id().equals(holder)) {
                    tagChange(target, request.tags()).ifPresent(tagChanges::add);
                }
            }
        }
        return new EnsurePlan(servedBy, toServe, extend, repairs, policyChanges, tagChanges, holders);
    }

    /**
     * Where route tables that nothing serves go: preferably into an endpoint of ours that already serves some of
     * the requested ones and whose policy the request accepts (so the request is served by one endpoint), else
     * into a live endpoint the requester holds, else into a new endpoint ({@code null}).
     */
    private static ObservedEndpoint extensionTarget(VpcObservation world, ClaimsDocument claims, Request request,
                                                    Map<String, String> servedBy) {
        List<String> toServe = request.routeTableIds().stream().filter(p -> !servedBy.containsKey(p)).toList();
        List<ObservedEndpoint> candidates = world.endpoints().stream()
                .filter(ObservedEndpoint::available)
                .filter(SharingRules::mayModify)
                .filter(e -> !request.scope().isInterface() || takesSubnets(e, toServe, request.zones()))
                .sorted(OLDEST_FIRST)
                .toList();
        // (Its policy is acceptable: a serving endpoint whose policy the request does not accept and that the
        // requester does not hold has already ended the plan with PolicyConflict.)
        Optional<ObservedEndpoint> servingAlready = candidates.stream()
                .filter(e -> servedBy.containsValue(e.vpcEndpointId()))
                .max(Comparator.comparingLong(e -> servedBy.values().stream().filter(e.vpcEndpointId()::equals).count()));
        if (servingAlready.isPresent()) {
            return servingAlready.get();
        }
        return candidates.stream()
                .filter(e -> request.requester().id().equals(holderOf(e, claims, request)))
                .findFirst()
                .orElse(null);
    }

    /**
     * Rule 2 for an interface scope: whether an interface endpoint can take the subnets. EC2 gives an endpoint at most
     * one subnet per zone, so none
     * of its subnets may share a zone with one of them (a subnet of unknown zone, made after the VPC was read, counts
     * as sharing: the subnets then get an endpoint of their own).
     */
    static boolean takesSubnets(ObservedEndpoint endpoint, List<String> subnetIds, Map<String, String> zones) {
        Set<String> wanted = new TreeSet<>();
        for (String subnet : subnetIds) {
            String zone = zones.get(subnet);
            if (zone == null || !wanted.add(zone)) {
                return false;
            }
        }
        return endpoint.routeTableIds().stream().map(zones::get).noneMatch(z -> z == null || wanted.contains(z));
    }

    /**
     * The claimant an endpoint was created for: from its record, or, for an endpoint of ours that this very
     * execution created but whose record was never written (the step died between the two), the requester.
     * Null for endpoints we did not create, and for ours made before claims existed.
     */
    static String holderOf(ObservedEndpoint endpoint, ClaimsDocument claims, Request request) {
        if (!endpoint.owned()) {
            return null;
        }
        ClaimsDocument.EndpointRecord record = claims.endpoints().get(endpoint.vpcEndpointId());
        if (record != null) {
            return record.holder();
        }
        if (request != null && request.executionArn() != null && request.executionArn().equals(endpoint.createdBy())) {
            return request.requester().id();
        }
        return null;
    }

    /** Rule 1: only endpoints that carry the ownership tag are ever modified, tagged or deleted. */
    public static boolean mayModify(ObservedEndpoint endpoint) {
        return endpoint.owned();
    }

    private static PolicyConflict policyConflict(ObservedEndpoint endpoint, String holder, Request request) {
        String whose = !endpoint.owned() ? "was not created by vpce-pilot, so its policy is its owner's"
                : holder == null ? "was created by vpce-pilot before claims were recorded, so nobody may change its "
                        + "policy through vpce-pilot"
                : "is held by " + Claimant.describe(holder) + ", the only claimant that may change its policy";
        return new PolicyConflict("The requested route tables are served by " + endpoint.vpcEndpointId()
                + ", whose policy differs from the one requested (" + request.policy() + "); it " + whose
                + ". Nothing was changed. Ask without policyDocument to use the endpoint as it is, or serve "
                + "other route tables.");
    }

    /** What makes the endpoint's user tags {@code wanted} (null: no wish), or empty when they are already. */
    public static Optional<TagChange> tagChange(ObservedEndpoint endpoint, Map<String, String> wanted) {
        if (wanted == null || wanted.equals(endpoint.userTags())) {
            return Optional.empty();
        }
        Map<String, String> set = new LinkedHashMap<>();
        wanted.forEach((k, v) -> {
            if (!v.equals(endpoint.userTags().get(k))) {
                set.put(k, v);
            }
        });
        List<String> remove = endpoint.userTags().keySet().stream().filter(k -> !wanted.containsKey(k)).sorted().toList();
        return Optional.of(new TagChange(endpoint.vpcEndpointId(), set, remove));
    }

    /** Rule 11: an execution the custom resource cancelled may not change anything any more. */
    public static void refuseIfCancelled(ClaimsDocument claims, String executionArn, Instant now) {
        if (claims.isCancelled(executionArn, now)) {
            throw new ExecutionCancelled("Execution " + executionArn + " was cancelled (its custom resource answered "
                    + "FAILED after its time bound and rolled back what it had done); it changes nothing more.");
        }
    }

    /**
     * Rule 2, as the verification reads it: each route table and the live endpoint that serves it, or what is
     * wrong. A table is served when its prefix-list route targets an available endpoint and no other live
     * endpoint claims the table.
     *
     * @param servedBy route table -> endpoint, for every table that is served
     * @param problems one sentence per table that is not
     */
    public record Coverage(Map<String, String> servedBy, Map<String, String> prefixLists, List<String> problems) {
        public boolean complete() {
            return problems.isEmpty();
        }
    }

    /**
     * Rule 16, the part EC2 alone decides: every requested route table is served (rule 2, as {@link #coverage}
     * reads it) by an endpoint whose policy the request accepts. Then the claims decide whether the run has
     * anything to write ({@code ClaimRules.foundAsAsked}).
     */
    public static boolean servedAsAsked(VpcObservation world, Request request) {
        Coverage coverage = coverage(world, request.routeTableIds());
        return coverage.complete() && new LinkedHashSet<>(coverage.servedBy().values()).stream()
                .allMatch(id -> request.policy().satisfiedBy(world.endpoint(id).orElseThrow().policyDocument()));
    }

    /**
     * Rule 16, before any read: route tables an earlier step read, in which some requested table has no active
     * prefix-list route to a gateway endpoint, cannot be served as asked, so the run goes straight to the lock (a
     * creating run: no endpoint to describe without it). True when every requested table has such a route; then the
     * endpoints decide.
     */
    public static boolean mayBeServedAsAsked(List<NetworkFacts.RouteTable> tablesRead, List<String> routeTableIds) {
        return routeTableIds.stream().allMatch(id -> tablesRead.stream()
                .filter(t -> t.routeTableId().equals(id))
                .anyMatch(t -> t.routes().stream().anyMatch(r -> r.destinationPrefixListId() != null
                        && r.target() != null && r.target().startsWith("vpce-") && !r.blackhole())));
    }

    /**
     * Rule 17, the write a run may decide on the endpoints alone: under the lock, the endpoints just read (every
     * state) list none of the requested route tables, and the route tables an earlier step of the execution read
     * show each of them with no prefix-list route at all. Whatever happened to those tables since, no endpoint of the
     * service routes them now (a gateway endpoint's routes are those of the tables EC2 lists for it), so the plan can
     * only serve them with a new or extended endpoint of ours, which is what it decides from this; the route tables
     * are then read once, after the write, in the same hold, and prove it (EC2 also refuses to add a table that
     * already routes the prefix list). False (read the route tables under the lock before deciding) for a table the
     * earlier read did not show, or shows with any prefix-list route, or that an endpoint lists.
     */
    public static boolean decidedByEndpoints(List<ObservedEndpoint> endpointsNow,
                                             List<NetworkFacts.RouteTable> tablesRead, List<String> routeTableIds) {
        boolean listed = endpointsNow.stream().anyMatch(e -> e.routeTableIds().stream().anyMatch(routeTableIds::contains));
        return !listed && routeTableIds.stream().allMatch(id -> tablesRead.stream()
                .filter(t -> t.routeTableId().equals(id)).findFirst()
                .map(t -> t.routes().stream().noneMatch(r -> r.destinationPrefixListId() != null))
                .orElse(false));
    }

    /**
     * EC2's prefix of a subnet id: the places of an interface scope are subnets, a gateway scope's route tables
     * ({@code rtb-}), so a problem names what the place lacks in its own terms.
     */
    static final String SUBNET_ID_PREFIX = "subnet-";

    public static Coverage coverage(VpcObservation world, List<String> routeTableIds) {
        Map<String, String> servedBy = new LinkedHashMap<>();
        Map<String, String> prefixLists = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String routeTableId : routeTableIds) {
            VpcObservation.Route route = world.routeTargets().get(routeTableId);
            ObservedEndpoint target = route == null ? null : world.endpoint(route.vpcEndpointId()).orElse(null);
            List<String> others = world.endpoints().stream()
                    .filter(ObservedEndpoint::live)
                    .filter(e -> e.routeTableIds().contains(routeTableId))
                    .map(ObservedEndpoint::vpcEndpointId)
                    .filter(id -> target == null || !id.equals(target.vpcEndpointId()))
                    .toList();
            boolean subnet = routeTableId.startsWith(SUBNET_ID_PREFIX);
            String reaches = subnet ? " is served by " : " routes to ";
            if (target == null) {
                problems.add(routeTableId + (subnet ? " has no network interface of an endpoint of the service"
                        : " has no prefix-list route to an endpoint of the service")
                        + (others.isEmpty() ? "" : " (it is associated with " + String.join(", ", others) + ")"));
            } else if (!target.available()) {
                problems.add(routeTableId + reaches + target.vpcEndpointId() + ", which is " + target.state());
            } else if (!others.isEmpty()) {
                problems.add(routeTableId + reaches + target.vpcEndpointId() + " but is also associated with "
                        + String.join(", ", others));
            } else {
                servedBy.put(routeTableId, target.vpcEndpointId());
                prefixLists.put(routeTableId, route.prefixListId());
            }
        }
        return new Coverage(servedBy, prefixLists, problems);
    }

    /**
     * When a run lets go of an endpoint it created and someone else's claim keeps it, the holder passes to the
     * oldest of the claims that keep it (the run ends; its claimant could never change policy or tags again).
     */
    public static ClaimsDocument handOver(ClaimsDocument claims, ReleasePlan plan, Releaser releaser, Instant now) {
        if (releaser.execution() == null) {
            return claims;
        }
        String run = Claimant.run(releaser.execution()).id();
        ClaimsDocument next = claims;
        for (Map.Entry<String, List<String>> kept : plan.keptFor().entrySet()) {
            ClaimsDocument.EndpointRecord record = next.endpoints().get(kept.getKey());
            if (record == null || !record.holder().equals(run) || kept.getValue().isEmpty()) {
                continue;
            }
            Map<String, ClaimsDocument.Claim> live = next.liveClaims(now);
            String successor = kept.getValue().stream()
                    .min(Comparator.comparing((String id) -> live.get(id) == null ? Instant.MAX : live.get(id).since())
                            .thenComparing(id -> id))
                    .orElseThrow();
            next = next.withEndpoint(kept.getKey(), new ClaimsDocument.EndpointRecord(successor, record.createdBy(),
                    record.createdAt()));
        }
        return next;
    }

    /** What a release will do to our endpoints. */
    public record ReleasePlan(List<String> delete, Map<String, List<String>> removeRouteTables,
                              Map<String, List<String>> keptFor) {
    }

    /**
     * Who releases, which decides what a release may touch.
     *
     * @param routeTables for a claimant (a stack, the standing use): the route tables whose endpoints are
     *                    considered
     * @param execution   for a run (cleanup, rollback, cancel): the execution, whose creations are considered
     * @param added       for a run: endpoint -> the route tables it added to an endpoint it did not create
     */
    public record Releaser(Set<String> routeTables, String execution, Map<String, List<String>> added) {

        public static Releaser claimant(Set<String> routeTables) {
            return new Releaser(Set.copyOf(routeTables), null, Map.of());
        }

        public static Releaser run(String executionArn, Map<String, List<String>> added) {
            return new Releaser(Set.of(), executionArn, added == null ? Map.of() : Map.copyOf(added));
        }
    }

    /**
     * Rule 3: after a release ({@code claimsAfter} no longer has the released claim), which of our endpoints go and
     * which route tables leave them. A route table is still needed when a live claim lists it.
     * <ul>
     *   <li>A claimant (a stack's Delete, a standing release) holds the last claim: each endpoint of ours (with a
     *       record) that serves one of its route tables is deleted when none of its route tables is needed any
     *       more; otherwise its route tables that nobody needs leave it.</li>
     *   <li>A run (cleanup, rollback, cancel) undoes exactly what it did: an endpoint it created is deleted when
     *       nobody needs its route tables (it stays for whoever claimed it meanwhile, without the tables nobody
     *       needs; one that never became available is deleted); route tables it added to another endpoint leave
     *       it when nobody needs them. Nothing else is touched.</li>
     * </ul>
     * An owned endpoint without a record (made before claims existed) is never removed by a claimant's release.
     */
    public static ReleasePlan planRelease(VpcObservation world, ClaimsDocument claimsAfter, Releaser releaser,
                                          Instant now) {
        Set<String> needed = claimsAfter.claimedRouteTables(now);
        List<String> delete = new ArrayList<>();
        Map<String, List<String>> remove = new LinkedHashMap<>();
        Map<String, List<String>> keptFor = new LinkedHashMap<>();
        for (ObservedEndpoint endpoint : world.endpoints()) {
            if (!mayModify(endpoint) || endpoint.deleting() || "deleted".equalsIgnoreCase(endpoint.state())) {
                continue;
            }
            String id = endpoint.vpcEndpointId();
            boolean createdByRun = releaser.execution() != null && (releaser.execution().equals(endpoint.createdBy())
                    || Optional.ofNullable(claimsAfter.endpoints().get(id))
                            .map(r -> releaser.execution().equals(r.createdBy())).orElse(false));
            List<String> neededHere = endpoint.routeTableIds().stream().filter(needed::contains).toList();
            List<String> leaving;
            if (releaser.execution() != null) {
                if (createdByRun) {
                    if (!endpoint.live() || neededHere.isEmpty()) {
                        delete.add(id);
                        continue;
                    }
                    leaving = endpoint.routeTableIds().stream().filter(t -> !needed.contains(t)).toList();
                } else {
                    leaving = releaser.added().getOrDefault(id, List.of()).stream()
                            .filter(endpoint.routeTableIds()::contains)
                            .filter(t -> !needed.contains(t))
                            .toList();
                    if (leaving.isEmpty() || !endpoint.live()) {
                        continue;
                    }
                }
            } else {
                boolean recorded = claimsAfter.endpoints().containsKey(id);
                boolean serves = endpoint.routeTableIds().stream().anyMatch(releaser.routeTables()::contains);
                if (!recorded || !serves || !endpoint.live()) {
                    continue;
                }
                if (neededHere.isEmpty()) {
                    delete.add(id);
                    continue;
                }
                leaving = endpoint.routeTableIds().stream()
                        .filter(releaser.routeTables()::contains)
                        .filter(t -> !needed.contains(t))
                        .toList();
            }
            if (!leaving.isEmpty()) {
                remove.put(id, leaving);
            }
            keptFor.put(id, claimsAfter.claimantsOf(neededHere, now));
        }
        return new ReleasePlan(delete, remove, keptFor);
    }
}
