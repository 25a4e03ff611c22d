package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.AWS_DEFAULT;
import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.LONG_AGO;
import static dev.vpcepilot.sharing.SharingFixtures.NOW;
import static dev.vpcepilot.sharing.SharingFixtures.OTHER_EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.PL;
import static dev.vpcepilot.sharing.SharingFixtures.POLICY_P1;
import static dev.vpcepilot.sharing.SharingFixtures.POLICY_P2;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_A;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_B;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_C;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_D;
import static dev.vpcepilot.sharing.SharingFixtures.STACK_X;
import static dev.vpcepilot.sharing.SharingFixtures.STACK_Y;
import static dev.vpcepilot.sharing.SharingFixtures.claim;
import static dev.vpcepilot.sharing.SharingFixtures.foreign;
import static dev.vpcepilot.sharing.SharingFixtures.noClaims;
import static dev.vpcepilot.sharing.SharingFixtures.ours;
import static dev.vpcepilot.sharing.SharingFixtures.record;
import static dev.vpcepilot.sharing.SharingFixtures.request;
import static dev.vpcepilot.sharing.SharingFixtures.runClaim;
import static dev.vpcepilot.sharing.SharingFixtures.world;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.errors.ExecutionCancelled;
import dev.vpcepilot.errors.PolicyConflict;
import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.sharing.SharingRules.EnsurePlan;
import dev.vpcepilot.sharing.SharingRules.PolicyChange;
import dev.vpcepilot.sharing.SharingRules.ReleasePlan;
import dev.vpcepilot.sharing.SharingRules.Releaser;
import dev.vpcepilot.sharing.SharingRules.Repair;
import dev.vpcepilot.sharing.SharingRules.TagChange;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of {@link SharingRules}, each on the smallest VPC and claims that show it. */
class SharingRulesTest {

    private static final Claimant STANDING = Claimant.STANDING;

    private static EnsurePlan plan(VpcObservation world, ClaimsDocument claims, SharingRules.Request request) {
        return SharingRules.planEnsure(world, claims, request, NOW);
    }

    private static void assertNothingToChange(EnsurePlan plan) {
        assertEquals(List.of(), plan.repairs(), "repairs");
        assertEquals(List.of(), plan.policyChanges(), "policy changes");
        assertEquals(List.of(), plan.tagChanges(), "tag changes");
    }

    @Nested
    class Serving {

        @Test
        void routeTablesNothingServesGetANewEndpoint() {
            EnsurePlan plan = plan(world().build(), noClaims(), request(STANDING, RTB_B, RTB_A));

            assertEquals(List.of(RTB_A, RTB_B), plan.toServe());
            assertNull(plan.extend());
            assertTrue(plan.createsEndpoint());
            assertEquals(Map.of(), plan.servedBy());
            assertNothingToChange(plan);
        }

