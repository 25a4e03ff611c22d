package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.errors.TargetUnreachable;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.EventualConsistency;
import dev.vpcepilot.sharing.LeaseLedger;
import dev.vpcepilot.sharing.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The read-only part of a target's child execution: reach the account-region, read it in a few batched calls
 * ({@link RegionSurvey}), read the claims of its VPCs in batches, judge each VPC ({@link VpcAssessor}). Nothing is
 * written; in verify mode this is the whole child.
 */
public final class TargetSurveyor {

    private final TargetAccess access;
    private final DynamoDbClient ledger;
    private final String lockTable;
    private final Clock clock;

    /** @param ledger the fleet account's DynamoDB, where the lock table (and the claims) are */
    public TargetSurveyor(TargetAccess access, DynamoDbClient ledger, String lockTable, Clock clock) {
        this.access = access;
        this.ledger = ledger;
        this.lockTable = lockTable;
        this.clock = clock;
    }

    public SurveyResult survey(Target target, TargetRequest request, String executionArn) {
        if (target.problem() != null) {
            throw new TargetUnreachable(target.problem().cause());
        }
        String serviceName = InputValidator.defaultServiceName(target.region());
        RegionView view;
        try (AwsClients clients = access.clientsFor(target.account(), target.region())) {
            view = new RegionSurvey(clients.ec2(), target.account(), target.region())
                    .read(request.selection(), serviceName);
        }
        VpcAssessor assessor = new VpcAssessor(target.account(), target.region(), serviceName, executionArn, request);
        List<Scope> scopes = view.vpcs().stream().filter(v -> !v.excluded()).map(v -> assessor.scope(v.vpcId()))
                .toList();
        Map<Scope, ClaimsDocument> claims = scopes.isEmpty() ? Map.of()
                : LeaseLedger.readMany(ledger, lockTable, scopes, EventualConsistency.SLEEP);
        Instant now = clock.instant();
        List<ReportLine> lines = new ArrayList<>();
        List<VpcWork> work = new ArrayList<>();
        for (RegionView.SelectedVpc vpc : view.vpcs()) {
            VpcAssessor.Assessment assessment = assessor.assess(vpc, view,
                    claims.getOrDefault(assessor.scope(vpc.vpcId()), ClaimsDocument.empty()), now);
            lines.add(assessment.line());
            if (assessment.work() != null && request.fleetMode() == FleetMode.APPLY) {
                work.add(assessment.work());
            }
        }
        return new SurveyResult(target.account(), target.region(), lines, work);
    }
}
