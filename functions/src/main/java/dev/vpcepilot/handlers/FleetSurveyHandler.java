package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.fleet.SurveyResult;
import dev.vpcepilot.fleet.Target;
import dev.vpcepilot.fleet.TargetRequest;
import dev.vpcepilot.fleet.TargetSurveyor;
import java.time.Clock;

/**
 * Fleet child step 1 (read only): one account-region's selected VPCs, judged. TargetUnreachable when the account's
 * role cannot be assumed or the region is not enabled (the child fails; the report says why).
 */
public final class FleetSurveyHandler extends JsonStepHandler<FleetSurveyHandler.Input, SurveyResult> {

    /** @param executionId the child execution's {@code $$.Execution.Id} */
    public record Input(Target target, TargetRequest request, String executionId) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public FleetSurveyHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public FleetSurveyHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected SurveyResult handle(Input input, Context context) {
        SurveyResult result = new TargetSurveyor(FleetTargets.access(clients, input.request(), input.executionId()),
                clients.dynamoDb(), lockTable, Clock.systemUTC()).survey(input.target(), input.request(),
                input.executionId());
        log(context).info(input.target().account() + " " + input.target().region() + ": " + result.lines().size()
                + " VPC(s), " + result.work().size() + " to apply");
        return result;
    }
}
