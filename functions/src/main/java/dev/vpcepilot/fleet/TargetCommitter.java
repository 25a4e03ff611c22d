package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Apply, second half: once no endpoint of the applied VPCs is pending (one batched read; {@link EndpointBusy}
 * otherwise, which the state machine retries with backoff), each VPC's route tables are verified under its lock and
 * the standing claim takes them ({@link SharedEndpoints#commit}): what the report says is true when reported.
 */
public final class TargetCommitter {

    private final TargetWrites writes;

    public TargetCommitter(TargetWrites writes) {
        this.writes = writes;
    }

    public SurveyResult commit(Target target, TargetRequest request, SurveyResult applied, String executionArn) {
        if (applied.work().isEmpty()) {
            return new SurveyResult(applied.account(), applied.region(), applied.lines(), List.of());
        }
        String serviceName = InputValidator.defaultServiceName(target.region());
        Map<String, ReportLine> lines = TargetApplier.byVpc(applied.lines());
        try (AwsClients clients = writes.clientsFor(target)) {
            List<String> pending = pending(clients.ec2(), applied, serviceName);
            if (!pending.isEmpty()) {
                throw new EndpointBusy(pending.size() + " endpoint(s) in " + target.account() + " " + target.region()
                        + " are still pending (" + String.join(", ", pending) + "); the step is retried until they "
                        + "are available.");
            }
            SharedEndpoints endpoints = writes.endpoints(clients, executionArn);
            for (VpcWork work : applied.work()) {
                ReportLine line = lines.get(work.vpcId());
                Scope scope = new Scope(target.account(), target.region(), work.vpcId(), serviceName);
                try {
                    SharedEndpoints.Committed committed = writes.perVpc("Verifying " + scope,
                            () -> endpoints.commitStanding(scope, executionArn, work.routeTableIds()));
                    ReportLine.Status status = ReportLine.Status.valueOf(line.status().toUpperCase());
                    if (status == ReportLine.Status.DRIFTED) {
                        status = ReportLine.Status.COMPLIANT; // it only had to become available
                    }
                    // The gateway endpoints as the commit verified them; the interface endpoints as the survey
                    // listed them (apply never touches one).
                    List<ReportLine.EndpointLine> serving = Stream.concat(committed.endpoints()
                            .stream().map(e -> ReportLine.EndpointLine.gateway(e.vpcEndpointId(), e.owned(),
                                    e.routeTableIds())), line.endpoints().stream()
                            .filter(ReportLine.EndpointLine::isInterface)).toList();
                    lines.put(work.vpcId(), line.withStatus(status, serving, new ReportLine.RouteTables(
                            work.routeTableIds(), work.routeTableIds(), List.of()), null));
                } catch (WorkflowError e) {
                    lines.put(work.vpcId(), line.withStatus(ReportLine.Status.FAILED, line.endpoints(),
                            line.routeTables(), FleetError.of(e)));
                    writes.log().error(scope + " failed its verification: " + e.errorName() + ": " + e.getMessage());
                }
            }
        }
        return new SurveyResult(applied.account(), applied.region(), List.copyOf(lines.values()), List.of());
    }

    /**
     * The gateway endpoints of the applied VPCs that are still pending: an interface endpoint someone is creating
     * beside them is not the fleet's to wait for.
     */
    static List<String> pending(Ec2Client ec2, SurveyResult applied, String serviceName) {
        List<String> vpcs = applied.work().stream().map(VpcWork::vpcId).toList();
        TreeSet<String> pending = new TreeSet<>();
        for (int from = 0; from < vpcs.size(); from += RegionSurvey.FILTER_VALUES) {
            List<String> chunk = vpcs.subList(from, Math.min(vpcs.size(), from + RegionSurvey.FILTER_VALUES));
            AwsCalls.call("EC2 DescribeVpcEndpoints", () -> {
                ec2.describeVpcEndpointsPaginator(r -> r.filters(
                        Filter.builder().name("vpc-id").values(chunk).build(),
                        Filter.builder().name("service-name").values(serviceName).build(),
                        Filter.builder().name("vpc-endpoint-state").values("pending", "Pending").build()))
                        .vpcEndpoints().stream()
                        .filter(RegionView::isGateway)
                        .map(VpcEndpoint::vpcEndpointId).forEach(pending::add);
                return null;
            });
        }
        return List.copyOf(pending);
    }
}
