package dev.vpcepilot.sharing;

import dev.vpcepilot.errors.VerificationFailed;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Every read-decide-write on the endpoints of a scope, each under the scope's lock: read the claims, observe EC2,
 * let {@link SharingRules} decide, write to EC2, record the claims, release the lock (in the same step's
 * {@code finally}). The steps of the workflow, the custom resource and the fleet all go through here.
 */
public final class SharedEndpoints {

    private final VpcObserver observer;
    private final EndpointWriter writer;
    private final ScopeLock lock;
    private final ClaimsStore claims;
    private final Clock clock;
    private final Consumer<String> log;

    public SharedEndpoints(VpcObserver observer, EndpointWriter writer, ScopeLock lock, ClaimsStore claims,
                           Clock clock, Consumer<String> log) {
        this.observer = observer;
        this.writer = writer;
        this.lock = lock;
        this.claims = claims;
        this.clock = clock;
        this.log = log;
    }

    /** The coordinator of one execution (or request) against the lock table, with EC2 and DynamoDB clients. */
    public static SharedEndpoints forTable(software.amazon.awssdk.services.ec2.Ec2Client ec2,
                                           software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb,
                                           String lockTable, String owner, Consumer<String> log) {
        LeaseLedger ledger = new LeaseLedger(dynamoDb, lockTable, owner, EventualConsistency.SLEEP);
        return new SharedEndpoints(new VpcObserver(ec2),
                new EndpointWriter(ec2, new EventualConsistency(EventualConsistency.SLEEP), ledger, log), ledger, ledger,
                Clock.systemUTC(), log);
    }

