package dev.vpcepilot.sharing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The claim bookkeeping of the rules of safe sharing (docs/design.md section 3), beside {@link SharingRules}: what
 * the claims document becomes after each operation of {@link SharedEndpoints}, and what the requester holds, as
 * pure functions of the claims read under the scope's lock, what EC2 shows, the decision taken and the time.
 * {@link SharedEndpoints} writes to EC2 what {@link SharingRules} decided, then records what these return.
 */
final class ClaimRules {

    private ClaimRules() {
    }

    /**
     * Without what no longer counts: expired claims, lapsed cancellations, and records of our endpoints that are
     * gone (a record younger than {@link EventualConsistency#GRACE} stays: EC2 may not show its endpoint yet, rule 9).
     */
    static ClaimsDocument pruned(ClaimsDocument claims, VpcObservation world, Instant now) {
        Set<String> live = world.endpoints().stream().filter(e -> !e.dead() && !e.deleting())
                .map(ObservedEndpoint::vpcEndpointId).collect(Collectors.toSet());
        return claims.pruned(now, live, EventualConsistency.GRACE);
    }

    /** The endpoint a reuse-or-create step created: its id, its state, and when EC2 says it was created (or null). */
    record Created(String vpcEndpointId, String state, Instant createdAt) {
    }

    /** Requested route table -> the endpoint that serves it once the step's writes are done. */
    static Map<String, String> servedBy(SharingRules.EnsurePlan plan, Created created) {
        Map<String, String> servedBy = new LinkedHashMap<>(plan.servedBy());
        String goesTo = plan.extend() != null ? plan.extend() : created == null ? null : created.vpcEndpointId();
        if (goesTo != null) {
            plan.toServe().forEach(rt -> servedBy.put(rt, goesTo));
        }
        return servedBy;
    }

    /**
     * The claims once reuse-or-create has done its writes: the run's claim on the requested route tables (rule 5:
     * until the run reports, nobody deletes what serves them; rule 3: it lapses after
     * {@link SharingRules#RUN_CLAIM_LIFETIME} if the run dies), whose {@code added} keeps, across the run's
     * repeated steps, the route tables it added to endpoints it did not create (rule 7: its undo takes out only
     * those); and a record for each endpoint this execution created, held by the requester (rule 6), also for one
     * an earlier attempt of the step created without recording it (rule 3: a recorded endpoint is released with
     * its last claim).
     *
     * @param claims the claims as read in the step's hold, {@link #pruned}
     */
    static ClaimsDocument afterEnsure(ClaimsDocument claims, VpcObservation world, SharingRules.Request request,
                                      SharingRules.EnsurePlan plan, Created created, Instant now) {
        Claimant.Run run = Claimant.run(request.executionArn());
        ClaimsDocument.Claim previous = claims.claims().get(run.id());
        Map<String, List<String>> added = new LinkedHashMap<>();
        if (previous != null && previous.added() != null) {
            added.putAll(previous.added());
        }
        if (plan.extend() != null && !request.executionArn().equals(world.endpoint(plan.extend())
                .map(ObservedEndpoint::createdBy).orElse(null))) {
            added.put(plan.extend(), union(added.getOrDefault(plan.extend(), List.of()), plan.toServe()));
        }
        ClaimsDocument next = claims.withClaim(run, new ClaimsDocument.Claim(request.routeTableIds(),
                request.executionArn(), previous == null ? now : previous.since(), now,
                now.plus(SharingRules.RUN_CLAIM_LIFETIME), null, added));
        for (ObservedEndpoint adopted : world.endpoints()) {
            if (adopted.owned() && request.executionArn().equals(adopted.createdBy())
                    && !next.endpoints().containsKey(adopted.vpcEndpointId())) {
                next = next.withEndpoint(adopted.vpcEndpointId(), new ClaimsDocument.EndpointRecord(
                        request.requester().id(), request.executionArn(), orNow(adopted.created(), now)));
            }
        }
        if (created != null) {
            next = next.withEndpoint(created.vpcEndpointId(), new ClaimsDocument.EndpointRecord(
                    request.requester().id(), request.executionArn(), orNow(created.createdAt(), now)));
        }
        return next;
    }

