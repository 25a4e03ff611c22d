package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Undoes what an execution did for a resource whose FAILED answer CloudFormation will get (rule 13): under its
 * VPC's lock (SharedEndpoints.cancel) its later writes are refused, its run claim goes, the stack's claim it
 * recorded is put back as it was before it, and what it created goes unless someone else claims it. Each step is
 * retried until the hook's deadline.
 */
final class ExecutionUndo {

    private final WorkflowRunner workflow;
    private final Coordinators coordinators;
    private final HookScopes scopes;
    private final Retrying retrying;
    private final Clock clock;
    private final FunctionLog log;

    ExecutionUndo(WorkflowRunner workflow, Coordinators coordinators, HookScopes scopes, Retrying retrying, Clock clock,
                  FunctionLog log) {
        this.workflow = workflow;
        this.coordinators = coordinators;
        this.scopes = scopes;
        this.retrying = retrying;
        this.clock = clock;
        this.log = log;
    }

    /**
     * The time bound passed: the execution is stopped, then what it did in the VPC its input names is undone.
     *
     * @return the endpoints deleted
     */
    List<String> stopAndUndo(CustomResourceRequest event, String executionArn, JsonNode input, Instant deadline) {
        retrying.until(deadline, clock, log, "Stopping the execution", () -> {
            workflow.stop(executionArn, "The custom resource answered FAILED after its time bound.");
            return null;
        });
        Optional<Scope> scope = retrying.until(deadline, clock, log, "Finding the VPC",
                () -> scopes.ofInput(executionArn, input));
        return scope.map(s -> undo(event, executionArn, s, deadline)).orElse(List.of());
    }

    /**
     * Undoes what the execution did in {@code scope}.
     *
     * @return the endpoints deleted
     */
    List<String> undo(CustomResourceRequest event, String executionArn, Scope scope, Instant deadline) {
        return retrying.until(deadline, clock, log, "Undoing the execution", () -> coordinators.forRequest(event,
                scope).endpoints().cancel(scope, executionArn, event.claimant())).deleted();
    }
}