    /**
     * Reuse-or-create for the request's route tables, recording the run's claim on them: from here until the run
     * ends, nobody deletes what serves them.
     */
    public ServingState ensure(SharingRules.Request request) {
        return lock.holding(request.scope(), () -> {
            Instant now = clock.instant();
            ClaimsStore.Versioned read = claims.read(request.scope());
            VpcObservation world = observer.observe(request.scope());
            SharingRules.EnsurePlan plan = SharingRules.planEnsure(world, read.claims(), request, now);

            Map<String, String> previousPolicies = new LinkedHashMap<>();
            Map<String, Map<String, String>> previousTags = new LinkedHashMap<>();
            Map<String, String> servedBy = new LinkedHashMap<>(plan.servedBy());
            VpcEndpoint created = null;
            // Rule 7: a write that fails puts back the writes before it, so that the step changed nothing
            StepUndo undo = new StepUndo(writer, log);
            try {
                for (SharingRules.Repair repair : plan.repairs()) {
                    writer.repair(repair.vpcEndpointId(), repair.routeTableId());
                }
                for (SharingRules.PolicyChange change : plan.policyChanges()) {
                    writer.setPolicy(change.vpcEndpointId(), change.wish());
                    undo.policyChanged(change.vpcEndpointId(), change.previous());
                    previousPolicies.put(change.vpcEndpointId(), change.previous());
                }
                for (SharingRules.TagChange change : plan.tagChanges()) {
                    Map<String, String> before = world.endpoint(change.vpcEndpointId())
                            .map(ObservedEndpoint::userTags).orElse(Map.of());
                    writer.retag(change.vpcEndpointId(), change.set(), change.remove());
                    undo.retagged(change.vpcEndpointId(), change, before);
                    previousTags.put(change.vpcEndpointId(), before);
                }
                if (plan.extend() != null) {
                    writer.addRouteTables(plan.extend(), plan.toServe());
                    undo.routeTablesAdded(plan.extend(), plan.toServe());
                    plan.toServe().forEach(rt -> servedBy.put(rt, plan.extend()));
                } else if (plan.createsEndpoint()) {
                    created = writer.create(request.scope(), plan.toServe(), request.policy(), request.tags(),
                            request.executionArn());
                    String id = created.vpcEndpointId();
                    plan.toServe().forEach(rt -> servedBy.put(rt, id));
                }
            } catch (RuntimeException e) {
                undo.undoAfter(e);
                throw e;
            }

            ClaimsDocument next = read.claims().pruned(now, liveIds(world), EventualConsistency.GRACE);
            ClaimsDocument.Claim previous = next.claims().get(Claimant.run(request.executionArn()).id());
            Map<String, List<String>> added = new LinkedHashMap<>();
            if (previous != null && previous.added() != null) {
                added.putAll(previous.added());
            }
            if (plan.extend() != null && !request.executionArn().equals(world.endpoint(plan.extend())
                    .map(ObservedEndpoint::createdBy).orElse(null))) {
                List<String> tables = new ArrayList<>(added.getOrDefault(plan.extend(), List.of()));
                tables.addAll(plan.toServe());
                added.put(plan.extend(), List.copyOf(new TreeSet<>(tables)));
            }
            next = next.withClaim(Claimant.run(request.executionArn()), new ClaimsDocument.Claim(
                    request.routeTableIds(), request.executionArn(),
                    previous == null ? now.toString() : previous.since(), now.toString(),
                    now.plus(SharingRules.RUN_CLAIM_LIFETIME).toString(), null, added));
            for (ObservedEndpoint adopted : world.endpoints()) {
                if (adopted.owned() && request.executionArn().equals(adopted.createdBy())
                        && !next.endpoints().containsKey(adopted.vpcEndpointId())) {
                    next = next.withEndpoint(adopted.vpcEndpointId(), new ClaimsDocument.EndpointRecord(
                            request.requester().id(), request.executionArn(), instant(adopted.created(), now)));
                }
            }
            if (created != null) {
                next = next.withEndpoint(created.vpcEndpointId(), new ClaimsDocument.EndpointRecord(
                        request.requester().id(), request.executionArn(), instant(created.creationTimestamp(), now)));
            }
            claims.write(request.scope(), next, read.version());

            ClaimsDocument recorded = next;
            VpcEndpoint made = created;
            List<ServingState.Endpoint> endpoints = new ArrayList<>();
            for (String id : new LinkedHashSet<>(servedBy.values())) {
                List<String> tables = servedBy.entrySet().stream().filter(e -> e.getValue().equals(id))
                        .map(Map.Entry::getKey).sorted().toList();
                ObservedEndpoint seen = world.endpoint(id).orElse(null);
                boolean isNew = made != null && made.vpcEndpointId().equals(id);
                boolean createdByThisRun = isNew || (seen != null && request.executionArn().equals(seen.createdBy()));
                ClaimsDocument.EndpointRecord record = recorded.endpoints().get(id);
                boolean held = record != null && record.holder().equals(request.requester().id());
                String state = isNew ? made.stateAsString() : seen.state();
                String createdAt = createdByThisRun ? (record != null ? record.createdAt() : now.toString()) : null;
                endpoints.add(new ServingState.Endpoint(id, isNew || seen.owned(), held, createdByThisRun,
                        state, tables, createdAt));
            }
            return ServingState.of(endpoints, previousPolicies, previousTags);
        });
    }

    /**
     * What the verification proved and recorded.
     *
     * @param observed what EC2 showed under the lock when it was proved (the data path reuses its route tables)
     */
    public record Committed(SharingRules.Coverage coverage, List<String> claimants,
                            List<EndpointReport> endpoints, VpcObservation observed) {
    }

    /**
     * One serving endpoint as the output reports it.
     *
     * @param held the requester holds it (it was created for the requester: only then may it change policy and tags)
     */
    public record EndpointReport(String vpcEndpointId, boolean owned, boolean held, List<String> routeTableIds) {
    }

    /**
     * The success of a run, made true and recorded together: under the lock, every requested route table is read
     * again and must route to an available endpoint, and only then does the requester's claim take over from the
     * run's (a stack's claim becomes exactly its route tables; the standing claim gains them; a run with cleanup
     * keeps its run claim until its cleanup).
     *
     * @throws VerificationFailed if a route table is not served
     */
    public Committed commit(Scope scope, Claimant requester, String executionArn, List<String> routeTableIds) {
        return record(scope, requester, executionArn, routeTableIds, (world, next, released, now) ->
                apply(SharingRules.planRelease(world, next, SharingRules.Releaser.claimant(released), now), next));
    }

