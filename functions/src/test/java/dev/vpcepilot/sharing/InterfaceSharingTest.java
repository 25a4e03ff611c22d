package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.LONG_AGO;
import static dev.vpcepilot.sharing.SharingFixtures.NOW;
import static dev.vpcepilot.sharing.SharingFixtures.OTHER_EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.SCOPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * The sharing rules on an interface scope, whose places are subnets ({@link InterfaceObservations}): reuse what has
 * an interface in a subnet, never modify what is not ours (rule 1), extend an endpoint of ours only with subnets of
 * zones it has none in, and gateway endpoints of the VPC are not part of the scope.
 */
class InterfaceSharingTest {

    private static final Scope INTERFACES = SCOPE.withType(EndpointType.INTERFACE);
    private static final String A1 = "subnet-0000000a1";
    private static final String A2 = "subnet-0000000a2";
    private static final String B1 = "subnet-0000000b1";
    private static final String C1 = "subnet-0000000c1";
    private static final Map<String, String> ZONES = Map.of(A1, "us-east-1a", A2, "us-east-1a", B1, "us-east-1b",
            C1, "us-east-1c");

    private static VpcEndpoint endpoint(String id, VpcEndpointType type, boolean owned, Instant created,
                                        String state, String... subnets) {
        List<Tag> tags = owned ? List.of(Tag.builder().key("managed-by").value("vpce-pilot").build(),
                Tag.builder().key("vpce-pilot:execution").value(OTHER_EXEC).build()) : List.of();
        VpcEndpoint.Builder endpoint = VpcEndpoint.builder().vpcEndpointId(id).vpcEndpointType(type).state(state)
                .creationTimestamp(created).tags(tags);
        return type == VpcEndpointType.INTERFACE ? endpoint.subnetIds(subnets).build()
                : endpoint.routeTableIds(subnets).build();
    }

    private static SharingRules.Request request(String... subnets) {
        return new SharingRules.Request(INTERFACES, Claimant.STANDING, EXEC, List.of(subnets), PolicyWish.NONE, null,
                ZONES);
    }

    @Test
    void aSubnetIsServedByTheOldestLiveInterfaceEndpointThatHasItAndGatewaysAreNotInTheScope() {
        VpcObservation world = InterfaceObservations.of(List.of(
                endpoint("vpce-new", VpcEndpointType.INTERFACE, true, NOW, "available", A1, B1),
                endpoint("vpce-old", VpcEndpointType.INTERFACE, false, LONG_AGO, "available", A1),
                endpoint("vpce-gone", VpcEndpointType.INTERFACE, true, LONG_AGO, "failed", C1),
                endpoint("vpce-gateway", VpcEndpointType.GATEWAY, true, LONG_AGO, "available", "rtb-1")));

        assertEquals(List.of("vpce-gone", "vpce-old", "vpce-new"), world.endpoints().stream()
                .map(ObservedEndpoint::vpcEndpointId).toList());
        assertEquals("vpce-old", world.routedTo(A1).orElseThrow().vpcEndpointId());
        assertEquals("vpce-new", world.routedTo(B1).orElseThrow().vpcEndpointId());
        assertTrue(world.routedTo(C1).isEmpty(), "a failed endpoint serves nothing");
        assertEquals(Set.of(A1, B1, C1), world.routeTableIds());
    }

    @Test
    void aForeignEndpointServesItsZoneAsItIsAndTheOtherSubnetsGetAnEndpointOfOurs() {
        VpcObservation world = InterfaceObservations.of(List.of(
                endpoint("vpce-foreign", VpcEndpointType.INTERFACE, false, LONG_AGO, "available", A1)));

        SharingRules.EnsurePlan plan = SharingRules.planEnsure(world, ClaimsDocument.empty(), request(A1, B1, C1), NOW);

        assertEquals(Map.of(A1, "vpce-foreign"), plan.servedBy());
        assertEquals(List.of(B1, C1), plan.toServe());
        assertNull(plan.extend(), "rule 1: the foreign endpoint is never modified");
        assertTrue(plan.createsEndpoint());
    }

