package dev.vpcepilot.hook;

import dev.vpcepilot.aws.Retrying;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.service.FailureDescriber;
import dev.vpcepilot.service.VpcResolver;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.EndpointLookup;
import dev.vpcepilot.sharing.PolicyWish;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The {@code Custom::DynamoDbVpcEndpoint} lifecycle (docs/design.md section 5). Create and Update run the workflow
 * with the resource's claim (its stack and logical id); Delete releases that claim, and the endpoint goes only when
 * nobody else claims its route tables (SharedEndpoints, SharingRules). Never throws: every path ends in an answer
 * for CloudFormation, and the physical-id rules are kept here in one place:
 * <ul>
 *   <li>Create: the ids of the endpoints serving the route tables (one id, or several joined by commas when an
 *       endpoint vpce-pilot did not create serves some); when it fails, a marker
 *       ({@value #FAILED_CREATE_PREFIX}execution-name) that the later Delete recognises: it undoes what that
 *       execution left for this very stack and logical id, nothing else.</li>
 *   <li>Update: the serving endpoints' ids, the same unless the VPC, the service or the route tables changed
 *       which endpoints serve (CloudFormation then deletes the old id: that Delete releases nothing the Update moved);
 *       on every failure, the event's id.</li>
 *   <li>Delete: never changes the id; an endpoint already gone is a success.</li>
 *   <li>Past the time bound: the execution is stopped and what it did is undone before FAILED is answered, so
 *       nothing is left behind for an answer CloudFormation takes as a failure.</li>
 *   <li>An Update answered FAILED after its execution succeeded (a Tags change on endpoints it does not hold): what
 *       the execution did is undone first, for the same reason (in another VPC it would be an orphan).</li>
 * </ul>
 */
public final class EndpointHook {

    public static final String FAILED_CREATE_PREFIX = "vpce-pilot-failed-create:";
    /**
     * Of the hook's time, what is kept to stop and undo an execution that outlives the rest (at most a quarter of a
     * short time bound): the FAILED answer still comes at the time bound, with nothing left behind.
     */
    static final Duration UNDO_RESERVE = Duration.ofSeconds(20);

    /** What the hook needs of the endpoints: the shared coordinator for a given owner. */
    public interface Endpoints {
        SharedEndpoints forOwner(String owner);
    }

    private final WorkflowRunner workflow;
    private final Ec2Client ec2;
    private final Endpoints endpoints;
    private final String region;
    private final String logHint;
    private final FunctionLog log;
    private final Retrying retrying;
    private final Clock clock;

    /**
     * @param region   the region the hook (and the state machine) runs in
     * @param logHint  where a person finds the details, e.g. the state machine's log group (goes into reasons)
     * @param retrying how the hook's own AWS work is retried until its deadline
     */
    public EndpointHook(WorkflowRunner workflow, Ec2Client ec2, Endpoints endpoints, String region, String logHint,
                        FunctionLog log, Retrying retrying, Clock clock) {
        this.workflow = workflow;
        this.ec2 = ec2;
        this.endpoints = endpoints;
        this.region = region;
        this.logHint = logHint;
        this.log = log;
        this.retrying = retrying;
        this.clock = clock;
    }

    public HookAnswer handle(CustomResourceRequest event, Duration timeBudget) {
        String type = event.requestType();
        Instant deadline = clock.instant().plus(timeBudget);
        try {
            return switch (type == null ? "" : type) {
                case "Create" -> runWorkflow(event, timeBudget, deadline, FAILED_CREATE_PREFIX + executionName(event));
                case "Update" -> runWorkflow(event, timeBudget, deadline, event.physicalResourceId());
                case "Delete" -> retrying.until(deadline, clock, log, "Delete", () -> delete(event));
                default -> HookAnswer.failed(keepOrMarker(event),
                        "Unknown RequestType " + type + ". Allowed: Create, Update, Delete.");
            };
        } catch (RuntimeException e) {
            String what = e instanceof WorkflowError we ? we.errorName() + ": " + e.getMessage()
                    : "Unexpected " + e.getClass().getName() + ": " + e.getMessage();
            log.error(type + " failed: " + what);
            return HookAnswer.failed(keepOrMarker(event), type + " failed. " + what + " " + logHint);
        }
    }

    /**
     * Create and Update: run the workflow for the properties, claiming for this resource. On failure the id is
     * {@code failureId}: the marker for a Create, the event's id for an Update.
     */
    private HookAnswer runWorkflow(CustomResourceRequest event, Duration timeBudget, Instant deadline,
                                   String failureId) {
        ObjectNode input;
        try {
            input = executionInput(event);
        } catch (WorkflowError e) {
            return HookAnswer.failed(failureId, e.errorName() + ": " + e.getMessage());
        }
        String name = executionName(event);
        // A retried run attaches to the execution of the same name: Step Functions starts it once.
        Duration reserve = min(UNDO_RESERVE, remaining(deadline).dividedBy(4));
        Instant waitUntil = deadline.minus(reserve);
        WorkflowRunner.Outcome outcome = retrying.until(waitUntil, clock, log, "Running the workflow",
                () -> workflow.run(name, input, remaining(waitUntil)));
        if (outcome.status() == WorkflowRunner.Status.TIMED_OUT) {
            return timedOut(event, outcome, input, failureId, timeBudget, deadline);
        }
        if (outcome.status() != WorkflowRunner.Status.SUCCEEDED) {
            return HookAnswer.failed(failureId, failureReason(event.requestType(), outcome));
        }
        JsonNode output = outcome.output();
        List<String> ids = servingIds(output);
        if ("Update".equals(event.requestType()) && tagsChanged(event) && !allHeld(output)) {
            // FAILED after the execution succeeded: CloudFormation keeps the event's id and never hears of what the
            // execution did (in another VPC, an endpoint it created and the stack's claim there would be orphans),
            // so it is undone before the answer, as after the time bound.
            List<String> undone = undo(event, outcome.executionArn(), input, deadline);
            return HookAnswer.failed(failureId, "Update failed: the Tags changed, but the route tables are served by "
                    + "endpoints this resource does not hold (" + output.path("endpoints") + "; claims "
                    + output.path("claims") + "): only the claimant an endpoint was created for may change its tags. "
                    + "What the execution " + outcome.executionArn() + " did was undone" + (undone.isEmpty() ? ""
                    : ": " + undone + " deleted") + ".");
        }
        return HookAnswer.success(String.join(",", ids), successReason(output, outcome), data(output));
    }

    /** The execution input: the properties, this resource as the claimant, and the declarative parts made explicit. */
    private ObjectNode executionInput(CustomResourceRequest event) {
        ObjectNode input = ResourceProperties.toExecutionInput(event.resourceProperties());
        if (event.stackId() == null || event.logicalResourceId() == null) {
            throw new InvalidInput("The request lacks StackId or LogicalResourceId.");
        }
        ObjectNode customResource = input.putObject("customResource");
        customResource.put("stackId", event.stackId());
        customResource.put("logicalResourceId", event.logicalResourceId());
        // A template's Tags are the endpoint's user tags: removing them from the template removes them.
        if (!input.has("tags")) {
            input.putObject("tags");
        }
        // Removing PolicyDocument from the template puts AWS's default back (EC2 ResetPolicy), as the template says.
        if ("Update".equals(event.requestType()) && !input.has("policyDocument")
                && ResourceProperties.text(event.oldResourceProperties(), "PolicyDocument") != null) {
            input.put("policyDocument", PolicyWish.DEFAULT_KEYWORD);
        }
        return input;
    }

    /**
     * The time bound passed: stop the execution, then undo what it did (under the VPC's lock, refusing its later
     * writes), so that a FAILED answer never leaves an endpoint behind.
     */
    private HookAnswer timedOut(CustomResourceRequest event, WorkflowRunner.Outcome outcome,
                                ObjectNode input, String failureId, Duration timeBudget, Instant deadline) {
        retrying.until(deadline, clock, log, "Stopping the execution", () -> {
            workflow.stop(outcome.executionArn(), "The custom resource answered FAILED after its time bound.");
            return null;
        });
        List<String> undone = undo(event, outcome.executionArn(), input, deadline);
        return HookAnswer.failed(failureId, event.requestType() + " failed: the execution " + outcome.executionArn()
                + " did not finish within the " + timeBudget.toSeconds() + " s this invocation had; it was stopped"
                + (undone.isEmpty() ? "" : " and " + undone + " deleted") + ". " + logHint);
    }

    /**
     * Undoes what an execution did for this resource, under its VPC's lock (SharedEndpoints.cancel): its later writes
     * are refused, its run claim goes, the stack's claim it recorded is put back as it was before it, and what it
     * created goes unless someone else claims it. For an execution whose work CloudFormation will not learn of.
     *
     * @return the endpoints deleted
     */
    private List<String> undo(CustomResourceRequest event, String executionArn, JsonNode input, Instant until) {
        Optional<Scope> scope = retrying.until(until, clock, log, "Finding the VPC", () -> scopeOf(input));
        if (scope.isEmpty()) {
            return List.of();
        }
        return retrying.until(until, clock, log, "Undoing the execution", () -> coordinator(event)
                .cancel(scope.get(), executionArn, claimant(event))).deleted();
    }

    private HookAnswer delete(CustomResourceRequest event) {
        String id = event.physicalResourceId();
        if (id == null || id.isBlank()) {
            return HookAnswer.success(id, "Nothing to delete.", Map.of());
        }
        if (id.startsWith(FAILED_CREATE_PREFIX)) {
            String failedExecution = workflow.executionArn(id.substring(FAILED_CREATE_PREFIX.length()));
            Optional<JsonNode> failedInput = workflow.input(failedExecution);
            if (failedInput.isEmpty()) {
                return HookAnswer.success(id, "The Create had failed before its execution started; nothing to undo.",
                        Map.of());
            }
            if (!isFor(failedInput.get(), event)) {
                log.warn("Marker " + id + " names an execution of another resource: nothing was undone");
                return HookAnswer.success(id, "The marker names an execution that was not for this resource ("
                        + event.logicalResourceId() + " of this stack); nothing was undone.", Map.of());
            }
            Optional<Scope> scope = scopeOf(failedInput.get());
            if (scope.isEmpty()) {
                return HookAnswer.success(id, "The Create had failed before a VPC was resolved; nothing to undo.",
                        Map.of());
            }
            SharedEndpoints.Released undone = coordinator(event).cancel(scope.get(), failedExecution, claimant(event));
            return HookAnswer.success(id, undone.deleted().isEmpty()
                    ? "The Create had failed; nothing it made was left for this resource."
                    : "The Create had failed; deleted what its execution left: " + undone.deleted() + ".", Map.of());
        }
        List<String> ids = Arrays.stream(id.split(",")).map(String::trim).filter(s -> s.startsWith("vpce-")).toList();
        if (ids.isEmpty()) {
            return HookAnswer.success(id, id + " is not an endpoint id; nothing was released.", Map.of());
        }
        // The properties name the resource's VPC (a Delete carries the properties of the resource it deletes, also
        // of one an Update replaced): that scope holds its claim, whatever EC2's eventually consistent reads of the
        // ids say right after a create. The ids' own VPCs are looked at too.
        Set<Scope> scopes = new LinkedHashSet<>();
        scopeOf(ResourceProperties.leniently(event.resourceProperties())).ifPresent(scopes::add);
        for (String endpointId : ids) {
            EndpointLookup.find(ec2, endpointId).filter(e -> !isGone(e)).ifPresent(e -> scopes.add(scopeOf(e)));
        }
        if (scopes.isEmpty()) {
            return HookAnswer.success(id, id + " is already gone.", Map.of());
        }
        List<String> sentences = new ArrayList<>();
        for (Scope scope : scopes) {
            SharedEndpoints.Released released = coordinator(event).releaseStack(scope, claimant(event), ids);
            sentences.add(describeRelease(scope, released));
        }
        return HookAnswer.success(id, String.join(" ", sentences), Map.of());
    }

    private static String describeRelease(Scope scope, SharedEndpoints.Released released) {
        if (released.releasedRouteTables().isEmpty()) {
            return "This resource held no claim in " + scope.vpcId() + " under this id (an Update moved it); nothing "
                    + "was released.";
        }
        StringBuilder text = new StringBuilder("Released " + released.releasedRouteTables() + " in " + scope.vpcId()
                + ".");
        if (!released.deleted().isEmpty()) {
            text.append(" Deleted ").append(String.join(", ", released.deleted())).append(": nobody else claims it.");
        }
        released.keptFor().forEach((endpoint, claimants) -> text.append(' ').append(endpoint).append(" stays for ")
                .append(String.join(", ", claimants.stream().map(c -> new Claimant(c).describe()).toList()))
                .append('.'));
        return text.toString();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Whether an execution input carries this resource as its claimant (the hook puts it there). */
    private static boolean isFor(JsonNode input, CustomResourceRequest event) {
        JsonNode resource = input.path("customResource");
        return Objects.equals(resource.path("stackId").asText(null), event.stackId())
                && Objects.equals(resource.path("logicalResourceId").asText(null), event.logicalResourceId());
    }

    private SharedEndpoints coordinator(CustomResourceRequest event) {
        return endpoints.forOwner("cfn-" + event.requestId());
    }

    private static Claimant claimant(CustomResourceRequest event) {
        return Claimant.stack(event.stackId(), event.logicalResourceId());
    }

    /** The scope an execution input names: its VPC (or the region's default VPC) and service. */
    private Optional<Scope> scopeOf(JsonNode input) {
        String service = input.path("serviceName").isTextual() ? input.get("serviceName").asText()
                : InputValidator.defaultServiceName(region);
        String vpcId = input.path("vpcId").isTextual() ? input.get("vpcId").asText()
                : new VpcResolver(ec2).defaultVpcId().orElse(null);
        return vpcId == null ? Optional.empty() : Optional.of(Scope.of(workflow.executionArn("scope"), vpcId, service));
    }

    private Scope scopeOf(VpcEndpoint endpoint) {
        return Scope.of(workflow.executionArn("scope"), endpoint.vpcId(), endpoint.serviceName());
    }

    private static boolean isGone(VpcEndpoint endpoint) {
        String state = endpoint.stateAsString();
        return state != null && (state.equalsIgnoreCase("deleted") || state.equalsIgnoreCase("deleting"));
    }

    private static List<String> servingIds(JsonNode output) {
        TreeSet<String> ids = new TreeSet<>();
        output.path("endpoints").forEach(e -> ids.add(e.path("vpcEndpointId").asText()));
        if (ids.isEmpty() && output.path("vpcEndpointId").isTextual()) {
            ids.add(output.get("vpcEndpointId").asText());
        }
        return List.copyOf(ids);
    }

    private static boolean tagsChanged(CustomResourceRequest event) {
        Object before = event.oldResourceProperties() == null ? null : event.oldResourceProperties().get("Tags");
        Object after = event.resourceProperties() == null ? null : event.resourceProperties().get("Tags");
        return !Objects.equals(ResourceProperties.tagsOf(before), ResourceProperties.tagsOf(after));
    }

    private static boolean allHeld(JsonNode output) {
        for (JsonNode endpoint : output.path("endpoints")) {
            if (!endpoint.path("held").asBoolean(false)) {
                return false;
            }
        }
        return output.path("endpoints").size() > 0;
    }

    /** Step Functions execution names allow 80 characters of [0-9A-Za-z_-]; CloudFormation request ids are UUIDs. */
    static String executionName(CustomResourceRequest event) {
        String name = "cfn-" + event.requestId().replaceAll("[^0-9A-Za-z_-]", "-");
        return name.length() <= 80 ? name : name.substring(0, 80);
    }

    private static String keepOrMarker(CustomResourceRequest event) {
        if ("Create".equals(event.requestType()) || event.physicalResourceId() == null) {
            return event.requestId() == null ? FAILED_CREATE_PREFIX + "no-request"
                    : FAILED_CREATE_PREFIX + executionName(event);
        }
        return event.physicalResourceId();
    }

    private String failureReason(String what, WorkflowRunner.Outcome outcome) {
        FailureDescriber.Described described = FailureDescriber.describe(outcome.error(), outcome.cause());
        return what + " failed: " + described.error() + ": " + described.cause() + " (execution "
                + outcome.executionArn() + "; " + logHint + ")";
    }

    private static String successReason(JsonNode output, WorkflowRunner.Outcome outcome) {
        return "Route tables " + output.path("routeTableIds") + " served by " + servingIds(output) + " ("
                + (output.path("created").asBoolean(false) ? "created" : "reused") + ") and verified; claims "
                + output.path("claims") + " (execution " + outcome.executionArn() + ")";
    }

    private static Map<String, String> data(JsonNode output) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("VpcEndpointId", String.join(",", servingIds(output)));
        data.put("VpcId", output.path("vpcId").asText());
        data.put("PrefixListId", output.path("prefixListId").asText());
        data.put("Created", String.valueOf(output.path("created").asBoolean(false)));
        List<String> claims = new ArrayList<>();
        output.path("claims").forEach(c -> claims.add(c.asText()));
        data.put("Claims", String.join(" ", claims));
        return data;
    }
}