    /**
     * {@link #commit} for the standing use (the fleet's apply): the standing claim only gains route tables, so it
     * releases nothing, and this path has no call that could delete an endpoint. The guarantee is static, not
     * only a branch not taken: the fleet's role is granted no ec2:DeleteVpcEndpoints, and the security tests
     * prove from the call graph that the fleet's commit does not reach it (TemplateIamTest).
     */
    public Committed commitStanding(Scope scope, String executionArn, List<String> routeTableIds) {
        return record(scope, Claimant.STANDING, executionArn, routeTableIds, (world, next, released, now) -> {
            throw new IllegalStateException("the standing use never releases route tables, yet " + released
                    + " were to be released in " + scope);
        });
    }

    /** What a commit does with the route tables a claim gave up (a stack's claim that shrank). */
    @FunctionalInterface
    private interface ReleaseOnCommit {
        ClaimsDocument release(VpcObservation world, ClaimsDocument next, Set<String> released, Instant now);
    }

    private Committed record(Scope scope, Claimant requester, String executionArn, List<String> routeTableIds,
                             ReleaseOnCommit releaseOnCommit) {
        return lock.holding(scope, () -> {
            Instant now = clock.instant();
            ClaimsStore.Versioned read = claims.read(scope);
            SharingRules.refuseIfCancelled(read.claims(), executionArn, now);
            VpcObservation world = observer.observe(scope);
            SharingRules.Coverage coverage = SharingRules.coverage(world, routeTableIds);
            if (!coverage.complete()) {
                throw new VerificationFailed("The endpoints' routes are not in place: "
                        + String.join("; ", coverage.problems()) + ".");
            }
            List<String> endpointIds = new ArrayList<>(new TreeSet<>(coverage.servedBy().values()));
            ClaimsDocument next = read.claims().pruned(now, liveIds(world), EventualConsistency.GRACE);
            Claimant run = Claimant.run(executionArn);
            ClaimsDocument.Claim existing = next.claims().get(requester.id());
            Set<String> released = new TreeSet<>();
            Set<String> tables = new TreeSet<>(routeTableIds);
            if (requester.isStanding() && existing != null) {
                tables.addAll(existing.routeTableIds());
            } else if (requester.isStack() && existing != null) {
                existing.routeTableIds().stream().filter(t -> !tables.contains(t)).forEach(released::add);
            }
            ClaimsDocument.Claim runClaim = next.claims().get(run.id());
            Map<String, List<String>> addedByRun = runClaim == null ? null : runClaim.added();
            next = next.withClaim(requester, new ClaimsDocument.Claim(List.copyOf(tables), executionArn,
                    existing == null ? now.toString() : existing.since(), now.toString(),
                    requester.isRun() ? now.plus(SharingRules.RUN_CLAIM_LIFETIME).toString() : null,
                    requester.isStack() ? endpointIds : null,
                    requester.isStanding() ? null : addedByRun,
                    requester.isStack() && existing != null ? existing.routeTableIds() : null));
            if (!requester.equals(run)) {
                next = next.withoutClaim(run);
            }
            if (!released.isEmpty()) {
                next = releaseOnCommit.release(world, next, released, now);
            }
            claims.write(scope, next, read.version());
            List<String> claimants = next.claimantsOf(routeTableIds, now);
            ClaimsDocument recorded = next;
            List<EndpointReport> reports = endpointIds.stream().map(id -> new EndpointReport(id,
                    world.endpoint(id).map(ObservedEndpoint::owned).orElse(false),
                    Optional.ofNullable(recorded.endpoints().get(id)).map(r -> r.holder().equals(requester.id()))
                            .orElse(false),
                    coverage.servedBy().entrySet().stream().filter(e -> e.getValue().equals(id))
                            .map(Map.Entry::getKey).sorted().toList())).toList();
            log.accept("Verified and recorded: " + coverage.servedBy() + " for " + requester.describe());
            return new Committed(coverage, claimants, reports, world);
        });
    }

