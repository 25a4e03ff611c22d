package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.level.Soak;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The claims ledger's soak (issue 19): {@value #WORKERS} workers mix runs with and without cleanup, releases, stacks'
 * Creates and Deletes and fleet applies over {@value #VPCS} VPCs of {@value #TABLES} route tables each, the odd
 * workers through a fault proxy that throttles every 7th call, for {@code vpcepilot.soak.seconds} (default 60; for
 * more than about three minutes raise JUnit's hang guard too, {@code -Djunit.jupiter.execution.timeout.default=30m});
 * {@code vpcepilot.soak.seed} repeats a choice of operations. Runs, releases and fleet applies are
 * {@code ./run-local} processes, a stack's requests go through the custom-resource hook ({@link SoakActor}). What it
 * checks, from moto directly (EC2, and the lock table's items: {@link SoakLedger}):
 * <ol>
 *   <li><b>Samples</b> (every 200 ms, {@link SoakSampler}): every route table a stack or the standing use claims is
 *       served by exactly one live, available endpoint through its prefix-list route; with the VPC's lock free
 *       around the read at once, else within a tolerance of 5 s (a release changes EC2 before its claims write,
 *       in the same hold of the lock). And the rules below for the claims that have one writer hold at every
 *       sample: a stack's claim is there from its Create's SUCCESS until its Delete is sent, never after a
 *       Delete's SUCCESS, and no run claim of an execution that ended successfully is there.</li>
 *   <li><b>At quiescence</b> (every worker stopped), the ledger holds exactly the claims the answers imply
 *       ({@link SoakExpectations}). The rules, from SharedEndpoints: an operation changes the claims under the
 *       VPC's lock at one moment between its start and its answer, so
 *       <ul>
 *         <li>the standing claim on a route table comes from a run without cleanup (commit: the standing claim
 *             gains the run's route tables and its run claim goes) or a fleet apply (commitStanding; or nothing,
 *             when its survey found the VPC served and claimed already), and goes with a release
 *             (releaseStanding); cleanup, rollback, stacks and cancellations never touch it. A failed run or
 *             fleet apply may have committed before it failed, a failed release may have written; so the claim
 *             may be present iff some add could have been the last of them (every release that answered success
 *             started before that add answered), and may be absent iff no add answered success or some release
 *             could have been the last (every add that answered success started before it answered);</li>
 *         <li>a stack's claim (commit for the stack: exactly the Create's route tables) is present, in its VPC
 *             and on those route tables, from its Create's SUCCESS until a Delete is sent; absent once a Delete
 *             answered SUCCESS (releaseStack for its endpoint ids; cancel for a failed Create's marker, which
 *             removes the claim that Create's execution recorded); after a FAILED answer or none, either;</li>
 *         <li>a run claim ({@code run:<execution>}, recorded by ensure) goes with the commit that hands it over
 *             (a success without cleanup, a stack's, a fleet's), with cleanup, or with rollback or cancellation;
 *             so none may be left by an execution that succeeded. One left by a failed execution is tolerated
 *             (its rollback skips the ledger when DynamoDB cannot be reached and nothing was created; the claim
 *             lapses after 24 h), as is a stack claim whose last answer was not a success;</li>
 *         <li>every claim is of a claimant the soak made.</li>
 *       </ul>
 *       And no route table has the service through two endpoints ({@link SharingInvariant.World#servedTwice}).</li>
 *   <li><b>At the end</b> (every stack's resource deleted, each VPC's route tables released by the standing use,
 *       nothing else running): the same judgement, and no endpoint tagged {@code managed-by=vpce-pilot} is left
 *       in the soak's VPCs unless a tolerated claim needs it.</li>
 * </ol>
 * The assertion lists every violation (route table, claim, the operations and their times since the soak began).
 */
@Soak
class ClaimsLedgerSoakTest {

    static final int WORKERS = 8;
    static final int VPCS = 2;
    static final int TABLES = 4;
    private static final String SECONDS = "vpcepilot.soak.seconds";
    private static final String SEED = "vpcepilot.soak.seed";

    @Test
    void mixedConcurrentWorkKeepsEveryClaimServedAndTheLedgerTrue() throws Exception {
        long seconds = Long.getLong(SECONDS, 60);
        long seed = Long.getLong(SEED, new Random().nextLong());
        URI moto = SharingWorld.moto();
        MotoEc2 ec2 = SharingWorld.ec2();
        List<Vpc> vpcs = IntStream.range(0, VPCS).mapToObj(i -> SharingWorld.freshVpc(TABLES - 1)).toList();
        List<String> vpcIds = vpcs.stream().map(Vpc::id).toList();
        SoakHistory history = new SoakHistory();
        List<SoakViolation> atQuiescence = new ArrayList<>();
        List<SoakViolation> atTheEnd = new ArrayList<>();
        List<SoakViolation> sampled;
        List<SoakWorker> workers = new ArrayList<>();
        SoakSampler sampler = null;
        SoakExpectations.Judgement quiescent;
        SoakExpectations.Judgement last;
        try (FaultProxy proxy = FaultProxy.start(moto); SoakActor setup = new SoakActor("setup", moto, history)) {
            proxy.addRule(FaultRule.throttleEvery(7));
            // One run first, alone: ./run-local deploys into the emulator and writes its class-data archive once,
            // before processes start at once.
            SoakOperation first = setup.run(vpcIds.get(0), vpcs.get(0).routeTables(), false);
            assertTrue(first.succeeded(), "the soak's first run: " + first.describe());
            SoakLedger ledger = new SoakLedger(ec2.dynamoDb(), setup.lockTable(), vpcIds);
            sampler = new SoakSampler(ec2, ledger, vpcIds, history);
            sampler.start();

            long deadline = history.now() + seconds * 1000;
            for (int i = 0; i < WORKERS; i++) {
                boolean throttled = i % 2 == 1;
                workers.add(new SoakWorker(new SoakActor("worker " + i + (throttled ? " (throttled)" : ""),
                        throttled ? proxy.endpoint() : moto, history), vpcs, new Random(seed + i), history, deadline,
                        (int) seconds + 10));
            }
            atQuiescence.addAll(work(workers, seconds));

            sampler.sample();
            quiescent = SoakExpectations.judge(history, ledger.claims());
            atQuiescence.addAll(quiescent.violations());
            atQuiescence.addAll(servedTwice(SharingInvariant.World.read(ec2, vpcIds), vpcIds));

            atTheEnd.addAll(endPhase(workers, setup, vpcs));
            Map<String, ClaimsDocument> finalClaims = ledger.claims();
            last = SoakExpectations.judge(history, finalClaims);
            atTheEnd.addAll(last.violations());
            atTheEnd.addAll(SoakExpectations.leftAtEnd(SharingInvariant.World.read(ec2, vpcIds), finalClaims, last));
            sampled = sampler.stop();
        } finally {
            if (sampler != null) {
                sampler.stop();
            }
            workers.forEach(w -> w.actor().close());
        }

        // A finding is reported once, in the first phase that found it (a run claim left over shows in every one).
        Set<String> seen = new HashSet<>();
        List<List<SoakViolation>> phases = new ArrayList<>();
        for (List<SoakViolation> phase : List.of(sampled, atQuiescence, atTheEnd)) {
            phases.add(phase.stream().filter(v -> seen.add(v.key())).toList());
        }
        List<SoakOperation> operations = history.operations();
        Path log = Files.writeString(Files.createDirectories(Path.of("target")).resolve("soak-operations.log"),
                operations.stream().map(SoakOperation::describe).collect(Collectors.joining("\n", "", "\n")));
        String report = "Soak of " + seconds + " s (seed " + seed + ", -D" + SEED + "=" + seed + " repeats its "
                + "choices) over " + vpcIds + ": " + operations.size() + " operations " + outcomes(operations)
                + "; " + sampler.summary() + "; claims the answers leave open: " + quiescent.toleratedCount()
                + " at quiescence, " + last.toleratedCount() + " at the end " + last.tolerated() + "; violations: "
                + counts(phases) + "; every operation in " + log.toAbsolutePath();
        System.out.println(report);
        assertTrue(operations.stream().anyMatch(o -> o.actor().startsWith("worker") && o.succeeded())
                && sampler.samples() >= seconds / SoakSampler.TOLERANCE.toSeconds(), "the soak did no work to judge: "
                + report);
        assertTrue(seen.isEmpty(), report + section("in samples, while the work ran", phases.get(0))
                + section("at quiescence", phases.get(1)) + section("at the end", phases.get(2)));
    }

    /** The workers at once until their deadline; a worker still working long after it is a violation. */
    private static List<SoakViolation> work(List<SoakWorker> workers, long seconds) throws InterruptedException {
        List<SoakViolation> violations = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        try {
            List<Future<Integer>> done = pool.invokeAll(workers, seconds + 2 * SoakActor.OPERATION_TIMEOUT.toSeconds()
                    + 30, TimeUnit.SECONDS);
            for (int i = 0; i < done.size(); i++) {
                if (done.get(i).isCancelled()) {
                    violations.add(new SoakViolation(SoakViolation.SOAK_BROKEN, workers.get(i).actor().name(),
                            workers.get(i).actor().name()
                            + " did not stop in time"));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return violations;
    }

    /** Half 2 of the sharing invariant on every route table of the VPCs. */
    private static List<SoakViolation> servedTwice(SharingInvariant.World world, List<String> vpcIds) {
        List<SoakViolation> violations = new ArrayList<>();
        for (String vpcId : vpcIds) {
            world.routeTables(vpcId).stream().map(world::servedTwice).filter(problem -> problem != null)
                    .forEach(problem -> violations.add(new SoakViolation(SoakViolation.SERVED_TWICE, problem,
                            problem + "; " + world.describe(vpcId))));
        }
        return violations;
    }

    /**
     * Every stack's resource deleted (by the worker that created it: a failed Create's marker needs that hook's
     * history), then every route table of each VPC released by the standing use; each must answer success.
     */
    private static List<SoakViolation> endPhase(List<SoakWorker> workers, SoakActor setup, List<Vpc> vpcs) {
        List<SoakOperation> done = new ArrayList<>();
        for (SoakWorker worker : workers) {
            for (SoakWorker.StandingStack stack : worker.standing()) {
                done.add(worker.actor().delete(stack.stack(), stack.physicalId(), stack.vpcId(), stack.tables()));
            }
        }
        for (Vpc vpc : vpcs) {
            done.add(setup.release(vpc.id(), vpc.routeTables()));
        }
        return done.stream().filter(o -> !o.succeeded())
                .map(o -> new SoakViolation(SoakViolation.END_FAILED, o.describe(), o.describe())).toList();
    }

    /** Per kind of operation, how many answered success, failure, or nothing known, and their longest time. */
    private static String outcomes(List<SoakOperation> operations) {
        Map<String, Map<String, Long>> table = new TreeMap<>();
        operations.forEach(o -> {
            Map<String, Long> row = table.computeIfAbsent(o.kind().toString(), k -> new TreeMap<>());
            row.merge(o.outcome().toString(), 1L, Long::sum);
            row.merge("longest ms", o.end() - o.start(), Math::max);
        });
        return table.toString();
    }

    private static String counts(List<List<SoakViolation>> phases) {
        Map<String, Long> byKind = new TreeMap<>();
        phases.forEach(phase -> phase.forEach(v -> byKind.merge(v.kind(), 1L, Long::sum)));
        return byKind.isEmpty() ? "none" : byKind.toString();
    }

    private static String section(String title, List<SoakViolation> violations) {
        return violations.isEmpty() ? "" : "\n" + title + ":\n  " + violations.stream().map(SoakViolation::toString)
                .collect(Collectors.joining("\n  "));
    }
}
