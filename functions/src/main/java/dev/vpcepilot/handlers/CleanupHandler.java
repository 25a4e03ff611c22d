package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.CleanupResult;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.ServingState;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Step 5 (cleanup: true), "try it and leave no trace": releases the run's claim under the VPC's lock; what the run
 * created goes unless someone claimed it meanwhile (then it stays, and the result says for whom). An endpoint the
 * run only reused is never deleted by it.
 */
public final class CleanupHandler extends JsonStepHandler<CleanupHandler.Input, CleanupResult> {

    /** @param endpointType {@code Interface} for an interface endpoint's scope; null or {@code Gateway} otherwise */
    public record Input(String serviceName, String vpcId, String executionId, ServingState endpoint,
                        String endpointType) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public CleanupHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public CleanupHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected CleanupResult handle(Input input, Context context) {
        ScopeCoordinator coordinator = ScopeCoordinator.of(clients, lockTable, input.executionId(), input.vpcId(),
                input.serviceName(), input.endpointType(), log(context).infoLines());
        SharedEndpoints.Released released = coordinator.endpoints().cleanup(coordinator.scope(), input.executionId());
        List<String> created = input.endpoint().endpoints().stream().filter(ServingState.Endpoint::created)
                .map(ServingState.Endpoint::vpcEndpointId).toList();
        List<String> sentences = new ArrayList<>();
        if (!released.deleted().isEmpty()) {
            sentences.add("Deleted " + String.join(", ", released.deleted()) + ".");
        }
        released.keptFor().forEach((id, claimants) -> sentences.add(id + " stays: it is claimed by "
                + String.join(", ", claimants.stream().map(Claimant::describe).toList()) + "."));
        input.endpoint().endpoints().stream().filter(e -> !e.created())
                .filter(e -> !released.deleted().contains(e.vpcEndpointId()))
                .filter(e -> !released.keptFor().containsKey(e.vpcEndpointId()))
                .forEach(e -> sentences.add(e.vpcEndpointId() + " was left in place: this run did not create it"
                        + (e.owned() ? "." : " (vpce-pilot did not create it).")));
        // An interface endpoint's own security group went with it, or is named here as left behind
        sentences.addAll(coordinator.leftBehind());
        boolean cleanedUp = released.deleted().containsAll(created) && !created.isEmpty();
        if (sentences.isEmpty()) {
            sentences.add("Nothing to clean up: the run's claim is released.");
        }
        return new CleanupResult(cleanedUp, input.endpoint().vpcEndpointId(), String.join(" ", sentences),
                released.deleted(), Map.copyOf(released.keptFor()), released.claimants());
    }
}
