package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.FailureReport;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.service.FailureDescriber;
import dev.vpcepilot.sharing.EndpointLookup;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The failure path: a failed run undoes exactly what it did (SharedEndpoints.rollback, under the VPC's lock):
 * its claim goes, what it created goes unless someone claimed it meanwhile, route tables it added leave again
 * unless claimed, policies and tags it changed are put back; then it names the error for the final Fail state.
 * Receives the whole execution state: {@code execution}, {@code error}, and once resolved {@code request}, {@code vpc},
 * {@code endpoint}.
 */
public final class RollbackHandler extends JsonStepHandler<JsonNode, FailureReport> {

    private final AwsClients clients;
    private final String lockTable;

    public RollbackHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public RollbackHandler(AwsClients clients, FunctionSettings settings) {
        super(JsonNode.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected FailureReport handle(JsonNode state, Context context) {
        JsonNode error = state.path("error");
        FailureDescriber.Described described = FailureDescriber.describe(
                error.path("Error").asText(null), error.path("Cause").asText(null));
        List<String> rolledBack = List.of();
        String executionId = state.path("execution").asText(null);
        String vpcId = state.path("vpc").path("vpcId").asText(null);
        String serviceName = state.path("request").path("serviceName").asText(null);
        // Nothing can have been created or claimed before the VPC was resolved: no lock, no AWS call then.
        if (executionId != null && vpcId != null && serviceName != null && !state.path("request").path("release")
                .asBoolean(false)) {
            Map<String, String> previousPolicies = new LinkedHashMap<>();
            state.path("endpoint").path("previousPolicies").fields()
                    .forEachRemaining(e -> previousPolicies.put(e.getKey(), e.getValue().isNull() ? null
                            : e.getValue().asText()));
            Map<String, Map<String, String>> previousTags = new LinkedHashMap<>();
            state.path("endpoint").path("previousTags").fields().forEachRemaining(e -> {
                Map<String, String> tags = new LinkedHashMap<>();
                e.getValue().fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
                previousTags.put(e.getKey(), tags);
            });
            ScopeCoordinator coordinator = ScopeCoordinator.of(clients, lockTable, executionId, vpcId, serviceName,
                    state.path("request").path("serviceType").asText(null), log(context).infoLines());
            try {
                rolledBack = coordinator.endpoints().rollback(coordinator.scope(), executionId, previousPolicies,
                        previousTags).deleted();
            } catch (TransientAwsError e) {
                // Undoing needs the lock; without it, only a run that created nothing has nothing to undo (a claim
                // it may have recorded lapses by itself). Otherwise the state machine retries, then RollbackFailed.
                if (!EndpointLookup.createdBy(clients.ec2(), executionId).isEmpty()) {
                    throw e;
                }
                log(context).warn("The lock table could not be reached (" + e.getMessage() + "); this execution "
                        + "created no endpoint, so there is nothing to undo");
            }
        }
        String cause = rolledBack.isEmpty() ? described.cause()
                : described.cause() + " Rolled back " + String.join(", ", rolledBack) + ", created by this execution.";
        log(context).error("Failing with " + described.error() + ": " + cause);
        return new FailureReport(described.error(), cause, rolledBack);
    }
}