        @Test
        void routeTablesAlreadyRoutedToALiveEndpointAreServedByIt() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A, RTB_B));

            assertEquals(Map.of(RTB_A, "vpce-o", RTB_B, "vpce-o"), plan.servedBy());
            assertEquals(List.of(), plan.toServe());
            assertFalse(plan.createsEndpoint());
            assertNothingToChange(plan);
        }

        @Test
        void aForeignEndpointIsReusedForWhatItCoversAndTheRestGetsAnEndpointOfOurs() {
            // The foreign endpoint is the oldest and available: were it ours, the rest would be added to it.
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A).tags(Map.of("team", "network"))).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, PolicyWish.NONE, Map.of("app", "x"),
                    RTB_A, RTB_B));

            assertEquals(Map.of(RTB_A, "vpce-f"), plan.servedBy());
            assertEquals(List.of(RTB_B), plan.toServe());
            assertNull(plan.extend(), "a foreign endpoint is never extended");
            assertTrue(plan.createsEndpoint());
            assertNothingToChange(plan);
            assertEquals(Map.of(), plan.holders(), "a foreign endpoint has no holder");
        }

        @Test
        void aForeignEndpointWhosePolicyIsWhatWasAskedIsReusedUnchanged() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A).policy(POLICY_P1)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, PolicyWish.of(POLICY_P1), null, RTB_A));

            assertEquals(Map.of(RTB_A, "vpce-f"), plan.servedBy());
            assertNothingToChange(plan);
        }

        @Test
        void aRouteTableRoutedToAnEndpointBeingDeletedIsBusy() {
            VpcObservation vpc = world().routed(ours("vpce-d", RTB_A).state("deleting")).build();

            EndpointBusy busy = assertThrows(EndpointBusy.class,
                    () -> plan(vpc, noClaims(), request(STANDING, RTB_A)));

            assertTrue(busy.getMessage().contains(RTB_A) && busy.getMessage().contains("vpce-d"), busy.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"failed", "rejected", "expired", "deleted"})
        void aRouteTableRoutedToADeadEndpointIsNotAvailable(String state) {
            VpcObservation vpc = world().routed(foreign("vpce-x", RTB_A).state(state)).build();

            EndpointNotAvailable error = assertThrows(EndpointNotAvailable.class,
                    () -> plan(vpc, noClaims(), request(STANDING, RTB_A)));

            assertTrue(error.getMessage().contains("vpce-x") && error.getMessage().contains(state),
                    error.getMessage());
        }

        @Test
        void aRouteTableAssociatedWithOurEndpointButWithoutRouteIsRepaired() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B)).noRoute(RTB_B).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A, RTB_B));

            assertEquals(List.of(new Repair("vpce-o", RTB_B)), plan.repairs());
            assertEquals(Map.of(RTB_A, "vpce-o", RTB_B, "vpce-o"), plan.servedBy());
            assertEquals(List.of(), plan.toServe());
        }

        @Test
        void aRouteTableAssociatedWithAForeignEndpointWithoutRouteFailsAndIsNotRepaired() {
            VpcObservation vpc = world().unrouted(foreign("vpce-f", RTB_A)).build();

            VerificationFailed failed = assertThrows(VerificationFailed.class,
                    () -> plan(vpc, noClaims(), request(STANDING, RTB_A)));

            assertTrue(failed.getMessage().contains(RTB_A) && failed.getMessage().contains("vpce-f"),
                    failed.getMessage());
        }

        @ParameterizedTest
        @ValueSource(booleans = {true, false})
        void aPendingEndpointServesItsRouteTablesBeforeItsRoutesAppear(boolean owned) {
            SharingFixtures.Ep pending = (owned ? ours("vpce-p", RTB_A) : foreign("vpce-p", RTB_A)).state("pending");
            VpcObservation vpc = world().unrouted(pending).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A));

            assertEquals(Map.of(RTB_A, "vpce-p"), plan.servedBy());
            assertEquals(List.of(), plan.toServe());
            assertNothingToChange(plan);
        }

        @ParameterizedTest
        @ValueSource(strings = {"failed", "deleting"})
        void aRouteTableOnlyAssociatedWithAnEndpointThatWillNotServeIsServedAnew(String state) {
            VpcObservation vpc = world().unrouted(ours("vpce-x", RTB_A).state(state)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A));

            assertEquals(List.of(RTB_A), plan.toServe());
            assertTrue(plan.createsEndpoint());
        }

        @Test
        void theRequestServesEachRouteTableOnce() {
            SharingRules.Request request = request(STANDING, RTB_B, RTB_A, RTB_B);

            assertEquals(List.of(RTB_A, RTB_B), request.routeTableIds());
        }
    }

    @Nested
    class Policy {

        @Test
        void noPolicyWishIsSatisfiedByAnyPolicy() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A).policy(POLICY_P1))
                    .routed(ours("vpce-o", RTB_B).policy(POLICY_P2)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            EnsurePlan plan = plan(vpc, claims, request(STANDING, RTB_A, RTB_B));

            assertNothingToChange(plan);
        }

        @Test
        void aDifferentPolicyOnAForeignEndpointIsAConflict() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A).policy(POLICY_P1)).build();

            PolicyConflict conflict = assertThrows(PolicyConflict.class,
                    () -> plan(vpc, noClaims(), request(STANDING, PolicyWish.of(POLICY_P2), null, RTB_A)));

            assertTrue(conflict.getMessage().contains("vpce-f"), conflict.getMessage());
            assertTrue(conflict.getMessage().contains("not created by vpce-pilot"), conflict.getMessage());
        }

        @Test
        void aDifferentPolicyOnAnEndpointHeldByAnotherClaimantIsAConflictNamingTheHolder() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).policy(POLICY_P1)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_X, claim(RTB_A));

            PolicyConflict conflict = assertThrows(PolicyConflict.class,
                    () -> plan(vpc, claims, request(STACK_Y, PolicyWish.of(POLICY_P2), null, RTB_A)));

            assertTrue(conflict.getMessage().contains("vpce-o"), conflict.getMessage());
            assertTrue(conflict.getMessage().contains(STACK_X.describe()), conflict.getMessage());
        }

        @Test
        void askingAnotherHoldersEndpointForAwsDefaultIsAConflictToo() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).policy(POLICY_P1)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            assertThrows(PolicyConflict.class,
                    () -> plan(vpc, claims, request(STANDING, PolicyWish.DEFAULT, null, RTB_A)));
        }

        @Test
        void aDifferentPolicyOnAnOwnedEndpointWithoutRecordIsAConflict() {
            // Made by vpce-pilot before claims existed (or by another execution that died before recording it).
            VpcObservation vpc = world().routed(ours("vpce-legacy", RTB_A).policy(POLICY_P1).by(OTHER_EXEC)).build();

            PolicyConflict conflict = assertThrows(PolicyConflict.class,
                    () -> plan(vpc, noClaims(), request(STANDING, PolicyWish.of(POLICY_P2), null, RTB_A)));

            assertTrue(conflict.getMessage().contains("vpce-legacy"), conflict.getMessage());
            assertTrue(conflict.getMessage().contains("before claims were recorded"), conflict.getMessage());
        }

        @Test
        void onAnEndpointTheRequesterHoldsADifferentPolicyIsAPlannedChange() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).policy(POLICY_P1)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            EnsurePlan plan = plan(vpc, claims, request(STACK_X, PolicyWish.of(POLICY_P2), null, RTB_A));

            assertEquals(List.of(new PolicyChange("vpce-o", PolicyWish.of(POLICY_P2), POLICY_P1)),
                    plan.policyChanges());
            assertEquals(Map.of("vpce-o", STACK_X.id()), plan.holders());
        }

        @Test
        void defaultOnAHeldEndpointWithAnotherPolicyPlansAReset() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).policy(POLICY_P1)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STANDING, OTHER_EXEC));

            EnsurePlan plan = plan(vpc, claims, request(STANDING, PolicyWish.of("default"), null, RTB_A));

            assertEquals(List.of(new PolicyChange("vpce-o", PolicyWish.DEFAULT, POLICY_P1)), plan.policyChanges());
            assertTrue(plan.policyChanges().get(0).wish().reset());
        }

        @ParameterizedTest
        @ValueSource(strings = {
                AWS_DEFAULT,
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"*\"],\"Resource\":[\"*\"]}]}",
                "{\n  \"Statement\" : [ {\n    \"Resource\" : \"*\", \"Action\" : \"*\", \"Principal\" : \"*\", \"Effect\" : \"Allow\" } ]\n}"})
        void awsDefaultPolicyInAnySpellingSatisfiesDefaultEvenOnAForeignEndpoint(String shown) {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A).policy(shown)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, PolicyWish.DEFAULT, null, RTB_A));

            assertNothingToChange(plan);
        }

        @Test
        void theSameDocumentFormattedDifferentlyIsNoChange() {
            String reformatted = "{ \"Statement\" : [ { \"Resource\" : \"arn:aws:dynamodb:us-east-1:123456789012:"
                    + "table/one\", \"Action\" : \"dynamodb:GetItem\", \"Principal\" : \"*\", \"Effect\" : \"Allow\" } ],"
                    + " \"Version\" : \"2012-10-17\" }";
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A).policy(reformatted)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, PolicyWish.of(POLICY_P1), null, RTB_A));

            assertNothingToChange(plan);
        }
    }

    @Nested
    class Tags {

        private final ClaimsDocument heldByStanding = noClaims()
                .withEndpoint("vpce-o", record(STANDING, OTHER_EXEC));

        @Test
        void aHeldEndpointGetsTheRequestedTagsAndLosesTheOthers() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)
                    .tags(Map.of("keep", "same", "change", "old", "drop", "x", "also-drop", "y"))).build();

            EnsurePlan plan = plan(vpc, heldByStanding, request(STANDING, PolicyWish.NONE,
                    Map.of("keep", "same", "change", "new", "add", "z"), RTB_A));

            assertEquals(List.of(new TagChange("vpce-o", Map.of("change", "new", "add", "z"),
                    List.of("also-drop", "drop"))), plan.tagChanges());
        }

        @Test
        void aHeldEndpointThatHasTheRequestedTagsIsNotRetagged() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).tags(Map.of("app", "x"))).build();

            assertEquals(List.of(), plan(vpc, heldByStanding,
                    request(STANDING, PolicyWish.NONE, Map.of("app", "x"), RTB_A)).tagChanges());
        }

        @Test
        void noTagWishLeavesTheTagsAlone() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).tags(Map.of("app", "x"))).build();

            assertEquals(List.of(), plan(vpc, heldByStanding, request(STANDING, RTB_A)).tagChanges());
        }

        @Test
        void anEndpointHeldByAnotherClaimantOrWithoutRecordIsNotRetagged() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).tags(Map.of("app", "x")))
                    .routed(ours("vpce-legacy", RTB_B).tags(Map.of("app", "x"))).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            EnsurePlan plan = plan(vpc, claims, request(STANDING, PolicyWish.NONE, Map.of("app", "y"),
                    RTB_A, RTB_B));

            assertEquals(List.of(), plan.tagChanges());
        }
    }

    @Nested
    class Extension {

        @Test
        void anEndpointOfOursThatAlreadyServesSomeRequestedTablesTakesTheRest() {
            // vpce-o is held by stack X, vpce-h by the requester: the one already serving the request wins, so
            // that one endpoint serves it.
            VpcObservation vpc = world().routed(ours("vpce-h", RTB_C).created(LONG_AGO.minusSeconds(60)))
                    .routed(ours("vpce-o", RTB_A)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withEndpoint("vpce-h", record(STANDING, OTHER_EXEC));

            EnsurePlan plan = plan(vpc, claims, request(STANDING, PolicyWish.NONE, Map.of("app", "x"),
                    RTB_A, RTB_B));

            assertEquals("vpce-o", plan.extend());
            assertEquals(List.of(RTB_B), plan.toServe());
            assertFalse(plan.createsEndpoint());
            assertEquals(List.of(), plan.tagChanges(), "the extended endpoint is stack X's: its tags are its own");
            assertEquals(List.of(), plan.policyChanges());
            assertEquals(STACK_X.id(), plan.holders().get("vpce-o"));
        }

        @Test
        void ofSeveralServingEndpointsTheOneServingMostRequestedTablesTakesTheRest() {
            VpcObservation vpc = world().routed(ours("vpce-1", RTB_A).created(LONG_AGO))
                    .routed(ours("vpce-2", RTB_B, RTB_C).created(LONG_AGO.plusSeconds(1))).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A, RTB_B, RTB_C, RTB_D));

            assertEquals("vpce-2", plan.extend());
            assertEquals(List.of(RTB_D), plan.toServe());
        }

        @Test
        void betweenServingEndpointsThatServeAsManyTablesTheOldestTakesTheRest() {
            VpcObservation vpc = world().routed(ours("vpce-2", RTB_B).created(LONG_AGO.plusSeconds(1)))
                    .routed(ours("vpce-1", RTB_A).created(LONG_AGO)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A, RTB_B, RTB_D));

            assertEquals("vpce-1", plan.extend());
        }

        @Test
        void elseAnEndpointTheRequesterHoldsTakesThemWithTheRequestedPolicyAndTags() {
            VpcObservation vpc = world().routed(ours("vpce-h", RTB_C).policy(POLICY_P1)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-h", record(STANDING, OTHER_EXEC))
                    .withClaim(STANDING, claim(RTB_C));

            EnsurePlan plan = plan(vpc, claims, request(STANDING, PolicyWish.of(POLICY_P2), Map.of("app", "x"),
                    RTB_A));

            assertEquals("vpce-h", plan.extend());
            assertEquals(List.of(RTB_A), plan.toServe());
            assertEquals(List.of(new PolicyChange("vpce-h", PolicyWish.of(POLICY_P2), POLICY_P1)),
                    plan.policyChanges());
            assertEquals(List.of(new TagChange("vpce-h", Map.of("app", "x"), List.of())), plan.tagChanges());
        }

        @Test
        void anEndpointHeldByAnotherClaimantServingNoneOfTheTablesIsNotExtended() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_C)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            EnsurePlan plan = plan(vpc, claims, request(STANDING, RTB_A));

            assertNull(plan.extend());
            assertTrue(plan.createsEndpoint());
        }

        @Test
        void anEndpointWithoutRecordServingNoneOfTheTablesIsNotExtended() {
            VpcObservation vpc = world().routed(ours("vpce-legacy", RTB_C)).build();

            assertTrue(plan(vpc, noClaims(), request(STANDING, RTB_A)).createsEndpoint());
        }

        @Test
        void aHeldEndpointThatIsNotAvailableYetIsNotExtended() {
            VpcObservation vpc = world().unrouted(ours("vpce-h", RTB_C).state("pending")).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-h", record(STANDING, OTHER_EXEC));

            assertTrue(plan(vpc, claims, request(STANDING, RTB_A)).createsEndpoint());
        }

        @Test
        void aForeignEndpointTheRequestLeansOnIsNeverExtended() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A, RTB_C)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A, RTB_B));

            assertNull(plan.extend());
            assertEquals(List.of(RTB_B), plan.toServe());
        }
    }

    @Nested
    class Adoption {

        @Test
        void anEndpointThisExecutionCreatedWithoutARecordIsHeldByTheRequester() {
            // The step died between CreateVpcEndpoint and the claims write; its retry finds the endpoint.
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_A).by(EXEC).policy(POLICY_P1)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STACK_X, PolicyWish.of(POLICY_P2), Map.of("app", "x"),
                    RTB_A));

            assertEquals(Map.of("vpce-mine", STACK_X.id()), plan.holders());
            assertEquals(List.of(new PolicyChange("vpce-mine", PolicyWish.of(POLICY_P2), POLICY_P1)),
                    plan.policyChanges());
            assertEquals(1, plan.tagChanges().size());
            assertFalse(plan.createsEndpoint());
        }

        @Test
        void anAdoptedEndpointTakesTheTablesNothingServes() {
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_C).by(EXEC)).build();

            EnsurePlan plan = plan(vpc, noClaims(), request(STANDING, RTB_A));

            assertEquals("vpce-mine", plan.extend());
        }

        @Test
        void aRecordWinsOverTheExecutionTag() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).by(EXEC).policy(POLICY_P1)).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-o", record(STACK_X, EXEC));

            assertThrows(PolicyConflict.class,
                    () -> plan(vpc, claims, request(STANDING, PolicyWish.of(POLICY_P2), null, RTB_A)));
        }

        @Test
        void aForeignEndpointCarryingTheExecutionTagIsNotAdopted() {
            // Someone copied our execution tag but not the ownership tag: still not ours.
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A).by(EXEC).policy(POLICY_P1)).build();

            assertThrows(PolicyConflict.class,
                    () -> plan(vpc, noClaims(), request(STANDING, PolicyWish.of(POLICY_P2), null, RTB_A)));
        }
    }

    @Nested
    class Cancellation {

        @Test
        void aCancelledExecutionIsRefusedBeforeAnythingIsDecided() {
            ClaimsDocument claims = noClaims().withCancelled(EXEC, NOW.plusSeconds(3600));

            ExecutionCancelled refused = assertThrows(ExecutionCancelled.class,
                    () -> plan(world().build(), claims, request(STANDING, RTB_A)));
            assertTrue(refused.getMessage().contains(EXEC), refused.getMessage());
            assertThrows(ExecutionCancelled.class, () -> SharingRules.refuseIfCancelled(claims, EXEC, NOW));
        }

        @Test
        void anotherExecutionAndALapsedCancellationAreNotRefused() {
            ClaimsDocument claims = noClaims().withCancelled(OTHER_EXEC, NOW.plusSeconds(3600))
                    .withCancelled(EXEC, NOW.minusSeconds(1));

            assertTrue(plan(world().build(), claims, request(STANDING, RTB_A)).createsEndpoint());
        }
    }

    /** Rule 16: route tables an earlier step read, before anything is described without the lock. */
    @Nested
    class MayBeServedAsAsked {

        private NetworkFacts.RouteTable table(String id, NetworkFacts.Route... routes) {
            return new NetworkFacts.RouteTable(id, false, List.of(), List.of(routes));
        }

        private NetworkFacts.Route prefixListTo(String target, String state) {
            return new NetworkFacts.Route(null, PL, target, state, false);
        }

        @Test
        void everyRequestedTableWithAnActivePrefixListRouteToAnEndpointMayBe() {
            List<NetworkFacts.RouteTable> read = List.of(table(RTB_A, prefixListTo("vpce-o", "active")),
                    table(RTB_B, new NetworkFacts.Route("10.0.0.0/16", null, "local", "active", false)));

            assertTrue(SharingRules.mayBeServedAsAsked(read, List.of(RTB_A)), "the endpoints decide");
            assertFalse(SharingRules.mayBeServedAsAsked(read, List.of(RTB_A, RTB_B)), RTB_B + " has no such route");
        }

        @Test
        void aBlackholeARouteToAnythingButAnEndpointOrAnUnknownTableMayNot() {
            assertFalse(SharingRules.mayBeServedAsAsked(List.of(table(RTB_A, prefixListTo("vpce-gone", "blackhole"))),
                    List.of(RTB_A)));
            assertFalse(SharingRules.mayBeServedAsAsked(List.of(table(RTB_A, prefixListTo("tgw-1", "active"))),
                    List.of(RTB_A)), "a prefix list routed to a transit gateway");
            assertFalse(SharingRules.mayBeServedAsAsked(List.of(), List.of(RTB_A)));
        }
    }

    /** Rule 17: what the endpoints alone decide, and the endpoints as the writes leave them. */
    @Nested
    class DecidedByEndpoints {

        private NetworkFacts.RouteTable table(String id, NetworkFacts.Route... routes) {
            return new NetworkFacts.RouteTable(id, false, List.of(), List.of(routes));
        }

        private final NetworkFacts.Route local = new NetworkFacts.Route("10.0.0.0/16", null, "local", "active", false);

        @Test
        void tablesNoEndpointListsAndTheEarlierReadShowsWithoutAPrefixListRouteAreDecidedByTheEndpoints() {
            List<ObservedEndpoint> endpoints = List.of(ours("vpce-o", RTB_C).build());

            assertTrue(SharingRules.decidedByEndpoints(endpoints, List.of(table(RTB_A, local), table(RTB_B)),
                    List.of(RTB_A, RTB_B)));
        }

        @Test
        void aTableAnEndpointListsInAnyStateIsNot() {
            List<NetworkFacts.RouteTable> read = List.of(table(RTB_A, local));

            assertFalse(SharingRules.decidedByEndpoints(List.of(ours("vpce-o", RTB_A).build()), read, List.of(RTB_A)));
            assertFalse(SharingRules.decidedByEndpoints(List.of(foreign("vpce-f", RTB_A).state("deleting").build()),
                    read, List.of(RTB_A)), "its routes may still be there");
        }

        @Test
        void aTableWithAnyPrefixListRouteOrOneTheEarlierReadDidNotShowIsNot() {
            NetworkFacts.Route blackhole = new NetworkFacts.Route(null, PL, "vpce-gone", "blackhole", false);
            NetworkFacts.Route elsewhere = new NetworkFacts.Route(null, PL, "tgw-1", "active", false);

            assertFalse(SharingRules.decidedByEndpoints(List.of(), List.of(table(RTB_A, blackhole)), List.of(RTB_A)));
            assertFalse(SharingRules.decidedByEndpoints(List.of(), List.of(table(RTB_A, elsewhere)), List.of(RTB_A)));
            assertFalse(SharingRules.decidedByEndpoints(List.of(), List.of(table(RTB_A)), List.of(RTB_A, RTB_B)),
                    RTB_B + " was not read");
        }

        @Test
        void afterTheWritesTheExtendedEndpointListsItsNewTablesAndTheCreatedOneIsThere() {
            VpcObservation world = world().routed(ours("vpce-o", RTB_A)).routed(foreign("vpce-f", RTB_C)).build();
            SharingRules.EnsurePlan extend = new SharingRules.EnsurePlan(Map.of(RTB_A, "vpce-o"), List.of(RTB_B),
                    "vpce-o", List.of(), List.of(), List.of(), Map.of());
            ObservedEndpoint made = ours("vpce-new", RTB_D).by(EXEC).build();

            List<ObservedEndpoint> after = SharingRules.afterWrites(world, extend, made);

            assertEquals(List.of(RTB_A, RTB_B), after.get(0).routeTableIds());
            assertEquals(world.endpoint("vpce-f").orElseThrow(), after.get(1), "untouched");
            assertEquals(made, after.get(2));
            assertEquals(2, SharingRules.afterWrites(world, extend, null).size());
        }
    }

    @Nested
    class Coverage {

        @Test
        void everyTableRoutedToAnAvailableEndpointIsCovered() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A)).routed(ours("vpce-o", RTB_B)).build();

            SharingRules.Coverage coverage = SharingRules.coverage(vpc, List.of(RTB_A, RTB_B));

            assertTrue(coverage.complete(), coverage.problems().toString());
            assertEquals(Map.of(RTB_A, "vpce-f", RTB_B, "vpce-o"), coverage.servedBy());
            assertEquals(Map.of(RTB_A, PL, RTB_B, PL), coverage.prefixLists());
        }

        @Test
        void aTableWithoutRouteIsAProblemNamingTheEndpointItIsAssociatedWith() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B)).noRoute(RTB_B).build();

            SharingRules.Coverage coverage = SharingRules.coverage(vpc, List.of(RTB_A, RTB_B));

            assertFalse(coverage.complete());
            assertEquals(Map.of(RTB_A, "vpce-o"), coverage.servedBy());
            assertEquals(1, coverage.problems().size());
            String problem = coverage.problems().get(0);
            assertTrue(problem.startsWith(RTB_B) && problem.contains("vpce-o"), problem);
        }

        @Test
        void aTableRoutedToAnEndpointThatIsNotAvailableIsAProblem() {
            VpcObservation vpc = world().routed(ours("vpce-p", RTB_A).state("pending")).build();

            SharingRules.Coverage coverage = SharingRules.coverage(vpc, List.of(RTB_A));

            assertEquals(List.of(RTB_A + " routes to vpce-p, which is pending"), coverage.problems());
        }

        @Test
        void aTableRoutedToOneEndpointAndAssociatedWithAnotherIsAProblem() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A)).unrouted(ours("vpce-o", RTB_A)).build();

            SharingRules.Coverage coverage = SharingRules.coverage(vpc, List.of(RTB_A));

            assertFalse(coverage.complete());
            assertTrue(coverage.problems().get(0).contains("also associated with vpce-o"), coverage.problems().get(0));
        }

        @Test
        void anAssociationWithADeadEndpointDoesNotCount() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A))
                    .unrouted(ours("vpce-dead", RTB_A).state("failed")).build();

            assertTrue(SharingRules.coverage(vpc, List.of(RTB_A)).complete());
        }

        @Test
        void aRouteToAnEndpointOfAnotherServiceDoesNotCover() {
            // The observer keeps only routes to the service's endpoints; a route naming an unknown endpoint is none.
            VpcObservation vpc = world().route(RTB_A, "vpce-elsewhere").build();

            SharingRules.Coverage coverage = SharingRules.coverage(vpc, List.of(RTB_A));

            assertFalse(coverage.complete());
            assertTrue(coverage.problems().get(0).contains("no prefix-list route"), coverage.problems().get(0));
        }
    }

    @Nested
    class ClaimantRelease {

        private ReleasePlan release(VpcObservation vpc, ClaimsDocument after, String... released) {
            return SharingRules.planRelease(vpc, after, Releaser.claimant(Set.of(released)), NOW);
        }

        @Test
        void anEndpointOfOursIsDeletedWhenNoneOfItsRouteTablesIsClaimedAnyMore() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            ReleasePlan plan = release(vpc, after, RTB_A);

            assertEquals(List.of("vpce-o"), plan.delete());
            assertEquals(Map.of(), plan.removeRouteTables());
        }

        @Test
        void whileAnotherClaimNeedsOneOfItsTablesOnlyTheReleasedTablesNobodyClaimsLeaveIt() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B, RTB_C, RTB_D)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_Y, claim(RTB_B)).withClaim(STANDING, claim(RTB_D));

            // Released: A and B (B is still Y's); C is unclaimed but not released, so it stays too.
            ReleasePlan plan = release(vpc, after, RTB_A, RTB_B);

            assertEquals(List.of(), plan.delete());
            assertEquals(Map.of("vpce-o", List.of(RTB_A)), plan.removeRouteTables());
            assertEquals(Map.of("vpce-o", List.of(STACK_Y.id(), STANDING.id())), plan.keptFor());
        }

        @Test
        void anOwnedEndpointWithoutRecordIsNeverReleased() {
            VpcObservation vpc = world().routed(ours("vpce-legacy", RTB_A)).build();

            ReleasePlan plan = release(vpc, noClaims(), RTB_A);

            assertEquals(List.of(), plan.delete());
            assertEquals(Map.of(), plan.removeRouteTables());
        }

        @Test
        void aForeignEndpointIsNeverReleasedEvenWithARecord() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A, RTB_B)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-f", record(STACK_X, OTHER_EXEC))
                    .withClaim(STANDING, claim(RTB_B));

            ReleasePlan plan = release(vpc, after, RTB_A, RTB_B);

            assertEquals(List.of(), plan.delete());
            assertEquals(Map.of(), plan.removeRouteTables());
        }

        @Test
        void anEndpointServingNoneOfTheReleasedTablesIsUntouched() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_C)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            ReleasePlan plan = release(vpc, after, RTB_A);

            assertEquals(List.of(), plan.delete());
            assertEquals(Map.of(), plan.keptFor());
        }

        @Test
        void aLiveRunClaimKeepsTheEndpointAnExpiredOneDoesNot() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)).build();
            ClaimsDocument recorded = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));
            Claimant run = Claimant.run(OTHER_EXEC);

            ReleasePlan live = release(vpc, recorded.withClaim(run, runClaim(OTHER_EXEC, NOW.plusSeconds(1), RTB_A)),
                    RTB_A);
            ReleasePlan expired = release(vpc, recorded.withClaim(run, runClaim(OTHER_EXEC, NOW, RTB_A)), RTB_A);

            assertEquals(List.of(), live.delete());
            assertEquals(Map.of("vpce-o", List.of(run.id())), live.keptFor());
            assertEquals(List.of("vpce-o"), expired.delete());
        }

        @Test
        void theClaimOfACancelledRunDoesNotKeepTheEndpoint() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(Claimant.run(OTHER_EXEC), runClaim(OTHER_EXEC, NOW.plusSeconds(3600), RTB_A))
                    .withCancelled(OTHER_EXEC, NOW.plusSeconds(3600));

            assertEquals(List.of("vpce-o"), release(vpc, after, RTB_A).delete());
        }

        @ParameterizedTest
        @ValueSource(strings = {"deleting", "deleted", "failed"})
        void anEndpointThatIsGoingOrDeadIsNotReleasedAgainByAClaimant(String state) {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A).state(state)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC));

            assertEquals(List.of(), release(vpc, after, RTB_A).delete());
        }
    }

    @Nested
    class RunRelease {

        private ReleasePlan release(VpcObservation vpc, ClaimsDocument after, Map<String, List<String>> added) {
            return SharingRules.planRelease(vpc, after, Releaser.run(EXEC, added), NOW);
        }

        @Test
        void whatTheRunCreatedGoesWhenNobodyClaimedItMeanwhile() {
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_A, RTB_B).by(EXEC)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-mine", record(Claimant.run(EXEC), EXEC));

            ReleasePlan plan = release(vpc, after, null);

            assertEquals(List.of("vpce-mine"), plan.delete());
        }

        @Test
        void theRecordSaysWhatTheRunCreatedWhenTheTagDoesNot() {
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_A).by(null)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-mine", record(STANDING, EXEC));

            assertEquals(List.of("vpce-mine"), release(vpc, after, null).delete());
        }

        @Test
        void whatTheRunCreatedStaysForWhoeverClaimedItMeanwhileWithoutTheTablesNobodyClaims() {
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_A, RTB_B).by(EXEC)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-mine", record(Claimant.run(EXEC), EXEC))
                    .withClaim(STANDING, claim(RTB_A));

            ReleasePlan plan = release(vpc, after, null);

            assertEquals(List.of(), plan.delete());
            assertEquals(Map.of("vpce-mine", List.of(RTB_B)), plan.removeRouteTables());
            assertEquals(Map.of("vpce-mine", List.of(STANDING.id())), plan.keptFor());
        }

        @Test
        void anExpiredClaimDoesNotKeepWhatTheRunCreated() {
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_A).by(EXEC)).build();
            ClaimsDocument after = noClaims().withClaim(Claimant.run(OTHER_EXEC), runClaim(OTHER_EXEC, NOW, RTB_A));

            assertEquals(List.of("vpce-mine"), release(vpc, after, null).delete());
        }

        @ParameterizedTest
        @ValueSource(strings = {"failed", "rejected", "expired"})
        void whatTheRunCreatedThatNeverBecameAvailableIsDeletedEvenIfClaimed(String state) {
            VpcObservation vpc = world().unrouted(ours("vpce-mine", RTB_A).by(EXEC).state(state)).build();
            ClaimsDocument after = noClaims().withClaim(STANDING, claim(RTB_A));

            assertEquals(List.of("vpce-mine"), release(vpc, after, null).delete());
        }

        @Test
        void tablesTheRunAddedToAnotherEndpointLeaveItWhenNobodyClaimsThem() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B, RTB_C)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_X, claim(RTB_A)).withClaim(STANDING, claim(RTB_C));

            // The run added B and C (C was claimed meanwhile) and D (no longer on the endpoint).
            ReleasePlan plan = release(vpc, after, Map.of("vpce-o", List.of(RTB_B, RTB_C, RTB_D)));

            assertEquals(List.of(), plan.delete());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), plan.removeRouteTables());
        }

        @Test
        void tablesTheRunAddedThatSomeoneClaimedMeanwhileStay() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B)).build();
            ClaimsDocument after = noClaims().withClaim(STANDING, claim(RTB_B));

            ReleasePlan plan = release(vpc, after, Map.of("vpce-o", List.of(RTB_B)));

            assertEquals(Map.of(), plan.removeRouteTables());
            assertEquals(List.of(), plan.delete());
        }

        @Test
        void whatTheRunDidNotCreateNorAddToIsNeverTouchedEvenIfNobodyClaimsIt() {
            VpcObservation vpc = world().routed(ours("vpce-other", RTB_A).by(OTHER_EXEC))
                    .routed(ours("vpce-legacy", RTB_B).by(null)).routed(foreign("vpce-f", RTB_C)).build();
            ClaimsDocument after = noClaims().withEndpoint("vpce-other", record(STACK_X, OTHER_EXEC));

            ReleasePlan plan = release(vpc, after, Map.of("vpce-f", List.of(RTB_C)));

            assertEquals(List.of(), plan.delete());
            assertEquals(Map.of(), plan.removeRouteTables());
            assertEquals(Map.of(), plan.keptFor());
        }

        @Test
        void whatTheRunCreatedThatIsAlreadyBeingDeletedIsLeftToFinish() {
            VpcObservation vpc = world().unrouted(ours("vpce-mine", RTB_A).by(EXEC).state("deleting")).build();

            assertEquals(List.of(), release(vpc, noClaims(), null).delete());
        }
    }
}
