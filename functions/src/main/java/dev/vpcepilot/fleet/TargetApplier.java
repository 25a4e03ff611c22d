package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.PolicyWish;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.ServingState;
import dev.vpcepilot.sharing.SharedEndpoints;
import dev.vpcepilot.sharing.SharingRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Apply, first half: for each VPC the survey found not served as asked, reuse-or-create under the VPC's lock
 * ({@link SharedEndpoints#ensure}, as the standing use, exactly as a single-VPC run without cleanup), recording the
 * run's claim so that nobody deletes what the fleet is about to claim. A VPC that fails is reported failed and
 * the others go on; a busy lock or a transient error is tried again for a while first.
 */
public final class TargetApplier {

    private final TargetWrites writes;

    public TargetApplier(TargetWrites writes) {
        this.writes = writes;
    }

    public SurveyResult apply(Target target, TargetRequest request, SurveyResult survey, String executionArn) {
        String serviceName = InputValidator.defaultServiceName(target.region());
        Map<String, ReportLine> lines = byVpc(survey.lines());
        List<VpcWork> toCommit = new ArrayList<>();
        FunctionLog log = writes.log();
        try (AwsClients clients = writes.clientsFor(target)) {
            SharedEndpoints endpoints = writes.endpoints(clients, executionArn);
            for (VpcWork work : survey.work()) {
                ReportLine line = lines.get(work.vpcId());
                if (!work.ensure()) {
                    toCommit.add(work);
                    continue;
                }
                Scope scope = new Scope(target.account(), target.region(), work.vpcId(), serviceName);
                try {
                    ServingState served = writes.perVpc("Serving " + scope, () ->
                            endpoints.ensure(new SharingRules.Request(scope, Claimant.STANDING, executionArn,
                                    work.routeTableIds(), PolicyWish.of(request.policyDocument()), request.tags())));
                    boolean created = served.endpoints().stream().anyMatch(ServingState.Endpoint::created);
                    if (created || !line.actions().isEmpty()) {
                        lines.put(work.vpcId(), line.withStatus(created ? ReportLine.Status.CREATED
                                : ReportLine.Status.REPAIRED, line.endpoints(), line.routeTables(), null));
                    } // else served as surveyed, now claimed under the lock until the commit: still compliant
                    toCommit.add(work);
                    log.info(scope + ": " + String.join("; ", line.actions()));
                } catch (WorkflowError e) {
                    lines.put(work.vpcId(), line.withStatus(ReportLine.Status.FAILED, line.endpoints(),
                            line.routeTables(), FleetError.of(e)));
                    log.error(scope + " failed: " + e.errorName() + ": " + e.getMessage());
                }
            }
        }
        return new SurveyResult(survey.account(), survey.region(), List.copyOf(lines.values()), toCommit);
    }

    static Map<String, ReportLine> byVpc(List<ReportLine> lines) {
        Map<String, ReportLine> byVpc = new LinkedHashMap<>();
        lines.forEach(line -> byVpc.put(line.vpcId(), line));
        return byVpc;
    }
}
