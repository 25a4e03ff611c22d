package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.ReleaseResult;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code "release": true}: the standing use (runs without cleanup, the schedule, fleet applies) no longer needs the
 * route tables. Under the VPC's lock the standing claim drops them; route tables nobody else claims leave our
 * endpoints, and an endpoint of ours that nobody claims any more is deleted. Stacks' claims are untouched.
 */
public final class ReleaseHandler extends JsonStepHandler<ReleaseHandler.Input, ReleaseResult> {

    public record Input(String serviceName, String vpcId, List<String> routeTableIds, String executionId) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public ReleaseHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public ReleaseHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected ReleaseResult handle(Input input, Context context) {
        SharedEndpoints endpoints = SharedEndpoints.forTable(clients.ec2(), clients.dynamoDb(), lockTable,
                input.executionId(), log(context).infoLines());
        SharedEndpoints.Released released = endpoints.releaseStanding(
                Scope.of(input.executionId(), input.vpcId(), input.serviceName()), input.executionId(),
                input.routeTableIds());
        List<String> sentences = new ArrayList<>();
        if (released.releasedRouteTables().isEmpty()) {
            sentences.add("The standing use claimed none of " + input.routeTableIds() + ": nothing was released.");
        } else {
            sentences.add("Released the standing use of " + released.releasedRouteTables() + ".");
        }
        if (!released.deleted().isEmpty()) {
            sentences.add("Deleted " + String.join(", ", released.deleted()) + ": nobody claims it any more.");
        }
        released.removedRouteTables().forEach((id, tables) -> sentences.add(tables + " left " + id + "."));
        released.keptFor().forEach((id, claimants) -> sentences.add(id + " stays for "
                + String.join(", ", claimants.stream().map(Claimant::describe).toList()) + "."));
        return new ReleaseResult(released.releasedRouteTables(), released.deleted(), released.removedRouteTables(),
                released.keptFor(), String.join(" ", sentences));
    }
}
