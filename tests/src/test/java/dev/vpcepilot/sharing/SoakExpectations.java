package dev.vpcepilot.sharing;

import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.sharing.SoakOperation.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The claims the operations' answers imply, against the ledger: all of them at quiescence (no operation running,
 * {@link #judge}), those with one writer at every sample ({@link #duringWork}), and what may be left at the end
 * ({@link #leftAtEnd}). The rules are those of {@link ClaimsLedgerSoakTest}; an operation took effect at one moment
 * between its start and its answer, and where the answers leave the order open, either order is accepted.
 */
final class SoakExpectations {

    private SoakExpectations() {
    }

    /**
     * What the ledger holds that the answers forbid, and the claims the answers leave open.
     *
     * @param violations what is wrong
     * @param tolerated  VPC -> the claims the soak cannot judge (of executions that failed or whose outcome is
     *                   unknown, of stacks whose last answer was not a success) -> their route tables
     */
    record Judgement(List<SoakViolation> violations, Map<String, Map<String, List<String>>> tolerated) {

        int toleratedCount() {
            return tolerated.values().stream().mapToInt(Map::size).sum();
        }
    }

    static Judgement judge(SoakHistory history, Map<String, ClaimsDocument> ledger) {
        List<SoakOperation> operations = history.operations();
        List<SoakViolation> violations = new ArrayList<>();
        Map<String, Map<String, List<String>>> tolerated = new TreeMap<>();
        ledger.forEach((vpcId, document) -> document.claims().forEach((id, claim) -> {
            Claimant claimant = Claimant.fromId(id).orElse(null);
            String where = id + " on " + claim.routeTableIds() + " in " + vpcId;
            if (claimant instanceof Claimant.Run run) {
                SoakOperation started = operations.stream()
                        .filter(o -> o.executions().contains(run.executionArn())).findFirst().orElse(null);
                if (started == null) {
                    violations.add(new SoakViolation(SoakViolation.UNKNOWN_CLAIM, id, where
                            + ": no operation of the soak started that execution"));
                } else if (started.succeeded()) {
                    violations.add(new SoakViolation(SoakViolation.RUN_CLAIM_LEFT, id, where + ", left by "
                            + started.describe()));
                } else {
                    tolerated.computeIfAbsent(vpcId, k -> new TreeMap<>()).put(id, claim.routeTableIds());
                }
            } else if (claimant instanceof Claimant.Stack) {
                if (operations.stream().noneMatch(o -> id.equals(o.claimant()))) {
                    violations.add(new SoakViolation(SoakViolation.UNKNOWN_CLAIM, id, where
                            + ": no stack of the soak"));
                }
            } else if (!(claimant instanceof Claimant.Standing)) {
                violations.add(new SoakViolation(SoakViolation.UNKNOWN_CLAIM, id, where));
            }
        }));
        judgeStacks(history, operations, ledger, violations, tolerated);
        ledger.forEach((vpcId, document) -> judgeStanding(history, operations, vpcId, document, violations));
        return new Judgement(List.copyOf(violations), tolerated);
    }

    /**
     * The rules that hold at every moment, not only at quiescence, for a sample of the ledger (two reads, the
     * operations answered before the first, the stacks whose Delete was sent before the second ended): a stack's
     * claim is in the ledger from its Create's SUCCESS until its Delete is sent, and never again once a Delete
     * answered SUCCESS; no run claim of an execution that ended successfully. (A stack's claim and a run claim
     * have one writer each once their execution ended, so what answered is all a sample needs; the standing claim
     * has many and is judged at quiescence only.)
     */
    static List<SoakViolation> duringWork(SoakHistory history, long at, List<SoakOperation> answered,
                                          Set<String> deletesSent, List<Map<String, ClaimsDocument>> reads) {
        List<SoakViolation> violations = new ArrayList<>();
        for (SoakOperation op : answered) {
            if (!op.succeeded()) {
                continue;
            }
            for (Map<String, ClaimsDocument> read : reads) {
                read.forEach((vpcId, document) -> {
                    if (op.kind() == Kind.CREATE && !deletesSent.contains(op.claimant())
                            && op.tables().containsKey(vpcId) && !document.claims().containsKey(op.claimant())) {
                        violations.add(new SoakViolation(SoakViolation.STACK_CLAIM_MISSING, op.claimant(),
                                op.claimant() + " is missing from the ledger of " + vpcId + " at "
                                        + SoakHistory.at(at) + ", after " + op.describe() + " answered "
                                        + op.physicalId() + ", before its Delete was sent; the claims then: "
                                        + document.claims().keySet()));
                    }
                    ClaimsDocument.Claim back = op.kind() == Kind.DELETE ? document.claims().get(op.claimant())
                            : null;
                    if (back != null) {
                        violations.add(new SoakViolation(SoakViolation.STACK_CLAIM_BACK, op.claimant(),
                                op.claimant() + " on " + back.routeTableIds() + " (updated "
                                        + history.at(back.updated()) + ") is in the ledger of " + vpcId + " at "
                                        + SoakHistory.at(at) + ", after " + op.describe()));
                    }
                    for (String execution : op.executions()) {
                        String run = Claimant.run(execution).id();
                        ClaimsDocument.Claim left = document.claims().get(run);
                        if (left != null) {
                            violations.add(new SoakViolation(SoakViolation.RUN_CLAIM_LEFT, run, run + " on "
                                    + left.routeTableIds() + " (updated " + history.at(left.updated())
                                    + ") is in the ledger of " + vpcId + " at " + SoakHistory.at(at) + ", after "
                                    + op.describe()));
                        }
                    }
                });
            }
        }
        return violations;
    }

    /**
     * A stack's claim: present, on its Create's route tables and in its VPC, from its Create's SUCCESS until a
     * Delete answers; absent once a Delete (of its endpoints, or of a failed Create's marker) answered SUCCESS.
     * After a Create or Delete that answered FAILED, or no answer, either.
     */
    private static void judgeStacks(SoakHistory history, List<SoakOperation> operations,
                                    Map<String, ClaimsDocument> ledger, List<SoakViolation> violations,
                                    Map<String, Map<String, List<String>>> tolerated) {
        Map<String, List<SoakOperation>> byStack = operations.stream().filter(o -> o.claimant() != null)
                .collect(Collectors.groupingBy(SoakOperation::claimant, TreeMap::new, Collectors.toList()));
        byStack.forEach((stack, ops) -> {
            SoakOperation create = ops.stream().filter(o -> o.kind() == Kind.CREATE).findFirst().orElseThrow();
            String home = create.tables().keySet().iterator().next();
            List<String> asked = create.tablesIn(home);
            SoakOperation lastDelete = ops.stream().filter(o -> o.kind() == Kind.DELETE)
                    .max(Comparator.comparingLong(SoakOperation::start)).orElse(null);
            ledger.forEach((vpcId, document) -> {
                ClaimsDocument.Claim claim = document.claims().get(stack);
                String where = stack + " in " + vpcId;
                if (lastDelete != null && lastDelete.succeeded()) {
                    if (claim != null) {
                        violations.add(new SoakViolation(SoakViolation.STACK_CLAIM_BACK, stack, where + " on "
                                + claim.routeTableIds() + " (updated " + history.at(claim.updated()) + "), after "
                                + lastDelete.describe() + "; created by " + create.describe()));
                    }
                } else if (lastDelete == null && create.succeeded()) {
                    if (vpcId.equals(home) && claim == null) {
                        violations.add(new SoakViolation(SoakViolation.STACK_CLAIM_MISSING, stack, where
                                + " is missing, after " + create.describe() + " answered " + create.physicalId()
                                + ", and no Delete was sent"));
                    } else if (claim != null && (!vpcId.equals(home)
                            || !new TreeSet<>(claim.routeTableIds()).equals(new TreeSet<>(asked)))) {
                        violations.add(new SoakViolation(SoakViolation.STACK_CLAIM_CHANGED, stack, where + " is on "
                                + claim.routeTableIds() + ", after " + create.describe()));
                    }
                } else if (claim != null) {
                    tolerated.computeIfAbsent(vpcId, k -> new TreeMap<>()).put(stack, claim.routeTableIds());
                }
            });
        });
    }

    /**
     * The standing claim, route table by route table: runs without cleanup and fleet applies add it, releases take
     * it out (a run with cleanup, a stack and a rollback never change it). It may hold a route table when some add
     * (answered success, or failed, or no answer: it may have committed before failing) could have been the last
     * of them, i.e. every release that answered success started before that add answered; it may lack it when
     * no add answered success, or some release could have been the last, i.e. every add that answered success
     * started before that release answered. The soak's VPCs start with no claims.
     */
    private static void judgeStanding(SoakHistory history, List<SoakOperation> operations, String vpcId,
                                      ClaimsDocument document, List<SoakViolation> violations) {
        ClaimsDocument.Claim standing = document.claims().get(Claimant.STANDING.id());
        Set<String> held = standing == null ? Set.of() : new TreeSet<>(standing.routeTableIds());
        Set<String> tables = new TreeSet<>(held);
        operations.forEach(o -> tables.addAll(o.tablesIn(vpcId)));
        for (String table : tables) {
            List<SoakOperation> adds = operations.stream().filter(o -> o.kind() == Kind.RUN
                    || o.kind() == Kind.FLEET_APPLY).filter(o -> o.tablesIn(vpcId).contains(table)).toList();
            List<SoakOperation> releases = operations.stream().filter(o -> o.kind() == Kind.RELEASE)
                    .filter(o -> o.tablesIn(vpcId).contains(table)).toList();
            List<SoakOperation> addsDone = adds.stream().filter(SoakOperation::succeeded).toList();
            List<SoakOperation> releasesDone = releases.stream().filter(SoakOperation::succeeded).toList();
            boolean mayHold = adds.stream().anyMatch(a -> releasesDone.stream().allMatch(r -> r.start() < a.end()));
            boolean mayLack = addsDone.isEmpty()
                    || releases.stream().anyMatch(r -> addsDone.stream().allMatch(a -> a.start() < r.end()));
            String where = table + " of " + vpcId;
            if (held.contains(table) && !mayHold) {
                SoakOperation lastRelease = releasesDone.stream().max(Comparator.comparingLong(SoakOperation::start))
                        .orElse(null);
                SoakOperation lastAdd = adds.stream().max(Comparator.comparingLong(SoakOperation::end)).orElse(null);
                violations.add(new SoakViolation(SoakViolation.STANDING_BACK, where, where
                        + " is in the standing claim (updated " + history.at(standing.updated()) + "), but "
                        + (lastAdd == null ? "nothing ever added it" : lastRelease.describe()
                        + " started after every add of it had answered, the last " + lastAdd.describe())));
            } else if (!held.contains(table) && !mayLack) {
                SoakOperation lastAdd = addsDone.stream().max(Comparator.comparingLong(SoakOperation::start))
                        .orElseThrow();
                SoakOperation lastRelease = releases.stream().max(Comparator.comparingLong(SoakOperation::end))
                        .orElse(null);
                violations.add(new SoakViolation(SoakViolation.STANDING_LOST, where, where + " is missing from the "
                        + "standing claim " + (standing == null ? "(there is none)" : standing.routeTableIds()
                        + " (updated " + history.at(standing.updated()) + ")") + ", but " + lastAdd.describe()
                        + " started after " + (lastRelease == null ? "no release of it"
                        : "every release of it had answered, the last " + lastRelease.describe())));
            }
        }
    }

    /**
     * At the end (every stack deleted, every route table released): an endpoint of ours still live in the soak's
     * VPCs is a violation, unless a claim the soak cannot judge (left by a failed execution) needs one of its
     * route tables. The message names the claims that keep it, if any (themselves violations of the judgement).
     */
    static List<SoakViolation> leftAtEnd(SharingInvariant.World world, Map<String, ClaimsDocument> ledger,
                                         Judgement judgement) {
        List<SoakViolation> violations = new ArrayList<>();
        Map<String, String> states = world.states();
        for (VpcEndpoint endpoint : world.endpoints()) {
            String state = states.get(endpoint.vpcEndpointId());
            boolean owned = Ownership.MANAGED_BY_VALUE.equals(
                    MotoEc2.tagsOf(endpoint).get(Ownership.MANAGED_BY_KEY));
            if (!owned || !ledger.containsKey(endpoint.vpcId()) || "deleted".equals(state)
                    || "deleting".equals(state)) {
                continue;
            }
            Map<String, List<String>> open = judgement.tolerated().getOrDefault(endpoint.vpcId(), Map.of());
            if (open.values().stream()
                    .anyMatch(tables -> tables.stream().anyMatch(endpoint.routeTableIds()::contains))) {
                continue;
            }
            List<String> keeping = new ArrayList<>();
            ledger.get(endpoint.vpcId()).claims().forEach((id, claim) -> {
                if (claim.routeTableIds().stream().anyMatch(endpoint.routeTableIds()::contains)) {
                    keeping.add(id);
                }
            });
            violations.add(new SoakViolation(SoakViolation.LEFT_AT_END, endpoint.vpcEndpointId(),
                    endpoint.vpcEndpointId() + " (" + state + ", " + endpoint.routeTableIds() + ") in "
                            + endpoint.vpcId() + " is owned and still there, "
                            + (keeping.isEmpty() ? "and no claim needs it" : "kept by " + keeping)));
        }
        return violations;
    }
}
