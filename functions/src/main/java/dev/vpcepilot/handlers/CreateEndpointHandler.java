package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.service.ListTablesProbe;
import dev.vpcepilot.sharing.PolicyWish;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.ServingState;
import dev.vpcepilot.sharing.SharedEndpoints;
import dev.vpcepilot.sharing.SharingRules;
import java.util.List;
import java.util.Map;

/**
 * Step 3: reuse-or-create under the VPC's lock (SharedEndpoints.ensure), recording the run's claim; or, for a
 * standing-use run that finds everything as asked, nothing to write and no lock (rule 16), its read without the lock
 * reusing the route tables ResolveVpc read. When what serves the route tables shows at once, the verification's
 * ListTables is asked and the requester's claim recorded in the same hold (rule 17).
 *
 * @see dev.vpcepilot.contract.ResolvedVpc#routeTables()
 */
public final class CreateEndpointHandler extends JsonStepHandler<CreateEndpointHandler.Input, ServingState> {

    public record Input(String serviceName, String vpcId, List<String> routeTableIds, String policyDocument,
                        Map<String, String> tags, boolean cleanup, InputValidator.CustomResource customResource,
                        String executionId, List<NetworkFacts.RouteTable> routeTablesRead) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public CreateEndpointHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public CreateEndpointHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected ServingState handle(Input input, Context context) {
        SharedEndpoints endpoints = SharedEndpoints.forTable(clients.ec2(), clients.dynamoDb(), lockTable,
                input.executionId(), log(context).infoLines());
        ServingState served = endpoints.ensure(new SharingRules.Request(
                Scope.of(input.executionId(), input.vpcId(), input.serviceName()),
                Requesters.of(input.cleanup(), input.customResource(), input.executionId()), input.executionId(),
                input.routeTableIds(), PolicyWish.of(input.policyDocument()), input.tags()), input.routeTablesRead(),
                new ListTablesProbe(clients.dynamoDb())::countTables);
        log(context).info("Serving " + input.routeTableIds() + " with " + served.endpoints().stream()
                .map(e -> e.vpcEndpointId() + (e.created() ? " (created)" : e.owned() ? " (reused)" : " (foreign)"))
                .toList());
        return served;
    }
}
