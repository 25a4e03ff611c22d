package dev.vpcepilot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.Ownership;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * What apply does for a VPC the survey finds served: rules 3 and 5 of docs/design.md. Tables that the standing use
 * does not claim are taken under the lock first (the execution's run claim protects them until its commit), even
 * when nothing is to be created: what serves them may go before the commit (a run's cleanup, a stack's Delete).
 */
class VpcAssessorTest {

    private static final String VPC = "vpc-0123456789abcdef0";
    private static final String TABLE = "rtb-0123456789abcdef0";
    private static final String ENDPOINT = "vpce-0123456789abcdef0";
    private static final String PREFIX_LIST = "pl-02cd2c6b";
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    private static final String EXECUTION = "arn:aws:states:us-east-1:111111111111:execution:Fleet:apply";

    private final VpcAssessor assessor = new VpcAssessor("111111111111", "us-east-1",
            "com.amazonaws.us-east-1.dynamodb", EXECUTION,
            new TargetRequest("apply", null, "role", null, null, null));

    /** The VPC's one table routed to an available endpoint of ours. */
    private static RegionView servedView() {
        RouteTable table = RouteTable.builder().vpcId(VPC).routeTableId(TABLE).routes(Route.builder()
                .destinationPrefixListId(PREFIX_LIST).gatewayId(ENDPOINT).state("active").build()).build();
        VpcEndpoint endpoint = VpcEndpoint.builder().vpcEndpointId(ENDPOINT).vpcId(VPC)
                .serviceName("com.amazonaws.us-east-1.dynamodb").vpcEndpointType("Gateway").state("available")
                .routeTableIds(TABLE).tags(Tag.builder().key(Ownership.MANAGED_BY_KEY)
                        .value(Ownership.MANAGED_BY_VALUE).build()).build();
        return new RegionView(List.of(new RegionView.SelectedVpc(VPC, false)), Map.of(VPC, List.of(table)),
                Map.of(VPC, List.of(endpoint)));
    }

    @Test
    void aServedVpcWhoseTablesTheStandingUseDoesNotClaimIsTakenUnderTheLockBeforeItsCommit() {
        RegionView view = servedView();

        VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, ClaimsDocument.empty(), NOW);

        assertEquals(ReportLine.Status.COMPLIANT.wireName(), assessed.line().status(), assessed.line().toString());
        assertTrue(assessed.work().ensure(), "served but unclaimed: a run claim must protect it until the commit");
        assertEquals(List.of(TABLE), assessed.work().routeTableIds());
    }

    @Test
    void aServedVpcTheStandingUseClaimsAlreadyHasNothingToApply() {
        RegionView view = servedView();
        ClaimsDocument claims = ClaimsDocument.empty().withClaim(Claimant.STANDING,
                ClaimsDocument.Claim.of(List.of(TABLE), EXECUTION, NOW, NOW));

        VpcAssessor.Assessment assessed = assessor.assess(view.vpcs().get(0), view, claims, NOW);

        assertEquals(ReportLine.Status.COMPLIANT.wireName(), assessed.line().status(), assessed.line().toString());
        assertNull(assessed.work(), "served and claimed by the standing use: nothing to write");
    }
}
