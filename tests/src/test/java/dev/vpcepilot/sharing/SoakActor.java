package dev.vpcepilot.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.sharing.SoakOperation.Kind;
import dev.vpcepilot.sharing.SoakOperation.Outcome;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One actor of the soak and its way to the emulator (moto directly, or the throttling proxy): runs, releases and
 * fleet applies each as a {@code ./run-local} process ({@link SharingWorld#start}), a stack's Create and Delete
 * through its own custom-resource hook in this JVM ({@link InProcessHook}: one Step Functions history, so the
 * Delete of a failed Create's marker finds that Create's execution, as on AWS). Every operation is timed and
 * recorded in the history with what it answered.
 */
final class SoakActor implements AutoCloseable {

    /** Longest a {@code ./run-local} of the soak may take before it is stopped (its outcome is then unknown). */
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(90);
    /** ./run-local's progress names its execution, and a fleet's Map its children, each on a line of its own. */
    private static final Pattern STARTED = Pattern.compile("(?m)^\\[vpce-pilot] (?:execution|\\s*item \\d+ started) "
            + "(arn:aws:states:[a-z0-9-]+:\\d{12}:execution:[A-Za-z0-9/_-]+:[A-Za-z0-9_-]+)");

    private final String name;
    private final URI endpoint;
    private final SoakHistory history;
    private InProcessHook hook;

    SoakActor(String name, URI endpoint, SoakHistory history) {
        this.name = name;
        this.endpoint = endpoint;
        this.history = history;
    }

    String name() {
        return name;
    }

    /** A run without cleanup (its success gives the standing use the route tables) or with cleanup. */
    SoakOperation run(String vpcId, List<String> tables, boolean cleanup) {
        String input = "{\"vpcId\":\"" + vpcId + "\",\"routeTableIds\":" + jsonList(tables) + ",\"cleanup\":"
                + cleanup + "}";
        return runLocal(cleanup ? Kind.CLEANUP_RUN : Kind.RUN, Map.of(vpcId, tables), List.of("--input-json", input));
    }

    /** {@code "release": true} for the route tables. */
    SoakOperation release(String vpcId, List<String> tables) {
        return runLocal(Kind.RELEASE, Map.of(vpcId, tables), List.of("--input-json",
                "{\"vpcId\":\"" + vpcId + "\",\"routeTableIds\":" + jsonList(tables) + ",\"release\":true}"));
    }

    /**
     * A fleet apply of this account and region, on these VPCs only (each with all its route tables), with no
     * failure tolerated: its success means every VPC is served and claimed by the standing use.
     */
    SoakOperation fleetApply(Map<String, List<String>> vpcs) {
        String input = "{\"mode\":\"apply\",\"vpcs\":{\"ids\":" + jsonList(List.copyOf(vpcs.keySet()))
                + "},\"toleratedFailurePercentage\":0}";
        return runLocal(Kind.FLEET_APPLY, vpcs, List.of("--fleet", "--input-json", input));
    }

    /** A stack's Create of its custom resource on the route tables; the answer's physical id is recorded. */
    SoakOperation create(SharingWorld.Stack stack, String vpcId, List<String> tables) {
        return hook(Kind.CREATE, stack, null, vpcId, tables,
                stack.create(Map.of("VpcId", vpcId, "RouteTableIds", tables)));
    }

    /** The stack's Delete of the resource with this physical id (endpoint ids, or a failed Create's marker). */
    SoakOperation delete(SharingWorld.Stack stack, String physicalId, String vpcId, List<String> tables) {
        return hook(Kind.DELETE, stack, physicalId, vpcId, tables,
                stack.delete(physicalId, Map.of("VpcId", vpcId, "RouteTableIds", tables)));
    }

    private SoakOperation runLocal(Kind kind, Map<String, List<String>> tables, List<String> arguments) {
        long start = history.now();
        RunLocal.Run run = SharingWorld.start(name + " " + kind, endpoint, arguments, Map.of())
                .awaitOrStop(OPERATION_TIMEOUT);
        long end = history.now();
        Outcome outcome;
        String detail;
        JsonNode doc = parse(run.stdout());
        if (run.exitCode() == 0) {
            outcome = Outcome.SUCCEEDED;
            detail = "";
        } else if (run.exitCode() == 1 && doc.path("error").isTextual()) {
            outcome = Outcome.FAILED;
            // the last error a function logged says more than a fleet's threshold: which VPC failed, and why
            String logged = run.stderr().lines().filter(line -> line.contains("[ERROR]")).reduce((a, b) -> b)
                    .orElse("");
            detail = doc.path("error").asText() + ": " + shorten(doc.path("cause").asText())
                    + (logged.isEmpty() ? "" : "; last error logged: " + shorten(logged));
        } else {
            outcome = Outcome.UNKNOWN;
            detail = run.exitCode() == RunLocal.STOPPED ? "stopped after " + OPERATION_TIMEOUT.toSeconds() + " s"
                    : "exit " + run.exitCode();
        }
        return record(new SoakOperation(name, kind, tables, null, null, start, end, outcome, detail,
                executions(run.stderr())));
    }

    private SoakOperation hook(Kind kind, SharingWorld.Stack stack, String physicalId, String vpcId,
                               List<String> tables, ObjectNode event) {
        String claimant = Claimant.stack(stack.stackId(), stack.logicalId()).id();
        Set<String> started = kind == Kind.CREATE ? Set.of(hook().executionArn(event)) : Set.of();
        if (kind == Kind.DELETE) {
            history.deleting(claimant);
        }
        long start = history.now();
        RunLocal.Run answer;
        try {
            answer = hook().send(event);
        } catch (RuntimeException | AssertionError e) {
            // no answer reached CloudFormation: it would retry or time out; what the hook did is unknown
            return record(new SoakOperation(name, kind, Map.of(vpcId, tables), claimant, physicalId, start,
                    history.now(), Outcome.UNKNOWN, "no answer: " + e, started));
        }
        long end = history.now();
        JsonNode doc = answer.doc();
        boolean success = "SUCCESS".equals(doc.path("Status").asText());
        return record(new SoakOperation(name, kind, Map.of(vpcId, tables), claimant,
                kind == Kind.CREATE ? doc.path("PhysicalResourceId").asText(null) : physicalId, start, end,
                success ? Outcome.SUCCEEDED : Outcome.FAILED, success ? "" : shorten(doc.path("Reason").asText()),
                started));
    }

    /** The lock table the deployment's functions use (the ledger's claims are its items' data). */
    String lockTable() {
        return hook().lockTable();
    }

    private synchronized InProcessHook hook() {
        if (hook == null) {
            hook = new InProcessHook(endpoint);
        }
        return hook;
    }

    private SoakOperation record(SoakOperation operation) {
        history.add(operation);
        return operation;
    }

    private static JsonNode parse(String stdout) {
        try {
            return TestProject.json(stdout);
        } catch (RuntimeException e) {
            return TestProject.json("{}");
        }
    }

    /** The ARNs of the executions a {@code ./run-local} started, as its progress names them. */
    private static Set<String> executions(String progress) {
        Set<String> arns = new TreeSet<>();
        Matcher matcher = STARTED.matcher(progress);
        while (matcher.find()) {
            arns.add(matcher.group(1));
        }
        return arns;
    }

    private static String shorten(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    static String jsonList(List<String> values) {
        return "[\"" + String.join("\",\"", values) + "\"]";
    }

    @Override
    public synchronized void close() {
        if (hook != null) {
            hook.close();
        }
    }
}
