package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.fleet.ExecutionArn;
import dev.vpcepilot.fleet.FleetInputValidator;
import dev.vpcepilot.fleet.FleetKeys;
import dev.vpcepilot.fleet.FleetObjects;
import dev.vpcepilot.fleet.FleetPlanner;
import dev.vpcepilot.fleet.FleetRequest;
import dev.vpcepilot.fleet.Target;
import dev.vpcepilot.fleet.TargetAccess;
import dev.vpcepilot.fleet.TargetRequest;
import java.util.List;

/**
 * Fleet step 1: validates the fleet input (InvalidInput before anything is read), expands the accounts
 * (Organizations) and regions into targets, and writes them where the Distributed Map reads its items.
 */
public final class FleetPlanHandler extends JsonStepHandler<FleetPlanHandler.Input, FleetPlanHandler.Plan> {

    /** @param input the execution's input; @param executionId {@code $$.Execution.Id} */
    public record Input(JsonNode input, String executionId) {
    }

    /** Where the Map finds its items and puts its results, and what each child is given. */
    public record Plan(String mode, TargetRequest request, Location targets, String resultsPrefix, String reportKey,
                       int maxConcurrency, double toleratedFailurePercentage, int targetCount) {
    }

    public record Location(String bucket, String key) {
    }

    private final AwsClients clients;
    private final String bucket;
    private final String targetRole;

    public FleetPlanHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public FleetPlanHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.bucket = settings.fleetBucket();
        this.targetRole = settings.fleetTargetRole();
    }

    @Override
    protected Plan handle(Input input, Context context) {
        ExecutionArn execution = ExecutionArn.parse(input.executionId());
        FleetRequest request = new FleetInputValidator(clients.region(), targetRole).validate(input.input());
        TargetAccess access = new TargetAccess(clients, execution.account(), execution.partition(),
                request.roleName(), request.externalId(), execution.name());
        List<Target> targets = new FleetPlanner(clients, execution.account(), access).targets(request);
        String name = execution.name();
        new FleetObjects(clients.s3(), bucket).putJson(FleetKeys.targets(name), targets);
        log(context).info("Fleet " + request.mode().wireName() + " over " + targets.size() + " account-region(s)");
        return new Plan(request.mode().wireName(), TargetRequest.of(request), new Location(bucket,
                FleetKeys.targets(name)), FleetKeys.results(name), FleetKeys.report(name), request.maxConcurrency(),
                request.toleratedFailurePercentage(), targets.size());
    }
}
