package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.EndpointLookup;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Delete, without a workflow: the resource's claim is released in each scope concerned, and an endpoint goes only
 * when that claim was its last (rule 3; SharedEndpoints.releaseStack). The Delete of a failed Create's marker undoes
 * what that execution left for this very stack and logical id, nothing else (rule 13; SharedEndpoints.cancel). A
 * blank id, or one that names no endpoint, releases nothing; an endpoint already gone is a success. Never changes
 * the id.
 */
final class ResourceDelete {

    private final Ec2Client ec2;
    private final WorkflowRunner workflow;
    private final Coordinators coordinators;
    private final HookScopes scopes;
    private final FunctionLog log;

    ResourceDelete(Ec2Client ec2, WorkflowRunner workflow, Coordinators coordinators, HookScopes scopes,
                   FunctionLog log) {
        this.ec2 = ec2;
        this.workflow = workflow;
        this.coordinators = coordinators;
        this.scopes = scopes;
        this.log = log;
    }

    HookAnswer delete(CustomResourceRequest event) {
        String id = event.physicalResourceId();
        if (id == null || id.isBlank()) {
            return done(id, HookReasons.nothingToDelete());
        }
        Optional<String> failedCreate = PhysicalIds.markedExecution(id);
        if (failedCreate.isPresent()) {
            return done(id, undoFailedCreate(event, failedCreate.get()));
        }
        List<String> ids = PhysicalIds.endpointIds(id);
        if (ids.isEmpty()) {
            return done(id, HookReasons.notAnEndpointId(id));
        }
        // The properties name the resource's VPC (a Delete carries the properties of the resource it deletes, also
        // of one an Update replaced): that scope holds its claim, whatever EC2's eventually consistent reads of the
        // ids say right after a create. The ids' own VPCs are looked at too.
        Set<Scope> concerned = new LinkedHashSet<>();
        scopes.ofProperties(ResourceProperties.leniently(event.resourceProperties())).ifPresent(concerned::add);
        for (String endpointId : ids) {
            EndpointLookup.find(ec2, endpointId).filter(e -> !isGone(e))
                    .ifPresent(e -> concerned.add(scopes.ofEndpoint(e)));
        }
        if (concerned.isEmpty()) {
            return done(id, HookReasons.alreadyGone(id));
        }
        List<String> sentences = new ArrayList<>();
        for (Scope scope : concerned) {
            Coordinators.Coordinator coordinator = coordinators.forRequest(event, scope);
            SharedEndpoints.Released released = coordinator.endpoints().releaseStack(scope, event.claimant(), ids);
            sentences.add(HookReasons.released(scope, released));
            sentences.addAll(coordinator.leftBehind().get());
        }
        return done(id, String.join(" ", sentences));
    }

    /** The marker's execution, if it was this resource's and got as far as a VPC, is cancelled under its lock. */
    private String undoFailedCreate(CustomResourceRequest event, String executionName) {
        Optional<WorkflowRunner.Execution> execution = workflow.find(executionName);
        if (execution.isEmpty()) {
            return HookReasons.createNeverStarted();
        }
        if (!isFor(execution.get().input(), event)) {
            log.warn("Marker " + event.physicalResourceId() + " names an execution of another resource: nothing was "
                    + "undone");
            return HookReasons.markerOfAnotherResource(event);
        }
        String executionArn = execution.get().executionArn();
        Optional<Scope> scope = scopes.ofInput(executionArn, execution.get().input());
        if (scope.isEmpty()) {
            return HookReasons.createHadNoVpc();
        }
        Coordinators.Coordinator coordinator = coordinators.forRequest(event, scope.get());
        String undone = HookReasons.createUndone(coordinator.endpoints().cancel(scope.get(), executionArn,
                event.claimant()).deleted());
        return String.join(" ", Stream.concat(Stream.of(undone), coordinator.leftBehind().get().stream()).toList());
    }

    private static HookAnswer done(String id, String reason) {
        return HookAnswer.success(id, reason, Map.of());
    }

    /** Whether an execution input carries this resource as its claimant (the hook puts it there). */
    private static boolean isFor(JsonNode input, CustomResourceRequest event) {
        JsonNode resource = input.path("customResource");
        return Objects.equals(resource.path("stackId").asText(null), event.stackId())
                && Objects.equals(resource.path("logicalResourceId").asText(null), event.logicalResourceId());
    }

    private static boolean isGone(VpcEndpoint endpoint) {
        String state = endpoint.stateAsString();
        return state != null && (state.equalsIgnoreCase("deleted") || state.equalsIgnoreCase("deleting"));
    }
}