    /**
     * The serving endpoints as the step reports them: owned (rule 1), held by the requester (rule 6: only then may
     * it change policy and tags), created by this execution (rule 7: its rollback may delete it; rule 9: "not
     * found" means "gone" only after {@link EventualConsistency#GRACE} from its creation).
     *
     * @param recorded the claims {@link #afterEnsure} returned
     */
    static List<ServingState.Endpoint> serving(VpcObservation world, ClaimsDocument recorded,
                                               SharingRules.Request request, Map<String, String> servedBy,
                                               Created created, Instant now) {
        List<ServingState.Endpoint> endpoints = new ArrayList<>();
        for (String id : new LinkedHashSet<>(servedBy.values())) {
            ObservedEndpoint seen = world.endpoint(id).orElse(null);
            boolean isNew = created != null && created.vpcEndpointId().equals(id);
            boolean createdByThisRun = isNew || (seen != null && request.executionArn().equals(seen.createdBy()));
            ClaimsDocument.EndpointRecord record = recorded.endpoints().get(id);
            String createdAt = createdByThisRun ? (record != null ? record.createdAt() : now).toString() : null;
            endpoints.add(new ServingState.Endpoint(id, isNew || seen.owned(), holds(recorded, request.requester(), id),
                    createdByThisRun, isNew ? created.state() : seen.state(), tablesOf(servedBy, id), createdAt));
        }
        return endpoints;
    }

    /**
     * Rule 16: only the standing use can find everything as asked with nothing to record. A run with cleanup
     * needs its own run claim (rule 3: its cleanup releases exactly that), and a stack's every execution records
     * the endpoints it answers with and the route tables it had before (rule 13: what its undo puts back).
     */
    static boolean mayBeFoundAsAsked(SharingRules.Request request) {
        return request.requester() instanceof Claimant.Standing;
    }

    /**
     * Rule 16, a run with nothing to write: read without the lock, EC2 shows every requested route table served
     * by an available endpoint whose policy and user tags are as asked ({@link SharingRules#planEnsure} plans no
     * write at all), the standing claim already records every requested route table (so a commit would record
     * nothing new, and what serves them is protected from every release but the standing use's own, rule 3), this
     * execution has no run claim (an earlier attempt of its step recorded one: its commit must take it out) and
     * created nothing. Then the run reports what it read, which was true when read, as a commit under the lock
     * would have; the lock protects decisions that write, and this one writes nothing. Empty otherwise: the
     * run takes the lock, reads again and decides as before.
     *
     * @param claims the claims as one consistent read showed them, after EC2 was read
     */
    static Optional<SharedEndpoints.Committed> foundAsAsked(VpcObservation world, ClaimsDocument claims,
                                                           SharingRules.Request request, Instant now) {
        if (!mayBeFoundAsAsked(request) || !SharingRules.servedAsAsked(world, request)) {
            return Optional.empty();
        }
        ClaimsDocument current = pruned(claims, world, now);
        SharingRules.EnsurePlan plan = SharingRules.planEnsure(world, current, request, now);
        if (!plan.toServe().isEmpty() || !plan.repairs().isEmpty() || !plan.policyChanges().isEmpty()
                || !plan.tagChanges().isEmpty()) {
            return Optional.empty();
        }
        SharingRules.Coverage coverage = SharingRules.coverage(world, request.routeTableIds());
        ClaimsDocument.Claim claim = current.claims().get(request.requester().id());
        boolean recorded = claim != null && claim.routeTableIds().containsAll(request.routeTableIds());
        boolean runClaimed = current.claims().containsKey(Claimant.run(request.executionArn()).id());
        boolean createdHere = world.endpoints().stream()
                .anyMatch(e -> request.executionArn().equals(e.createdBy()));
        if (!coverage.complete() || !recorded || runClaimed || createdHere) {
            return Optional.empty();
        }
        return Optional.of(new SharedEndpoints.Committed(coverage, current.claimantsOf(request.routeTableIds(), now),
                reports(world, coverage, current, request.requester()), world.routing()));
    }

    /** A commit made in the hold that wrote (rule 17): the claims to write, and what the verification reports. */
    record CommittedInHold(ClaimsDocument claims, SharedEndpoints.Committed report) {
    }

    /**
     * Rule 17, the commit of rule 5 in the hold of reuse-or-create: when the route tables read in this hold after its
     * writes (or, with no write, its read before them) show every requested route table routing to an available
     * endpoint, the requester's claim is recorded at once, as {@link #commit} records it on the claims
     * {@link #afterEnsure} made. Empty when something does not show yet (an endpoint EC2 created {@code pending}, a
     * route not in place) or when the commit would release route tables (a stack's claim that shrank): the run
     * then waits and commits in a hold of its own, as before.
     *
     * @param proof the scope as read in this hold after its writes
     * @param next  the claims {@link #afterEnsure} returned in this hold
     */
    static Optional<CommittedInHold> commitInHold(VpcObservation proof, ClaimsDocument next,
                                                  SharingRules.Request request, Instant now) {
        SharingRules.Coverage coverage = SharingRules.coverage(proof, request.routeTableIds());
        if (!coverage.complete()) {
            return Optional.empty();
        }
        Commitment commitment = commit(next, request.requester(), request.executionArn(), request.routeTableIds(),
                coverage, now);
        if (!commitment.released().isEmpty()) {
            return Optional.empty();
        }
        ClaimsDocument claims = commitment.claims();
        return Optional.of(new CommittedInHold(claims, new SharedEndpoints.Committed(coverage,
                claims.claimantsOf(request.routeTableIds(), now), reports(proof, coverage, claims, request.requester()),
                proof.routing())));
    }

