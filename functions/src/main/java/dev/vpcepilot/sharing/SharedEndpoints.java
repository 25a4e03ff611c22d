package dev.vpcepilot.sharing;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.datapath.RoutingView;
import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.json.StateBudget;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
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
     * ends, nobody deletes what serves them. A run that finds everything as asked, its claim already recorded,
     * writes nothing and takes no lock (rule 16): the state it returns carries what the verification reports. Its
     * callers commit in a step of their own: the fleet's apply ({@link #commitStanding}) and an interface scope's run
     * (its verification checks the network interfaces first).
     */
    public ServingState ensure(SharingRules.Request request) {
        return foundAsAsked(request, null, null).orElseGet(() -> ensureHolding(request, null, null));
    }

    /**
     * Reuse-or-create and, when what serves the request shows at once, its verification: the run's step of
     * reuse-or-create. {@code routeTablesRead} are the VPC's route tables as an earlier step of the execution read
     * them (ResolveVpc), or null: the read without the lock then describes only the endpoints (rule 16), and
     * a write the endpoints alone decide reads the route tables after it (rule 17). {@code dynamoDbAnswers} is
     * the verification's question to DynamoDB (ListTables, the number of tables), asked once: after the read
     * without the lock (rule 16), or in the hold before anything is written, so that a refusal changes nothing
     * (rule 17); its answer travels in the state ({@link ServingState#tables()}).
     */
    public ServingState ensure(SharingRules.Request request, List<NetworkFacts.RouteTable> routeTablesRead,
                               IntSupplier dynamoDbAnswers) {
        return foundAsAsked(request, routeTablesRead, dynamoDbAnswers)
                .orElseGet(() -> ensureHolding(request, routeTablesRead, dynamoDbAnswers));
    }

    /**
     * Rule 16: the optimistic read. EC2 first (the endpoints; the route tables ResolveVpc read, or, without them,
     * described here too); only when it shows the request served as asked, the claims (one consistent read); the
     * decision is {@link ClaimRules#foundAsAsked}'s, and what it reports must fit in the state ({@link StateBudget}:
     * hundreds of route tables, or tables with hundreds of routes, take the lock). Anything else goes to the lock,
     * where everything is read again and decided anew.
     */
    private Optional<ServingState> foundAsAsked(SharingRules.Request request,
                                                List<NetworkFacts.RouteTable> routeTablesRead,
                                                IntSupplier dynamoDbAnswers) {
        if (!ClaimRules.mayBeFoundAsAsked(request) || routeTablesRead != null
                && !SharingRules.mayBeServedAsAsked(routeTablesRead, request.routeTableIds())) {
            return Optional.empty();
        }
        VpcObservation world = routeTablesRead == null ? observer.observe(request.scope())
                : observer.observe(request.scope(), routeTablesRead);
        if (!SharingRules.servedAsAsked(world, request)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        ClaimsDocument read = claims.read(request.scope()).claims();
        return ClaimRules.foundAsAsked(world, read, request, now).filter(StateBudget::fits).map(found -> {
            log.accept("Found as asked, without the lock: " + found.coverage().servedBy() + " for "
                    + request.requester().describe() + ", claims " + found.claimants() + "; nothing to write");
            return ServingState.verified(ClaimRules.serving(world, ClaimRules.pruned(read, world, now), request,
                    found.coverage().servedBy(), null, now), Map.of(), Map.of(), found, asked(dynamoDbAnswers));
        });
    }

    private static Integer asked(IntSupplier dynamoDbAnswers) {
        return dynamoDbAnswers == null ? null : dynamoDbAnswers.getAsInt();
    }

    private ServingState ensureHolding(SharingRules.Request request, List<NetworkFacts.RouteTable> routeTablesRead,
                                       IntSupplier dynamoDbAnswers) {
        return lock.holding(request.scope(), () -> {
            Instant now = clock.instant();
            ClaimsStore.Versioned read = claims.read(request.scope());
            boolean routesAfter = false;
            VpcObservation world;
            if (routeTablesRead != null && dynamoDbAnswers != null) {
                List<ObservedEndpoint> endpointsNow = observer.endpointsNow(request.scope());
                // Rule 17: a write the endpoints alone decide reads the route tables once, after it
                routesAfter = SharingRules.decidedByEndpoints(endpointsNow, routeTablesRead, request.routeTableIds());
                world = routesAfter ? VpcObserver.ofObserved(endpointsNow, routeTablesRead)
                        : observer.observeRoutes(request.scope(), endpointsNow);
            } else {
                world = observer.observe(request.scope());
            }
            SharingRules.EnsurePlan plan = SharingRules.planEnsure(world, read.claims(), request, now);
            // Rule 17: DynamoDB is asked before anything is written, so that a refusal changes nothing
            Integer tables = asked(dynamoDbAnswers);

            Map<String, String> previousPolicies = new LinkedHashMap<>();
            Map<String, Map<String, String>> previousTags = new LinkedHashMap<>();
            ClaimRules.Created created = null;
            ObservedEndpoint made = null;
            VpcObservation proof = world;
            // Rule 7: a write that fails puts back the writes before it, so that the step changed nothing (and so
            // does the read that proves them, rule 17; an endpoint created before either fails is adopted by the
            // step's retry, or released by the run's rollback, as one whose step died after creating it)
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
                } else if (plan.createsEndpoint()) {
                    VpcEndpoint answer = writer.create(request.scope(), plan.toServe(), request.policy(),
                            request.tags(), request.executionArn());
                    created = new ClaimRules.Created(answer.vpcEndpointId(), answer.stateAsString(),
                            answer.creationTimestamp());
                    made = VpcObserver.observed(answer);
                }
                if (dynamoDbAnswers != null && (plan.writes() || routesAfter)) {
                    proof = observer.observeRoutes(request.scope(), SharingRules.afterWrites(world, plan, made));
                }
            } catch (RuntimeException e) {
                undo.undoAfter(e);
                throw e;
            }

            ClaimsDocument next = ClaimRules.afterEnsure(ClaimRules.pruned(read.claims(), world, now), world, request,
                    plan, created, now);
            List<ServingState.Endpoint> serving = ClaimRules.serving(world, next, request,
                    ClaimRules.servedBy(plan, created), created, now);
            if (dynamoDbAnswers != null) {
                Optional<ClaimRules.CommittedInHold> committed = ClaimRules.commitInHold(proof, next, request, now)
                        .filter(c -> StateBudget.fits(c.report()));
                if (committed.isPresent()) {
                    claims.write(request.scope(), committed.get().claims(), read.version());
                    log.accept("Verified and recorded in the same hold: "
                            + committed.get().report().coverage().servedBy() + " for " + request.requester().describe());
                    return ServingState.verified(serving, previousPolicies, previousTags, committed.get().report(),
                            tables);
                }
            }
            claims.write(request.scope(), next, read.version());
            return ServingState.of(serving, previousPolicies, previousTags).withTables(tables);
        });
    }

    /**
     * What the verification proved and recorded: by {@link #commit} under the lock, or by {@link #ensure} for a run
     * that found everything as asked, without the lock (rule 16), or whose writes showed at once, in the hold that
     * wrote (rule 17); then it travels in the state's JSON.
     *
     * @param routing the route tables and endpoints EC2 showed when it was proved (the data path reuses them)
     */
    public record Committed(SharingRules.Coverage coverage, List<String> claimants,
                            List<EndpointReport> endpoints, RoutingView routing) {
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
        return record(scope, requester, executionArn, routeTableIds, (world, next, released, now) -> {
            SharingRules.ReleasePlan plan = SharingRules.planRelease(world, next,
                    SharingRules.Releaser.claimant(released), now);
            carryOut(plan);
            return ClaimRules.withoutDeleted(next, plan);
        });
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
                throw new VerificationFailed((scope.isInterface() ? "The endpoints' network interfaces are not in "
                        + "place: " : "The endpoints' routes are not in place: ") + String.join("; ",
                        coverage.problems()) + ".");
            }
            ClaimRules.Commitment commitment = ClaimRules.commit(ClaimRules.pruned(read.claims(), world, now),
                    requester, executionArn, routeTableIds, coverage, now);
            ClaimsDocument next = commitment.claims();
            if (!commitment.released().isEmpty()) {
                next = releaseOnCommit.release(world, next, commitment.released(), now);
            }
            claims.write(scope, next, read.version());
            log.accept("Verified and recorded: " + coverage.servedBy() + " for " + requester.describe());
            return new Committed(coverage, next.claimantsOf(routeTableIds, now),
                    ClaimRules.reports(world, coverage, next, requester), world.routing());
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
        return release(scope, (document, now) -> ClaimRules.releaseRun(document, executionArn), world -> { });
    }

    /** {@code "release": true}: the standing claim no longer needs these route tables. */
    public Released releaseStanding(Scope scope, String executionArn, List<String> routeTableIds) {
        return release(scope, (document, now) -> ClaimRules.releaseStanding(document, executionArn, routeTableIds, now),
                world -> { });
    }

    /**
     * A stack's Delete: its claim goes, when the endpoints it names are the ones the claim answered with (a
     * Delete of an older physical id, after an Update replaced it, releases nothing: the Update already moved the
     * claim).
     */
    public Released releaseStack(Scope scope, Claimant.Stack stack, List<String> physicalEndpointIds) {
        return release(scope, (document, now) -> ClaimRules.releaseStack(document, stack, physicalEndpointIds),
                world -> { });
    }

    /**
     * A failed run undoes exactly what it did: its run claim goes, what it created goes if nobody claimed it
     * meanwhile, route tables it added leave again if nobody else claims them, and the policies and user tags it
     * changed are put back (endpoint id -> its policy, its tags before).
     */
    public Released rollback(Scope scope, String executionArn, Map<String, String> previousPolicies,
                             Map<String, Map<String, String>> previousTags) {
        return release(scope, (document, now) -> ClaimRules.releaseRun(document, executionArn), world -> {
            previousPolicies.forEach((id, policy) -> world.endpoint(id).filter(ObservedEndpoint::live)
                    .filter(SharingRules::mayModify).ifPresent(e -> writer.restorePolicy(id, policy)));
            previousTags.forEach((id, tags) -> world.endpoint(id).filter(ObservedEndpoint::live)
                    .filter(SharingRules::mayModify).flatMap(e -> SharingRules.tagChange(e, tags))
                    .ifPresent(change -> writer.retag(id, change.set(), change.remove())));
        });
    }

    /**
     * The custom resource gave up on an execution (its time bound passed, or CloudFormation deletes the marker of
     * its failed Create): the execution may write nothing more, its run claim goes, the stack's claim goes back to
     * what it was before that execution changed it, and what it created goes if nobody else claims it.
     */
    public Released cancel(Scope scope, String executionArn, Claimant.Stack stack) {
        return release(scope, (document, now) -> ClaimRules.cancel(document, executionArn, stack, now), world -> { });
    }

    /**
     * A release under the lock: {@code change} is the bookkeeping ({@link ClaimRules}) on the claims read in the
     * hold; {@code alsoUnderTheLock} runs in the same hold, after the plan is carried out.
     */
    private Released release(Scope scope, BiFunction<ClaimsDocument, Instant, ClaimRules.Release> change,
                             Consumer<VpcObservation> alsoUnderTheLock) {
        return lock.holding(scope, () -> {
            Instant now = clock.instant();
            ClaimsStore.Versioned read = claims.read(scope);
            VpcObservation world = observer.observe(scope);
            ClaimRules.Release changed = change.apply(ClaimRules.pruned(read.claims(), world, now), now);
            SharingRules.ReleasePlan plan = SharingRules.planRelease(world, changed.claims(), changed.releaser(), now);
            carryOut(plan);
            ClaimsDocument next = ClaimRules.afterRelease(changed.claims(), plan, changed.releaser(), now);
            alsoUnderTheLock.accept(world);
            if (!next.equals(read.claims())) {
                claims.write(scope, next, read.version());
            }
            return new Released(plan.delete(), plan.removeRouteTables(), plan.keptFor(),
                    List.copyOf(changed.released()), next.claimantsOf(changed.released(), now));
        });
    }

    /** Carries a release plan out: route tables nobody needs leave our endpoints, and the endpoints that go go. */
    private void carryOut(SharingRules.ReleasePlan plan) {
        plan.removeRouteTables().forEach(writer::removeRouteTables);
        if (!plan.delete().isEmpty()) {
            writer.delete(plan.delete());
        }
    }
}
