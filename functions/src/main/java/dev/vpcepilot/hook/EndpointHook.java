package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.model.CleanupResult;
import dev.vpcepilot.service.EndpointCleaner;
import dev.vpcepilot.service.FailureDescriber;
import dev.vpcepilot.service.Ownership;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The {@code Custom::DynamoDbVpcEndpoint} lifecycle (design.md section 5). Create and Update run the workflow;
 * Delete deletes the endpoint only if it was created for this very resource. Never throws: every path ends in
 * an answer for CloudFormation, and the physical-id rules are kept here in one place:
 * <ul>
 *   <li>Create: the endpoint id; when it fails, a marker ({@value #FAILED_CREATE_PREFIX}execution-name) that the
 *       later Delete recognises: it removes whatever that failed execution may have left, nothing else.</li>
 *   <li>Update: the id of the endpoint the workflow converged on: the same one unless the VPC or the service
 *       changed (CloudFormation then deletes the old one); on every failure, the event's id.</li>
 *   <li>Delete: never changes the id; an endpoint already gone is a success.</li>
 * </ul>
 */
public final class EndpointHook {

    public static final String FAILED_CREATE_PREFIX = "vpce-pilot-failed-create:";

    private final WorkflowRunner workflow;
    private final Ec2Client ec2;
    private final String logHint;
    private final Consumer<String> log;

    /**
     * @param logHint where a person finds the details, e.g. the state machine's log group (goes into reasons)
     */
    public EndpointHook(WorkflowRunner workflow, Ec2Client ec2, String logHint, Consumer<String> log) {
        this.workflow = workflow;
        this.ec2 = ec2;
        this.logHint = logHint;
        this.log = log;
    }

    public HookAnswer handle(CustomResourceRequest event, Duration timeBudget) {
        String type = event.requestType();
        try {
            return switch (type == null ? "" : type) {
                case "Create" -> runWorkflow(event, timeBudget, FAILED_CREATE_PREFIX + executionName(event));
                case "Update" -> runWorkflow(event, timeBudget, event.physicalResourceId());
                case "Delete" -> delete(event);
                default -> HookAnswer.failed(keepOrMarker(event),
                        "Unknown RequestType " + type + ". Allowed: Create, Update, Delete.");
            };
        } catch (RuntimeException e) {
            String what = e instanceof WorkflowError we ? we.errorName() + ": " + e.getMessage()
                    : "Unexpected " + e.getClass().getName() + ": " + e.getMessage();
            log.accept(type + " failed: " + what);
            return HookAnswer.failed(keepOrMarker(event), type + " failed. " + what + " " + logHint);
        }
    }

    /**
     * Create and Update: run the workflow for the properties. On success the id is the endpoint the workflow
     * converged on: the same one unless the VPC or the service changed (or the endpoint was deleted behind
     * CloudFormation's back), in which case CloudFormation deletes the old one. On failure the id is
     * {@code failureId}: the marker for a Create, the event's id for an Update.
     */
    private HookAnswer runWorkflow(CustomResourceRequest event, Duration budget, String failureId) {
        ObjectNode input;
        try {
            input = ResourceProperties.toExecutionInput(event.resourceProperties());
        } catch (WorkflowError e) {
            return HookAnswer.failed(failureId, e.errorName() + ": " + e.getMessage());
        }
        WorkflowRunner.Outcome outcome = workflow.run(executionName(event), input, budget);
        if (outcome.status() != WorkflowRunner.Status.SUCCEEDED) {
            return HookAnswer.failed(failureId, failureReason(event.requestType(), outcome));
        }
        JsonNode output = outcome.output();
        String endpointId = output.path("vpcEndpointId").asText();
        if (output.path("created").asBoolean(false)) {
            tagForResource(endpointId, event);
        }
        return HookAnswer.success(endpointId, successReason(output, outcome), data(output));
    }

    private HookAnswer delete(CustomResourceRequest event) {
        String id = event.physicalResourceId();
        EndpointCleaner cleaner = new EndpointCleaner(ec2, log);
        if (id == null || id.isBlank()) {
            return HookAnswer.success(id, "Nothing to delete.", Map.of());
        }
        if (id.startsWith(FAILED_CREATE_PREFIX)) {
            String failedExecution = workflow.executionArn(id.substring(FAILED_CREATE_PREFIX.length()));
            List<String> removed = cleaner.deleteCreatedBy(failedExecution);
            return HookAnswer.success(id, removed.isEmpty() ? "The Create had failed; nothing was left to delete."
                    : "The Create had failed; deleted what its execution left: " + removed + ".", Map.of());
        }
        if (!id.startsWith("vpce-")) {
            return HookAnswer.success(id, id + " is not an endpoint id; nothing was deleted.", Map.of());
        }
        CleanupResult result = cleaner.deleteIfOwned(id, Map.of(
                Ownership.STACK_KEY, event.stackId(),
                Ownership.LOGICAL_ID_KEY, event.logicalResourceId()));
        return HookAnswer.success(id, result.detail(), Map.of());
    }

    /** Marks an endpoint this resource created, so that its Delete removes it and no other stack's Delete does. */
    private void tagForResource(String endpointId, CustomResourceRequest event) {
        AwsCalls.call("EC2 CreateTags", () -> ec2.createTags(r -> r.resources(endpointId).tags(
                Tag.builder().key(Ownership.STACK_KEY).value(event.stackId()).build(),
                Tag.builder().key(Ownership.LOGICAL_ID_KEY).value(event.logicalResourceId()).build())));
    }

    /** Step Functions execution names allow 80 characters of [0-9A-Za-z_-]; CloudFormation request ids are UUIDs. */
    static String executionName(CustomResourceRequest event) {
        String id = event.requestId() == null ? "no-request-id" : event.requestId();
        String name = "cfn-" + id.replaceAll("[^0-9A-Za-z_-]", "-");
        return name.length() <= 80 ? name : name.substring(0, 80);
    }

    private static String keepOrMarker(CustomResourceRequest event) {
        if ("Create".equals(event.requestType()) || event.physicalResourceId() == null) {
            return FAILED_CREATE_PREFIX + executionName(event);
        }
        return event.physicalResourceId();
    }

    private String failureReason(String what, WorkflowRunner.Outcome outcome) {
        FailureDescriber.Described described = FailureDescriber.describe(outcome.error(), outcome.cause());
        return what + " failed: " + described.error() + ": " + described.cause() + " (execution "
                + outcome.executionArn() + "; " + logHint + ")";
    }

    private static String successReason(JsonNode output, WorkflowRunner.Outcome outcome) {
        return "Endpoint " + output.path("vpcEndpointId").asText() + " "
                + (output.path("created").asBoolean(false) ? "created" : "reused") + " and verified (execution "
                + outcome.executionArn() + ")";
    }

    private static Map<String, String> data(JsonNode output) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("VpcEndpointId", output.path("vpcEndpointId").asText());
        data.put("VpcId", output.path("vpcId").asText());
        data.put("PrefixListId", output.path("prefixListId").asText());
        data.put("Created", String.valueOf(output.path("created").asBoolean(false)));
        return data;
    }
}