    @Test
    void anEndpointOfOursTakesSubnetsOfZonesItHasNoneIn() {
        VpcObservation world = InterfaceObservations.of(List.of(
                endpoint("vpce-ours", VpcEndpointType.INTERFACE, true, LONG_AGO, "available", A1)));

        SharingRules.EnsurePlan plan = SharingRules.planEnsure(world, ClaimsDocument.empty(), request(A1, B1), NOW);

        assertEquals("vpce-ours", plan.extend());
        assertEquals(List.of(B1), plan.toServe());
    }

    @Test
    void anEndpointOfOursWithASubnetInTheZoneIsNotExtendedEC2WouldRefuseASecondOne() {
        VpcObservation world = InterfaceObservations.of(List.of(
                endpoint("vpce-ours", VpcEndpointType.INTERFACE, true, LONG_AGO, "available", A1, B1)));

        SharingRules.EnsurePlan plan = SharingRules.planEnsure(world, ClaimsDocument.empty(), request(A2, B1), NOW);

        assertEquals(Map.of(B1, "vpce-ours"), plan.servedBy());
        assertEquals(List.of(A2), plan.toServe());
        assertNull(plan.extend());
        assertFalse(SharingRules.takesSubnets(world.endpoints().get(0), List.of(A2), ZONES));
        assertFalse(SharingRules.takesSubnets(world.endpoints().get(0), List.of("subnet-0000000ff"), ZONES),
                "a subnet of unknown zone gets an endpoint of its own");
        assertTrue(SharingRules.takesSubnets(world.endpoints().get(0), List.of(C1), ZONES));
    }

    @Test
    void aReleaseTakesOutOnlyTheSubnetsNobodyClaimsAndDeletesWhatNobodyNeeds() {
        VpcObservation world = InterfaceObservations.of(List.of(
                endpoint("vpce-ours", VpcEndpointType.INTERFACE, true, LONG_AGO, "available", A1, B1)));
        ClaimsDocument claims = ClaimsDocument.empty()
                .withClaim(Claimant.STANDING, ClaimsDocument.Claim.of(List.of(A1), OTHER_EXEC, LONG_AGO, LONG_AGO))
                .withEndpoint("vpce-ours", new ClaimsDocument.EndpointRecord("standing", OTHER_EXEC, LONG_AGO));

        SharingRules.ReleasePlan partly = SharingRules.planRelease(world, claims,
                SharingRules.Releaser.claimant(Set.of(B1)), NOW);
        SharingRules.ReleasePlan all = SharingRules.planRelease(world, claims.withoutClaim(Claimant.STANDING),
                SharingRules.Releaser.claimant(Set.of(A1, B1)), NOW);

        assertEquals(Map.of("vpce-ours", List.of(B1)), partly.removeRouteTables());
        assertEquals(List.of(), partly.delete());
        assertEquals(List.of("vpce-ours"), all.delete());
    }

    @Test
    void coverageNeedsAnAvailableEndpointWithAnInterfaceInEachSubnet() {
        VpcObservation world = InterfaceObservations.of(List.of(
                endpoint("vpce-ours", VpcEndpointType.INTERFACE, true, LONG_AGO, "available", A1),
                endpoint("vpce-pending", VpcEndpointType.INTERFACE, true, NOW, "pending", B1)));

        SharingRules.Coverage coverage = SharingRules.coverage(world, List.of(A1, B1, C1));

        assertEquals(Map.of(A1, "vpce-ours"), coverage.servedBy());
        List<String> problems = new ArrayList<>(coverage.problems());
        assertEquals(2, problems.size(), problems.toString());
        assertEquals(B1 + " is served by vpce-pending, which is pending", problems.get(0));
        assertEquals(C1 + " has no network interface of an endpoint of the service", problems.get(1),
                "a subnet's problem in a subnet's terms, not a route table's");
    }
}
