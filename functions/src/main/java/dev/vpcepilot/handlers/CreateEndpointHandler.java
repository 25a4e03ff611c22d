package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.contract.InterfacePlacement;
import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.service.ListTablesProbe;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.InterfaceEndpoints;
import dev.vpcepilot.sharing.InterfaceWrites;
import dev.vpcepilot.sharing.PolicyWish;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.ServingState;
import dev.vpcepilot.sharing.SharedEndpoints;
import dev.vpcepilot.sharing.SharingRules;
import java.util.ArrayList;
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

    /**
     * @param endpointType     {@code Interface} for an interface endpoint (then {@code interfaces} says where, and
     *                         the security groups are {@code securityGroupIds} or the run's own, admitting the VPC and
     *                         {@code allowedCidrs}); null or {@code Gateway} for a gateway endpoint
     */
    public record Input(String serviceName, String vpcId, List<String> routeTableIds, String policyDocument,
                        Map<String, String> tags, boolean cleanup, InputValidator.CustomResource customResource,
                        String executionId, List<NetworkFacts.RouteTable> routeTablesRead, String endpointType,
                        InterfacePlacement interfaces, List<String> securityGroupIds, List<String> allowedCidrs) {
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
        if (EndpointType.INTERFACE.awsName().equals(input.endpointType())) {
            return ensureInterfaces(input, context);
        }
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

    /** The same under the interface scope's lock: its places are the subnets ResolveVpc chose. */
    private ServingState ensureInterfaces(Input input, Context context) {
        InterfacePlacement placement = input.interfaces();
        List<String> ingress = new ArrayList<>(placement.vpcCidrs());
        if (input.allowedCidrs() != null) {
            ingress.addAll(input.allowedCidrs());
        }
        SharedEndpoints endpoints = InterfaceEndpoints.forTable(clients.ec2(), clients.dynamoDb(), lockTable,
                input.executionId(), log(context).infoLines(),
                new InterfaceWrites.Spec(input.securityGroupIds(), ingress)).endpoints();
        ServingState served = endpoints.ensure(new SharingRules.Request(
                Scope.of(input.executionId(), input.vpcId(), input.serviceName()).withType(EndpointType.INTERFACE),
                Requesters.of(input.cleanup(), input.customResource(), input.executionId()), input.executionId(),
                placement.subnetIds(), PolicyWish.of(input.policyDocument()), input.tags(), placement.subnetZones()));
        log(context).info("Serving subnets " + placement.subnetIds() + " with " + served.endpoints().stream()
                .map(e -> e.vpcEndpointId() + (e.created() ? " (created)" : e.owned() ? " (reused)" : " (foreign)"))
                .toList());
        return served;
    }
}
