package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.contract.InterfacePlacement;
import dev.vpcepilot.contract.InterfaceVerification;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.service.InterfaceChecks;
import dev.vpcepilot.service.InterfaceReader;
import dev.vpcepilot.service.ListTablesProbe;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.InterfaceEndpoints;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.ServingState;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Step 4 of an interface endpoint: DynamoDB answers (ListTables); every requested subnet has an interface in use of
 * the endpoint serving it (one not in use yet is {@link EndpointBusy}: the state machine's retries are the wait), and each serving endpoint's security groups admit TCP 443 from the VPC's IPv4 CIDR blocks
 * (read without the lock: a failure here only stops the run, which rolls back); then, under the interface scope's
 * lock, every requested subnet is read again as served by an available endpoint and the requester's claim is
 * recorded ({@link SharedEndpoints#commit}, rule 5). A run that found everything as asked reports what the create
 * step read (rule 16).
 */
public final class VerifyInterfaceEndpointHandler
        extends JsonStepHandler<VerifyInterfaceEndpointHandler.Input, InterfaceVerification> {

    /**
     * @param interfaces the subnets ResolveVpc chose and the VPC's CIDR blocks
     * @param endpoint   what CreateEndpoint and the wait loop left ({@code $.endpoint})
     */
    public record Input(String serviceName, String vpcId, InterfacePlacement interfaces, boolean cleanup,
                        InputValidator.CustomResource customResource, String executionId, ServingState endpoint) {
    }

    private final AwsClients clients;
    private final String lockTable;

    public VerifyInterfaceEndpointHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public VerifyInterfaceEndpointHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.lockTable = settings.lockTable();
    }

    @Override
    protected InterfaceVerification handle(Input input, Context context) {
        int tables = new ListTablesProbe(clients.dynamoDb()).countTables();
        List<String> subnets = input.interfaces().subnetIds();
        Map<String, String> servedBy = new LinkedHashMap<>();
        input.endpoint().endpoints().forEach(e -> e.routeTableIds().forEach(s -> servedBy.put(s, e.vpcEndpointId())));
        InterfaceReader.Read read = new InterfaceReader(clients.ec2()).read(
                input.endpoint().endpoints().stream().map(ServingState.Endpoint::vpcEndpointId).toList());
        List<String> problems = new ArrayList<>(InterfaceChecks.interfaceProblems(servedBy, read.endpoints(),
                read.interfaces()));
        List<String> waiting = InterfaceChecks.interfacesNotInUseYet(servedBy, read.endpoints(), read.interfaces());
        problems.addAll(InterfaceChecks.groupProblems(input.interfaces().vpcCidrs(), read.endpoints(), read.groups()));
        if (!waiting.isEmpty() && problems.size() == waiting.size()) {
            // The wait of the contract: available, and an interface in use in each subnet (retried, then rolled back)
            throw new EndpointBusy("The interfaces of the endpoint in " + waiting + " are not in use yet: "
                    + String.join("; ", problems) + "; the step is retried.");
        }
        if (!problems.isEmpty()) {
            throw new VerificationFailed("The interface endpoint is not usable as asked: " + String.join("; ", problems)
                    + ".");
        }
        SharedEndpoints.Committed committed = input.endpoint().verified() != null ? input.endpoint().verified()
                : InterfaceEndpoints.forTable(clients.ec2(), clients.dynamoDb(), lockTable, input.executionId(),
                        log(context).infoLines()).endpoints().commit(
                        Scope.of(input.executionId(), input.vpcId(), input.serviceName())
                                .withType(EndpointType.INTERFACE),
                        Requesters.of(input.cleanup(), input.customResource(), input.executionId()),
                        input.executionId(), subnets);
        List<InterfaceVerification.Endpoint> endpoints = committed.endpoints().stream().map(report -> {
            VpcEndpoint described = read.endpoints().get(report.vpcEndpointId());
            InterfaceVerification.DnsNames names = described == null ? new InterfaceVerification.DnsNames(null,
                    List.of()) : InterfaceChecks.dnsNames(described);
            return new InterfaceVerification.Endpoint(report.vpcEndpointId(), report.owned(), report.held(),
                    report.routeTableIds(), described == null ? List.of() : described.groups().stream()
                    .map(SecurityGroupIdentifier::groupId).sorted().toList(), names, InterfaceChecks.endpointUrl(names));
        }).toList();
        InterfaceVerification.Endpoint single = endpoints.size() == 1 ? endpoints.get(0) : null;
        List<String> interfaces = InterfaceChecks.interfacesIn(subnets, read.endpoints(), read.interfaces());
        log(context).info("Verified subnets " + committed.coverage().servedBy() + ", interfaces " + interfaces
                + ", ListTables saw " + tables + " tables; claims " + committed.claimants());
        return new InterfaceVerification(true, true, true, tables, single == null ? null : single.vpcEndpointId(),
                endpoints.stream().allMatch(InterfaceVerification.Endpoint::owned), endpoints, committed.claimants(),
                subnets, List.copyOf(new TreeSet<>(endpoints.stream().flatMap(e -> e.securityGroupIds().stream())
                        .toList())), interfaces, single == null ? null : single.dnsNames(),
                single == null ? null : single.endpointUrl(), endpoints.stream()
                        .sorted(Comparator.comparing(InterfaceVerification.Endpoint::vpcEndpointId))
                        .map(InterfaceVerification.Endpoint::endpointUrl).filter(Objects::nonNull)
                        .findFirst().orElse(null));
    }
}
