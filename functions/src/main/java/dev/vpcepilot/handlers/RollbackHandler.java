package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.model.FailureReport;
import dev.vpcepilot.service.EndpointCleaner;
import dev.vpcepilot.service.FailureDescriber;
import java.util.List;

import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The failure path: deletes what this execution created (owned endpoints tagged with its execution id; an
 * endpoint it reused is never touched), then names the error for the final Fail state. Receives the whole
 * execution state: {@code execution}, {@code error} and, once the VPC was resolved, {@code vpc}.
 */
public final class RollbackHandler extends JsonStepHandler<JsonNode, FailureReport> {

    private final Ec2Client ec2;

    public RollbackHandler() {
        this(SharedClients.get());
    }

    public RollbackHandler(AwsClients clients) {
        super(JsonNode.class);
        this.ec2 = clients.ec2();
    }

    @Override
    protected FailureReport handle(JsonNode state, Context context) {
        JsonNode error = state.path("error");
        FailureDescriber.Described described = FailureDescriber.describe(
                error.path("Error").asText(null), error.path("Cause").asText(null));
        List<String> rolledBack = List.of();
        String executionId = state.path("execution").asText(null);
        // Nothing can have been created before the VPC was resolved: skip the lookup (and any AWS call) then.
        if (executionId != null && state.hasNonNull("vpc")) {
            rolledBack = new EndpointCleaner(ec2, m -> log(context, m)).deleteCreatedBy(executionId);
        }
        String cause = rolledBack.isEmpty() ? described.cause()
                : described.cause() + " Rolled back " + String.join(", ", rolledBack) + ", created by this execution.";
        log(context, "Failing with " + described.error() + ": " + cause);
        return new FailureReport(described.error(), cause, rolledBack);
    }
}
