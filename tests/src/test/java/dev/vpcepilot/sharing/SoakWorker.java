package dev.vpcepilot.sharing;

import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.sharing.SharingWorld.Stack;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * One worker of the soak: until the deadline (and at most {@code maxOperations}), one operation after another,
 * chosen at random: a run without cleanup, a run with cleanup, a release, a stack's Create or the Delete of one of
 * its stacks, a fleet apply (20, 10, 15, 45 and 10 in 100: a stack's requests run in this JVM, with no JVM to
 * start, so they make the most holds of a VPC's lock per second on a loaded machine); on one to three route tables
 * of one VPC (a fleet apply: one to all VPCs, all their route tables). A Create answered FAILED is followed by the
 * Delete of its marker, as CloudFormation's rollback does. The stacks still standing when it stops are the end
 * phase's to delete ({@link #standing()}).
 */
final class SoakWorker implements Callable<Integer> {

    /** A stack this worker created whose resource was not deleted yet: its Delete needs the physical id. */
    record StandingStack(Stack stack, String vpcId, List<String> tables, String physicalId) {
    }

    private static final int MAX_STACKS = 2;

    private final SoakActor actor;
    private final List<Vpc> vpcs;
    private final Random random;
    private final SoakHistory history;
    private final long deadline;
    private final int maxOperations;
    private final List<StandingStack> stacks = new ArrayList<>();

    SoakWorker(SoakActor actor, List<Vpc> vpcs, Random random, SoakHistory history, long deadline,
               int maxOperations) {
        this.actor = actor;
        this.vpcs = List.copyOf(vpcs);
        this.random = random;
        this.history = history;
        this.deadline = deadline;
        this.maxOperations = maxOperations;
    }

    /** Works until the deadline; returns how many operations it made. */
    @Override
    public Integer call() {
        int done = 0;
        for (; done < maxOperations && history.now() < deadline; done++) {
            Vpc vpc = vpcs.get(random.nextInt(vpcs.size()));
            List<String> tables = someTables(vpc);
            int dice = random.nextInt(100);
            if (dice < 20) {
                actor.run(vpc.id(), tables, false);
            } else if (dice < 30) {
                actor.run(vpc.id(), tables, true);
            } else if (dice < 45) {
                actor.release(vpc.id(), tables);
            } else if (dice < 90) {
                stackWork(vpc, tables);
            } else {
                actor.fleetApply(someVpcs());
            }
        }
        return done;
    }

    /** A Create, or the Delete of one of this worker's stacks (always when it has {@value #MAX_STACKS}). */
    private void stackWork(Vpc vpc, List<String> tables) {
        if (stacks.size() >= MAX_STACKS || (!stacks.isEmpty() && random.nextBoolean())) {
            StandingStack gone = stacks.remove(random.nextInt(stacks.size()));
            SoakOperation delete = actor.delete(gone.stack(), gone.physicalId(), gone.vpcId(), gone.tables());
            if (!delete.succeeded()) {
                stacks.add(gone);
            }
            return;
        }
        Stack stack = Stack.fresh("soak-" + actor.name().replaceAll("[^A-Za-z0-9-]", "-"));
        SoakOperation create = actor.create(stack, vpc.id(), tables);
        if (create.physicalId() == null) {
            return; // no answer: CloudFormation would know no physical id to delete
        }
        StandingStack created = new StandingStack(stack, vpc.id(), tables, create.physicalId());
        if (create.succeeded()) {
            stacks.add(created);
        } else if (!actor.delete(stack, create.physicalId(), vpc.id(), tables).succeeded()) {
            stacks.add(created);
        }
    }

    private List<String> someTables(Vpc vpc) {
        List<String> shuffled = new ArrayList<>(vpc.routeTables());
        Collections.shuffle(shuffled, random);
        return List.copyOf(new TreeSet<>(shuffled.subList(0, 1 + random.nextInt(Math.min(3,
                shuffled.size())))));
    }

    private Map<String, List<String>> someVpcs() {
        List<Vpc> shuffled = new ArrayList<>(vpcs);
        Collections.shuffle(shuffled, random);
        Map<String, List<String>> chosen = new LinkedHashMap<>();
        shuffled.subList(0, 1 + random.nextInt(shuffled.size())).forEach(v -> chosen.put(v.id(), v.routeTables()));
        return chosen;
    }

    SoakActor actor() {
        return actor;
    }

    /** The stacks whose resources still stand (created, or whose Delete did not answer SUCCESS). */
    List<StandingStack> standing() {
        return List.copyOf(stacks);
    }
}