    /**
     * What a release did.
     *
     * @param claimants the live claims (claimant ids) that need the released route tables once the release is
     *                  recorded, read under the same lock
     */
    public record Released(List<String> deleted, Map<String, List<String>> removedRouteTables,
                           Map<String, List<String>> keptFor, List<String> releasedRouteTables,
                           List<String> claimants) {

        public static Released nothing() {
            return new Released(List.of(), Map.of(), Map.of(), List.of(), List.of());
        }
    }

    /** A run with cleanup: its run claim goes, and with it what it created if nobody claimed that meanwhile. */
    public Released cleanup(Scope scope, String executionArn) {
        return release(scope, document -> runRelease(document, executionArn), world -> { });
    }

    private static Change runRelease(ClaimsDocument document, String executionArn) {
        ClaimsDocument.Claim claim = document.claims().get(Claimant.run(executionArn).id());
        return new Change(document.withoutClaim(Claimant.run(executionArn)),
                claim == null ? List.of() : claim.routeTableIds(),
                SharingRules.Releaser.run(executionArn, claim == null ? null : claim.added()));
    }

    /** {@code "release": true}: the standing claim no longer needs these route tables. */
    public Released releaseStanding(Scope scope, String executionArn, List<String> routeTableIds) {
        return release(scope, document -> {
            // Every endpoint of ours serving the route tables is considered, not only those the standing use
            // claimed: an endpoint nobody claims any more (its last claim was a run that did not create it) goes too.
            SharingRules.Releaser releaser = SharingRules.Releaser.claimant(new TreeSet<>(routeTableIds));
            ClaimsDocument.Claim claim = document.claims().get(Claimant.STANDING.id());
            if (claim == null) {
                return new Change(document, List.of(), releaser);
            }
            List<String> released = claim.routeTableIds().stream().filter(routeTableIds::contains).toList();
            List<String> remaining = claim.routeTableIds().stream().filter(t -> !routeTableIds.contains(t)).toList();
            ClaimsDocument next = remaining.isEmpty() ? document.withoutClaim(Claimant.STANDING)
                    : document.withClaim(Claimant.STANDING, ClaimsDocument.Claim.of(remaining, executionArn,
                            claim.since(), clock.instant().toString()));
            return new Change(next, released, releaser);
        });
    }

    /**
     * A stack's Delete: its claim goes, when the endpoints it names are the ones the claim answered with (a
     * Delete of an older physical id, after an Update replaced it, releases nothing: the Update already moved the
     * claim).
     */
    public Released releaseStack(Scope scope, Claimant stack, List<String> physicalEndpointIds) {
        return release(scope, document -> {
            ClaimsDocument.Claim claim = document.claims().get(stack.id());
            if (claim == null || (claim.endpointIds() != null && !new TreeSet<>(claim.endpointIds())
                    .equals(new TreeSet<>(physicalEndpointIds)))) {
                return new Change(document, List.of(), SharingRules.Releaser.claimant(Set.of()));
            }
            return new Change(document.withoutClaim(stack), claim.routeTableIds(),
                    SharingRules.Releaser.claimant(new TreeSet<>(claim.routeTableIds())));
        });
    }

    /**
     * A failed run undoes exactly what it did: its run claim goes, what it created goes if nobody claimed it
     * meanwhile, route tables it added leave again if nobody else claims them, and the policies and user tags it
     * changed are put back (endpoint id -> its policy, its tags before).
     */
    public Released rollback(Scope scope, String executionArn, Map<String, String> previousPolicies,
                             Map<String, Map<String, String>> previousTags) {
        return release(scope, document -> runRelease(document, executionArn), world -> {
            previousPolicies.forEach((id, policy) -> world.endpoint(id).filter(ObservedEndpoint::live)
                    .filter(SharingRules::mayModify).ifPresent(e -> writer.restorePolicy(id, policy)));
            previousTags.forEach((id, tags) -> world.endpoint(id).filter(ObservedEndpoint::live)
                    .filter(SharingRules::mayModify).flatMap(e -> SharingRules.tagChange(e, tags))
                    .ifPresent(change -> writer.retag(id, change.set(), change.remove())));
        });
    }

