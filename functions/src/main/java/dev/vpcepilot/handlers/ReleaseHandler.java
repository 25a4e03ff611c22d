package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InterfacePlacement;
import dev.vpcepilot.contract.ReleaseResult;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code "release": true}: the standing use (runs without cleanup, the schedule, fleet applies) no longer needs the
 * route tables. Under the VPC's lock the standing claim drops them; route tables nobody else claims leave our
 * endpoints, and an endpoint of ours that nobody claims any more is deleted. Stacks' claims are untouched.
 */
public final class ReleaseHandler extends JsonStepHandler<ReleaseHandler.Input, ReleaseResult> {

    /**
     * @param endpointType {@code Interface} to release an interface endpoint's subnets: {@code subnetIds}, or every
     *                     subnet of the VPC ({@code interfaces}); null or {@code Gateway} for route tables
     */
    public record Input(String serviceName, String vpcId, List<String> routeTableIds, String executionId,
                        String endpointType, InterfacePlacement interfaces, List<String> subnetIds) {
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
        ScopeCoordinator coordinator = ScopeCoordinator.of(clients, lockTable, input.executionId(), input.vpcId(),
                input.serviceName(), input.endpointType(), log(context).infoLines());
        // An interface scope's places are subnets: the requested ones, or every subnet of the VPC
        List<String> places = !coordinator.isInterface() ? input.routeTableIds() : input.subnetIds() != null
                ? input.subnetIds() : List.copyOf(new TreeSet<>(input.interfaces().subnetZones().keySet()));
        SharedEndpoints.Released released = coordinator.endpoints().releaseStanding(coordinator.scope(),
                input.executionId(), places);
        List<String> sentences = new ArrayList<>();
        if (released.releasedRouteTables().isEmpty()) {
            sentences.add("The standing use claimed none of " + places + ": nothing was released.");
        } else {
            sentences.add("Released the standing use of " + released.releasedRouteTables() + ".");
        }
        if (!released.deleted().isEmpty()) {
            sentences.add("Deleted " + String.join(", ", released.deleted()) + ": nobody claims it any more.");
        }
        released.removedRouteTables().forEach((id, tables) -> sentences.add(tables + " left " + id + "."));
        released.keptFor().forEach((id, claimants) -> sentences.add(id + " stays for "
                + String.join(", ", claimants.stream().map(Claimant::describe).toList()) + "."));
        sentences.addAll(coordinator.leftBehind());
        return new ReleaseResult(released.releasedRouteTables(), released.deleted(), released.removedRouteTables(),
                released.keptFor(), String.join(" ", sentences));
    }
}
