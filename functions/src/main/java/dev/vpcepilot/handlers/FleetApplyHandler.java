package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.fleet.SurveyResult;
import dev.vpcepilot.fleet.Target;
import dev.vpcepilot.fleet.TargetApplier;
import dev.vpcepilot.fleet.TargetRequest;

/** Fleet child step 2 (apply): reuse-or-create for each VPC the survey found not served as asked. */
public final class FleetApplyHandler extends JsonStepHandler<FleetApplyHandler.Input, SurveyResult> {

    public record Input(Target target, TargetRequest request, SurveyResult survey, String executionId) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public FleetApplyHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public FleetApplyHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected SurveyResult handle(Input input, Context context) {
        return new TargetApplier(FleetTargets.writes(clients, input.request(), input.executionId(), lockTable,
                log(context)))
                .apply(input.target(), input.request(), input.survey(), input.executionId());
    }
}