    /** What a commit records, and the route tables the requester's claim gave up. */
    record Commitment(ClaimsDocument claims, Set<String> released) {
    }

    /**
     * The success of a run, recorded (rule 5): the requester's claim takes over from the run's. The standing claim
     * only grows (rule 12); a stack's claim becomes exactly the route tables it asked for, and the ones it no
     * longer asks for are released (rule 3), remembering what it had before so that the cancellation of this
     * execution can put that back (rules 11 and 13); a run with cleanup keeps its run claim until its cleanup.
     * The route tables the run added to endpoints it did not create stay with the claim (rule 7), except for the
     * standing use, which is never undone.
     *
     * @param claims   the claims as read in the commit's hold, {@link #pruned}
     * @param coverage the verification, complete (rule 2)
     */
    static Commitment commit(ClaimsDocument claims, Claimant requester, String executionArn,
                             List<String> routeTableIds, SharingRules.Coverage coverage, Instant now) {
        Claimant.Run run = Claimant.run(executionArn);
        ClaimsDocument.Claim existing = claims.claims().get(requester.id());
        ClaimsDocument.Claim runClaim = claims.claims().get(run.id());
        Map<String, List<String>> addedByRun = runClaim == null ? null : runClaim.added();
        Instant since = existing == null ? now : existing.since();
        Set<String> released = new TreeSet<>();
        ClaimsDocument.Claim claim = switch (requester) {
            case Claimant.Standing standing -> new ClaimsDocument.Claim(
                    existing == null ? routeTableIds : union(existing.routeTableIds(), routeTableIds), executionArn,
                    since, now, null, null, null, null);
            case Claimant.Stack stack -> {
                if (existing != null) {
                    existing.routeTableIds().stream().filter(t -> !routeTableIds.contains(t)).forEach(released::add);
                }
                yield new ClaimsDocument.Claim(routeTableIds, executionArn, since, now, null,
                        List.copyOf(new TreeSet<>(coverage.servedBy().values())), addedByRun,
                        existing == null ? null : existing.routeTableIds());
            }
            case Claimant.Run itself -> new ClaimsDocument.Claim(routeTableIds, executionArn, since, now,
                    now.plus(SharingRules.RUN_CLAIM_LIFETIME), null, addedByRun, null);
        };
        ClaimsDocument next = claims.withClaim(requester, claim);
        return new Commitment(requester.equals(run) ? next : next.withoutClaim(run), released);
    }

    /**
     * The serving endpoints as the verification reports them: owned (rule 1) and held by the requester (rule 6).
     *
     * @param recorded the claims as the commit recorded them
     */
    static List<SharedEndpoints.EndpointReport> reports(VpcObservation world, SharingRules.Coverage coverage,
                                                        ClaimsDocument recorded, Claimant requester) {
        return new TreeSet<>(coverage.servedBy().values()).stream().map(id -> new SharedEndpoints.EndpointReport(id,
                world.endpoint(id).map(ObservedEndpoint::owned).orElse(false), holds(recorded, requester, id),
                tablesOf(coverage.servedBy(), id))).toList();
    }

    /** Rule 6: the claimant holds an endpoint when the endpoint was recorded as created for it. */
    static boolean holds(ClaimsDocument claims, Claimant claimant, String vpcEndpointId) {
        ClaimsDocument.EndpointRecord record = claims.endpoints().get(vpcEndpointId);
        return record != null && record.holder().equals(claimant.id());
    }

    /**
     * A release's bookkeeping: the claims without the released claim, the route tables it had, and who released
     * (which decides, in {@link SharingRules#planRelease}, what the release may touch).
     */
    record Release(ClaimsDocument claims, List<String> released, SharingRules.Releaser releaser) {
    }

    /**
     * A run's cleanup or rollback (rules 3 and 7): its run claim goes; what it created, and the route tables it
     * added, are what the release may take out.
     */
    static Release releaseRun(ClaimsDocument claims, String executionArn) {
        Claimant.Run run = Claimant.run(executionArn);
        ClaimsDocument.Claim claim = claims.claims().get(run.id());
        return new Release(claims.withoutClaim(run), claim == null ? List.of() : claim.routeTableIds(),
                SharingRules.Releaser.run(executionArn, claim == null ? null : claim.added()));
    }

