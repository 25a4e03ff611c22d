package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.contract.Verification;
import dev.vpcepilot.datapath.DataPathEvaluator;
import dev.vpcepilot.datapath.DataPathReader;
import dev.vpcepilot.datapath.SubnetVerdict;
import dev.vpcepilot.errors.DataPathBlocked;
import dev.vpcepilot.service.ListTablesProbe;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.List;
import java.util.TreeSet;

/**
 * Step 4: DynamoDB answers (ListTables, which the create step asked before it wrote anything), then, under the VPC's
 * lock, every requested route table routes to an available endpoint, and the requester's claim is recorded: what
 * the run reports is true when reported. A run whose create step already proved and recorded that (found
 * everything as asked, rule 16; or committed in the hold that wrote, rule 17) reports what that step read, without
 * the lock. Then, read only and after the lock, a verdict for every subnet of the VPC (the
 * data path); with {@code requireDataPath}, a subnet on a served table that cannot reach the service is
 * {@link DataPathBlocked}, which keeps the endpoint.
 */
public final class VerifyEndpointHandler extends JsonStepHandler<VerifyEndpointHandler.Input, Verification> {

    /**
     * @param verified the create step's {@code verified} (rules 16 and 17), or null
     * @param tables   what ListTables answered when the create step asked it (before it wrote anything), or null
     */
    public record Input(String serviceName, String vpcId, List<String> routeTableIds, boolean cleanup,
                        InputValidator.CustomResource customResource, String executionId, boolean requireDataPath,
                        SharedEndpoints.Committed verified, Integer tables) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public VerifyEndpointHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public VerifyEndpointHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected Verification handle(Input input, Context context) {
        int tables = input.tables() != null ? input.tables() : new ListTablesProbe(clients.dynamoDb()).countTables();
        SharedEndpoints.Committed committed = input.verified() != null ? input.verified()
                : SharedEndpoints.forTable(clients.ec2(), clients.dynamoDb(), lockTable, input.executionId(),
                        log(context).infoLines()).commit(
                        Scope.of(input.executionId(), input.vpcId(), input.serviceName()),
                        Requesters.of(input.cleanup(), input.customResource(), input.executionId()),
                        input.executionId(), input.routeTableIds());
        List<SharedEndpoints.EndpointReport> serving = committed.endpoints();
        TreeSet<String> prefixLists = new TreeSet<>(committed.coverage().prefixLists().values());
        log(context).info("Verified " + committed.coverage().servedBy() + ", prefix list " + prefixLists
                + ", ListTables saw " + tables + " tables; claims " + committed.claimants());
        String prefixListId = prefixLists.isEmpty() ? null : prefixLists.first();
        List<SubnetVerdict> subnets = prefixListId == null ? List.of() : DataPathEvaluator.evaluate(
                new DataPathReader(clients.ec2()).read(input.vpcId(), prefixListId, committed.routing()));
        boolean dataPathOk = DataPathEvaluator.dataPathOk(subnets, input.routeTableIds());
        subnets.forEach(s -> log(context).info("Data path: " + s.subnetId() + " on " + s.routeTableId() + ": "
                + DataPathEvaluator.wire(s.verdict()) + ", " + s.detail()));
        if (input.requireDataPath() && !dataPathOk) {
            throw new DataPathBlocked(DataPathEvaluator.blocked(subnets, input.routeTableIds()) + ". The endpoint is "
                    + "kept and claimed: what blocks the path is not this run's to change.");
        }
        return new Verification(true, true, prefixListId,
                serving.size() == 1 ? serving.get(0).vpcEndpointId() : null,
                serving.stream().allMatch(SharedEndpoints.EndpointReport::owned), serving, committed.claimants(),
                input.routeTableIds(), tables, dataPathOk, subnets);
    }
}