    /**
     * The custom resource gave up on an execution (its time bound passed, or CloudFormation deletes the marker of
     * its failed Create): the execution may write nothing more, its run claim goes, the stack's claim goes if
     * that execution recorded it, and what it created goes if nobody else claims it.
     */
    public Released cancel(Scope scope, String executionArn, Claimant stack) {
        return release(scope, document -> {
            Set<String> released = new TreeSet<>();
            ClaimsDocument next = document.withCancelled(executionArn,
                    clock.instant().plus(SharingRules.CANCELLATION_LIFETIME));
            ClaimsDocument.Claim run = next.claims().get(Claimant.run(executionArn).id());
            if (run != null) {
                released.addAll(run.routeTableIds());
                next = next.withoutClaim(Claimant.run(executionArn));
            }
            Map<String, List<String>> added = new LinkedHashMap<>();
            if (run != null && run.added() != null) {
                added.putAll(run.added());
            }
            ClaimsDocument.Claim stackClaim = next.claims().get(stack.id());
            if (stackClaim != null && executionArn.equals(stackClaim.execution())) {
                // The stack's claim as it was before this execution changed it (none, for a Create).
                List<String> before = stackClaim.previousRouteTableIds();
                stackClaim.routeTableIds().stream().filter(t -> before == null || !before.contains(t))
                        .forEach(released::add);
                if (stackClaim.added() != null) {
                    stackClaim.added().forEach((id, tables) -> added.merge(id, tables, (a, b) ->
                            List.copyOf(new TreeSet<>(java.util.stream.Stream.concat(a.stream(), b.stream()).toList()))));
                }
                next = before == null ? next.withoutClaim(stack) : next.withClaim(stack, new ClaimsDocument.Claim(
                        before, null, stackClaim.since(), clock.instant().toString(), null, null, null, null));
            }
            return new Change(next, List.copyOf(released), SharingRules.Releaser.run(executionArn, added));
        });
    }

    /** A release: the claims without the released claim, the route tables it had, and who released. */
    private record Change(ClaimsDocument claims, List<String> released, SharingRules.Releaser releaser) {
    }

    private Released release(Scope scope, Function<ClaimsDocument, Change> change) {
        return release(scope, change, world -> { });
    }

    /** A release under the lock; {@code alsoUnderTheLock} runs in the same hold, after the plan is carried out. */
    private Released release(Scope scope, Function<ClaimsDocument, Change> change,
                             Consumer<VpcObservation> alsoUnderTheLock) {
        return lock.holding(scope, () -> {
            Instant now = clock.instant();
            ClaimsStore.Versioned read = claims.read(scope);
            VpcObservation world = observer.observe(scope);
            Change changed = change.apply(read.claims().pruned(now, liveIds(world), EventualConsistency.GRACE));
            SharingRules.ReleasePlan plan = SharingRules.planRelease(world, changed.claims(), changed.releaser(), now);
            ClaimsDocument next = SharingRules.handOver(apply(plan, changed.claims()), plan, changed.releaser(), now);
            alsoUnderTheLock.accept(world);
            if (!next.equals(read.claims())) {
                claims.write(scope, next, read.version());
            }
            return new Released(plan.delete(), plan.removeRouteTables(), plan.keptFor(),
                    List.copyOf(changed.released()), next.claimantsOf(changed.released(), now));
        });
    }

    /** Carries a release plan out; returns the claims without the records of what it deleted. */
    private ClaimsDocument apply(SharingRules.ReleasePlan plan, ClaimsDocument document) {
        plan.removeRouteTables().forEach(writer::removeRouteTables);
        if (!plan.delete().isEmpty()) {
            writer.delete(plan.delete());
        }
        return document.withoutEndpoints(plan.delete());
    }

    private static Set<String> liveIds(VpcObservation world) {
        Set<String> ids = new HashSet<>();
        world.endpoints().stream().filter(e -> !e.dead() && !e.deleting()).forEach(e -> ids.add(e.vpcEndpointId()));
        return ids;
    }

    private static String instant(Instant value, Instant fallback) {
        return (value == null ? fallback : value).toString();
    }
}