    /**
     * {@code "release": true} (rule 3): the standing claim no longer needs these route tables. Every endpoint of
     * ours serving them is considered, not only those the standing use claimed: an endpoint nobody claims any more
     * (its last claim was a run that did not create it) goes too.
     */
    static Release releaseStanding(ClaimsDocument claims, String executionArn, List<String> routeTableIds,
                                   Instant now) {
        SharingRules.Releaser releaser = SharingRules.Releaser.claimant(new TreeSet<>(routeTableIds));
        ClaimsDocument.Claim claim = claims.claims().get(Claimant.STANDING.id());
        if (claim == null) {
            return new Release(claims, List.of(), releaser);
        }
        List<String> released = claim.routeTableIds().stream().filter(routeTableIds::contains).toList();
        List<String> remaining = claim.routeTableIds().stream().filter(t -> !routeTableIds.contains(t)).toList();
        ClaimsDocument next = remaining.isEmpty() ? claims.withoutClaim(Claimant.STANDING)
                : claims.withClaim(Claimant.STANDING, ClaimsDocument.Claim.of(remaining, executionArn, claim.since(),
                        now));
        return new Release(next, released, releaser);
    }

    /**
     * A stack's Delete (rule 3): its claim goes, when the endpoints it names are the ones the claim answered with
     * (a Delete of an older physical id, after an Update replaced it, releases nothing: the Update already moved
     * the claim).
     */
    static Release releaseStack(ClaimsDocument claims, Claimant.Stack stack, List<String> physicalEndpointIds) {
        ClaimsDocument.Claim claim = claims.claims().get(stack.id());
        if (claim == null || (claim.endpointIds() != null && !new TreeSet<>(claim.endpointIds())
                .equals(new TreeSet<>(physicalEndpointIds)))) {
            return new Release(claims, List.of(), SharingRules.Releaser.claimant(Set.of()));
        }
        return new Release(claims.withoutClaim(stack), claim.routeTableIds(),
                SharingRules.Releaser.claimant(new TreeSet<>(claim.routeTableIds())));
    }

    /**
     * The custom resource gave up on an execution (rules 11 and 13): the execution is refused for
     * {@link SharingRules#CANCELLATION_LIFETIME}, its run claim goes, the stack's claim goes back to what it was
     * before this execution changed it (none, for a Create), and the release is the run's: what it created and the
     * route tables it added (for its run claim and for the stack's claim it recorded) are what it may take out.
     */
    static Release cancel(ClaimsDocument claims, String executionArn, Claimant stack, Instant now) {
        Claimant.Run run = Claimant.run(executionArn);
        Set<String> released = new TreeSet<>();
        ClaimsDocument next = claims.withCancelled(executionArn, now.plus(SharingRules.CANCELLATION_LIFETIME));
        ClaimsDocument.Claim runClaim = next.claims().get(run.id());
        Map<String, List<String>> added = new LinkedHashMap<>();
        if (runClaim != null) {
            released.addAll(runClaim.routeTableIds());
            next = next.withoutClaim(run);
            if (runClaim.added() != null) {
                added.putAll(runClaim.added());
            }
        }
        ClaimsDocument.Claim stackClaim = next.claims().get(stack.id());
        if (stackClaim != null && executionArn.equals(stackClaim.execution())) {
            List<String> before = stackClaim.previousRouteTableIds();
            stackClaim.routeTableIds().stream().filter(t -> before == null || !before.contains(t))
                    .forEach(released::add);
            if (stackClaim.added() != null) {
                stackClaim.added().forEach((id, tables) -> added.merge(id, tables, ClaimRules::union));
            }
            next = before == null ? next.withoutClaim(stack) : next.withClaim(stack, new ClaimsDocument.Claim(
                    before, null, stackClaim.since(), now, null, null, null, null));
        }
        return new Release(next, List.copyOf(released), SharingRules.Releaser.run(executionArn, added));
    }

    /**
     * After a release's plan is carried out: without the records of the endpoints it deleted, and with the
     * endpoints a run lets go of handed over to the oldest claim that keeps them ({@link SharingRules#handOver}).
     */
    static ClaimsDocument afterRelease(ClaimsDocument claims, SharingRules.ReleasePlan plan,
                                       SharingRules.Releaser releaser, Instant now) {
        return SharingRules.handOver(withoutDeleted(claims, plan), plan, releaser, now);
    }

    /** Rule 3: the records of the endpoints a release deleted go with them. */
    static ClaimsDocument withoutDeleted(ClaimsDocument claims, SharingRules.ReleasePlan plan) {
        return claims.withoutEndpoints(plan.delete());
    }

    private static List<String> tablesOf(Map<String, String> servedBy, String vpcEndpointId) {
        return servedBy.entrySet().stream().filter(e -> e.getValue().equals(vpcEndpointId))
                .map(Map.Entry::getKey).sorted().toList();
    }

    private static List<String> union(Collection<String> a, Collection<String> b) {
        return List.copyOf(new TreeSet<>(Stream.concat(a.stream(), b.stream()).toList()));
    }

    private static Instant orNow(Instant value, Instant now) {
        return value == null ? now : value;
    }
}
