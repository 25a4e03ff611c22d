package dev.vpcepilot.sharing;

import dev.vpcepilot.kit.MotoEc2;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The soak's samples, every {@link #PERIOD} while the work runs: every route table claimed in the ledger by a
 * stack or by the standing use is served by exactly one live endpoint, {@code available}, through its prefix-list
 * route ({@link SharingInvariant.World#unserved}), as moto shows it (a run's own claim is not checked: it is
 * written before its endpoint is available, to protect what the run is about to use); and the claims that have
 * one writer hold at every sample as they must at quiescence ({@link SoakExpectations#duringWork}).
 *
 * <p>A sample reads the ledger, then EC2, then the ledger again. The short legitimate window: a claim is written
 * only after the routes it needs are verified (SharedEndpoints.commit checks coverage under the lock first), so a
 * claim never comes before its route; but a release, a cleanup or a rollback changes EC2 first and writes the
 * claims when it releases the lock, in the same hold. For that moment the ledger still shows a claim on a route
 * table whose route is gone, because the claim is on its way out. Two consequences:
 * <ul>
 *   <li>a sample in which the VPC's lock item was released and unchanged across both ledger reads saw no writer at
 *       work: a claimed route table unserved then is a violation at once
 *       ({@link SoakViolation#UNSERVED_LOCK_FREE});</li>
 *   <li>otherwise a claimed route table may be unserved for at most {@link #TOLERANCE} (a hold's last EC2 call,
 *       its lock release with its throttling retries, a few hundred ms to 2 s on the 2-core development machine);
 *       unserved in every sample for longer is a violation ({@link SoakViolation#UNSERVED_TOO_LONG}).</li>
 * </ul>
 * Only route tables claimed in both ledger reads of a sample count (a claim written while EC2 was read is judged by
 * the next sample). Each stretch of samples in which a route table is unserved is one violation at most.
 */
final class SoakSampler {

    static final Duration PERIOD = Duration.ofMillis(200);
    static final Duration TOLERANCE = Duration.ofSeconds(5);

    private final MotoEc2 ec2;
    private final SoakLedger ledger;
    private final List<String> vpcIds;
    private final SoakHistory history;
    private final Map<String, Stretch> unserved = new TreeMap<>();
    private final Map<String, SoakViolation> violations = new LinkedHashMap<>();
    private volatile boolean stopped;
    private Thread thread;
    private int samples;
    private int lockFreeSamples;
    private int errors;
    private String lastError;

    SoakSampler(MotoEc2 ec2, SoakLedger ledger, List<String> vpcIds, SoakHistory history) {
        this.ec2 = ec2;
        this.ledger = ledger;
        this.vpcIds = List.copyOf(vpcIds);
        this.history = history;
    }

    /** One route table unserved in consecutive samples while claimed. */
    private static final class Stretch {
        final String vpcId;
        final String table;
        final long first;
        final String firstProblem;
        final String firstWorld;
        final List<String> claimants;
        long last;
        String lastProblem;
        long lockFreeAt = -1;
        String lockFreeWorld;

        Stretch(String vpcId, String table, long first, String problem, String world, List<String> claimants) {
            this.vpcId = vpcId;
            this.table = table;
            this.first = first;
            this.firstProblem = problem;
            this.firstWorld = world;
            this.claimants = claimants;
            this.last = first;
            this.lastProblem = problem;
        }

        SoakViolation judge() {
            String subject = table + " from " + SoakHistory.at(first);
            String what = table + " of " + vpcId + ", claimed by " + claimants + ", unserved from "
                    + SoakHistory.at(first) + " to " + SoakHistory.at(last) + " (" + firstProblem
                    + (lastProblem.equals(firstProblem) ? "" : "; at the end: " + lastProblem) + ")";
            if (lockFreeAt >= 0) {
                return new SoakViolation(SoakViolation.UNSERVED_LOCK_FREE, subject, what + "; nobody held the lock at "
                        + SoakHistory.at(lockFreeAt) + ": " + lockFreeWorld);
            }
            if (last - first > TOLERANCE.toMillis()) {
                return new SoakViolation(SoakViolation.UNSERVED_TOO_LONG, subject, what + "; at first: " + firstWorld);
            }
            return null;
        }
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("soak-sampler").start(() -> {
            while (!stopped) {
                long began = System.nanoTime();
                try {
                    sample();
                } catch (RuntimeException e) {
                    note(e);
                }
                long left = PERIOD.toMillis() - (System.nanoTime() - began) / 1_000_000;
                if (left > 0) {
                    try {
                        Thread.sleep(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    private synchronized void note(RuntimeException e) {
        errors++;
        lastError = e.toString();
    }

    /** One sample now (the sampler's thread takes them every {@link #PERIOD}; the test takes one at quiescence). */
    synchronized void sample() {
        long at = history.now();
        List<SoakOperation> answered = history.operations();
        Map<String, SoakLedger.Item> before = ledger.read();
        SharingInvariant.World world = SharingInvariant.World.read(ec2, vpcIds);
        Map<String, SoakLedger.Item> after = ledger.read();
        samples++;
        SoakExpectations.duringWork(history, at, answered, history.deletesSent(),
                List.of(claims(before), claims(after))).forEach(this::found);
        Set<String> stillUnserved = new HashSet<>();
        for (String vpcId : vpcIds) {
            boolean lockFree = after.get(vpcId).released() && after.get(vpcId).equals(before.get(vpcId));
            if (lockFree) {
                lockFreeSamples++;
            }
            Map<String, List<String>> claimedBefore = claimed(before.get(vpcId).claims());
            claimed(after.get(vpcId).claims()).forEach((table, claimants) -> {
                String problem = claimedBefore.containsKey(table) ? world.unserved(table) : null;
                if (problem == null) {
                    return;
                }
                String key = vpcId + " " + table;
                stillUnserved.add(key);
                Stretch stretch = unserved.computeIfAbsent(key, k -> new Stretch(vpcId, table, at, problem,
                        world.describe(vpcId), claimants));
                stretch.last = at;
                stretch.lastProblem = problem;
                if (lockFree && stretch.lockFreeAt < 0) {
                    stretch.lockFreeAt = at;
                    stretch.lockFreeWorld = world.describe(vpcId);
                }
            });
        }
        new ArrayList<>(unserved.keySet()).stream().filter(key -> !stillUnserved.contains(key))
                .forEach(this::close);
    }

    private void close(String key) {
        SoakViolation violation = unserved.remove(key).judge();
        if (violation != null) {
            found(violation);
        }
    }

    private void found(SoakViolation violation) {
        violations.putIfAbsent(violation.key(), violation);
    }

    private static Map<String, ClaimsDocument> claims(Map<String, SoakLedger.Item> items) {
        Map<String, ClaimsDocument> claims = new LinkedHashMap<>();
        items.forEach((vpc, item) -> claims.put(vpc, item.claims()));
        return claims;
    }

    /** Route table -> the stacks and the standing use that claim it. */
    static Map<String, List<String>> claimed(ClaimsDocument claims) {
        Map<String, List<String>> claimed = new TreeMap<>();
        claims.claims().forEach((id, claim) -> {
            Claimant claimant = Claimant.fromId(id).orElse(null);
            if (claimant instanceof Claimant.Stack || claimant instanceof Claimant.Standing) {
                claim.routeTableIds().forEach(t -> claimed.computeIfAbsent(t, k -> new ArrayList<>()).add(id));
            }
        });
        return claimed;
    }

    /** Stops sampling; what the samples found (a stretch still open counts up to its last sample). */
    List<SoakViolation> stop() throws InterruptedException {
        stopped = true;
        if (thread != null) {
            thread.join(Duration.ofSeconds(10));
        }
        synchronized (this) {
            new ArrayList<>(unserved.keySet()).forEach(this::close);
            return List.copyOf(violations.values());
        }
    }

    synchronized String summary() {
        return samples + " samples (" + lockFreeSamples + " VPC-samples with the lock free)" + (errors == 0 ? ""
                : ", " + errors + " failed to read (last: " + lastError + ")");
    }

    synchronized int samples() {
        return samples;
    }

    synchronized int errors() {
        return errors;
    }
}
