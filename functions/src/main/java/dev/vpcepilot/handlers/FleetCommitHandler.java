package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.fleet.SurveyResult;
import dev.vpcepilot.fleet.Target;
import dev.vpcepilot.fleet.TargetCommitter;
import dev.vpcepilot.fleet.TargetRequest;

/**
 * Fleet child step 3 (apply): once nothing is pending (EndpointBusy until then, retried by the state machine),
 * verify each applied VPC under its lock and record the standing claim.
 */
public final class FleetCommitHandler extends JsonStepHandler<FleetCommitHandler.Input, SurveyResult> {

    public record Input(Target target, TargetRequest request, SurveyResult applied, String executionId) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public FleetCommitHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public FleetCommitHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected SurveyResult handle(Input input, Context context) {
        return new TargetCommitter(FleetTargets.writes(clients, input.request(), input.executionId(), lockTable,
                log(context)))
                .commit(input.target(), input.request(), input.applied(), input.executionId());
    }
}
