package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.LONG_AGO;
import static dev.vpcepilot.sharing.SharingFixtures.NOW;
import static dev.vpcepilot.sharing.SharingFixtures.OTHER_EXEC;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The claim bookkeeping of {@link ClaimRules}, each decision on the smallest claims and VPC that show it. */
class ClaimRulesTest {

    private static final Claimant STANDING = Claimant.STANDING;
    private static final Claimant.Run RUN = Claimant.run(EXEC);
    private static final Instant EARLIER = NOW.minus(Duration.ofMinutes(3));
    private static final Instant DAY_LATER = NOW.plus(Duration.ofHours(24));

    private static SharingRules.Coverage coverage(Map<String, String> servedBy) {
        return new SharingRules.Coverage(servedBy, Map.of(), List.of());
    }

    @Nested
    class Ensure {

        @Test
        void theRunsClaimIsOnTheRequestedTablesAndLapsesADayLater() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)).build();
            SharingRules.Request request = request(STANDING, RTB_B, RTB_A);
            SharingRules.EnsurePlan plan = SharingRules.planEnsure(vpc, noClaims(), request, NOW);

            ClaimsDocument next = ClaimRules.afterEnsure(noClaims(), vpc, request, plan, null, NOW);

            ClaimsDocument.Claim run = next.claims().get(RUN.id());
            assertEquals(List.of(RTB_A, RTB_B), run.routeTableIds());
            assertEquals(EXEC, run.execution());
            assertEquals(NOW, run.since());
            assertEquals(NOW, run.updated());
            assertEquals(DAY_LATER, run.expiresAt());
            assertNull(run.endpointIds());
            assertNull(run.previousRouteTableIds());
            assertEquals(Set.of(RUN.id()), next.claims().keySet(), "the requester's claim comes with the commit");
        }

        @Test
        void theRunClaimsAddedAccumulatesAcrossRepeatedEnsures() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B)).build();
            ClaimsDocument before = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(RUN, new ClaimsDocument.Claim(List.of(RTB_A, RTB_B), EXEC, EARLIER, EARLIER,
                            EARLIER.plus(Duration.ofHours(24)), null, Map.of("vpce-o", List.of(RTB_B))));
            SharingRules.Request request = request(STANDING, RTB_A, RTB_C);
            SharingRules.EnsurePlan plan = SharingRules.planEnsure(vpc, before, request, NOW);
            assertEquals("vpce-o", plan.extend());

            ClaimsDocument.Claim run = ClaimRules.afterEnsure(before, vpc, request, plan, null, NOW).claims()
                    .get(RUN.id());

            assertEquals(Map.of("vpce-o", List.of(RTB_B, RTB_C)), run.added(), "what the first step added stays");
            assertEquals(EARLIER, run.since(), "the claim was first recorded by the first step");
            assertEquals(NOW, run.updated());
            assertEquals(DAY_LATER, run.expiresAt(), "each step pushes the expiry out");
            assertEquals(List.of(RTB_A, RTB_C), run.routeTableIds(), "the tables of this request");
        }

        @Test
        void tablesAddedToAnEndpointThisExecutionCreatedAreNotAddedToAnother() {
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_A).by(EXEC)).build();
            ClaimsDocument before = noClaims().withEndpoint("vpce-mine", record(STANDING, EXEC));
            SharingRules.Request request = request(STANDING, RTB_A, RTB_B);
            SharingRules.EnsurePlan plan = SharingRules.planEnsure(vpc, before, request, NOW);
            assertEquals("vpce-mine", plan.extend());

            assertNull(ClaimRules.afterEnsure(before, vpc, request, plan, null, NOW).claims().get(RUN.id()).added(),
                    "its rollback deletes the whole endpoint instead");
        }

        @Test
        void theCreatedEndpointIsRecordedForTheRequesterWhenEc2SaysItWasCreatedOrNow() {
            VpcObservation vpc = world().build();
            SharingRules.Request request = request(STACK_X, RTB_A);
            SharingRules.EnsurePlan plan = SharingRules.planEnsure(vpc, noClaims(), request, NOW);

            ClaimsDocument dated = ClaimRules.afterEnsure(noClaims(), vpc, request, plan,
                    new ClaimRules.Created("vpce-new", "pending", EARLIER), NOW);
            ClaimsDocument undated = ClaimRules.afterEnsure(noClaims(), vpc, request, plan,
                    new ClaimRules.Created("vpce-new", "pending", null), NOW);

            assertEquals(new ClaimsDocument.EndpointRecord(STACK_X.id(), EXEC, EARLIER),
                    dated.endpoints().get("vpce-new"));
            assertEquals(NOW, undated.endpoints().get("vpce-new").createdAt());
        }

        @Test
        void anEndpointThisExecutionCreatedWithoutARecordIsAdoptedAndARecordedOneKeepsItsHolder() {
            VpcObservation vpc = world().routed(ours("vpce-lost", RTB_A).by(EXEC).created(EARLIER))
                    .routed(ours("vpce-kept", RTB_B).by(EXEC)).routed(ours("vpce-other", RTB_C)).build();
            ClaimsDocument before = noClaims().withEndpoint("vpce-kept", record(STACK_Y, EXEC));
            SharingRules.Request request = request(STACK_X, RTB_A, RTB_B, RTB_C);

            ClaimsDocument next = ClaimRules.afterEnsure(before, vpc, request,
                    SharingRules.planEnsure(vpc, before, request, NOW), null, NOW);

            assertEquals(new ClaimsDocument.EndpointRecord(STACK_X.id(), EXEC, EARLIER),
                    next.endpoints().get("vpce-lost"));
            assertEquals(record(STACK_Y, EXEC), next.endpoints().get("vpce-kept"));
            assertFalse(next.endpoints().containsKey("vpce-other"), "made by another execution: not ours to adopt");
        }

        @Test
        void whatServesEachTableOnceTheWritesAreDone() {
            SharingRules.EnsurePlan extend = new SharingRules.EnsurePlan(Map.of(RTB_A, "vpce-o"), List.of(RTB_B),
                    "vpce-o", List.of(), List.of(), List.of(), Map.of());
            SharingRules.EnsurePlan create = new SharingRules.EnsurePlan(Map.of(RTB_A, "vpce-f"), List.of(RTB_B),
                    null, List.of(), List.of(), List.of(), Map.of());

            assertEquals(Map.of(RTB_A, "vpce-o", RTB_B, "vpce-o"), ClaimRules.servedBy(extend, null));
            assertEquals(Map.of(RTB_A, "vpce-f", RTB_B, "vpce-new"),
                    ClaimRules.servedBy(create, new ClaimRules.Created("vpce-new", "pending", NOW)));
            assertEquals(Map.of(RTB_A, "vpce-f"), ClaimRules.servedBy(new SharingRules.EnsurePlan(Map.of(RTB_A,
                    "vpce-f"), List.of(), null, List.of(), List.of(), List.of(), Map.of()), null));
        }

        @Test
        void theServingEndpointsAreHeldOnlyByTheClaimantTheyWereCreatedFor() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A)).routed(ours("vpce-x", RTB_B))
                    .routed(ours("vpce-s", RTB_C)).build();
            ClaimsDocument recorded = noClaims().withEndpoint("vpce-x", record(STACK_X, OTHER_EXEC))
                    .withEndpoint("vpce-s", record(STANDING, OTHER_EXEC))
                    .withEndpoint("vpce-new", new ClaimsDocument.EndpointRecord(STANDING.id(), EXEC, EARLIER));
            Map<String, String> servedBy = Map.of(RTB_A, "vpce-f", RTB_B, "vpce-x", RTB_C, "vpce-s", RTB_D,
                    "vpce-new");

            List<ServingState.Endpoint> serving = ClaimRules.serving(vpc, recorded,
                    request(STANDING, RTB_A, RTB_B, RTB_C, RTB_D), new java.util.TreeMap<>(servedBy),
                    new ClaimRules.Created("vpce-new", "pending", EARLIER), NOW);

            assertEquals(List.of(
                    new ServingState.Endpoint("vpce-f", false, false, false, "available", List.of(RTB_A), null),
                    new ServingState.Endpoint("vpce-x", true, false, false, "available", List.of(RTB_B), null),
                    new ServingState.Endpoint("vpce-s", true, true, false, "available", List.of(RTB_C), null),
                    new ServingState.Endpoint("vpce-new", true, true, true, "pending", List.of(RTB_D),
                            EARLIER.toString())), serving);
        }

        @Test
        void anEndpointThisExecutionCreatedEarlierIsReportedAsCreatedWithItsRecordedTime() {
            VpcObservation vpc = world().routed(ours("vpce-mine", RTB_A).by(EXEC)).build();
            ClaimsDocument recorded = noClaims().withEndpoint("vpce-mine",
                    new ClaimsDocument.EndpointRecord(RUN.id(), EXEC, EARLIER));

            List<ServingState.Endpoint> serving = ClaimRules.serving(vpc, recorded, request(RUN, RTB_A),
                    Map.of(RTB_A, "vpce-mine"), null, NOW);

            assertEquals(List.of(new ServingState.Endpoint("vpce-mine", true, true, true, "available",
                    List.of(RTB_A), EARLIER.toString())), serving);
        }
    }

    /** Rule 17: the commit in the hold that wrote. */
    @Nested
    class CommitInHold {

        private final ClaimsDocument.Claim runClaim = new ClaimsDocument.Claim(List.of(RTB_A), EXEC, NOW,
                NOW, DAY_LATER, null, null);

        @Test
        void routesShownAtOnceRecordTheRequestersClaimAsACommitWould() {
            VpcObservation proof = world().routed(ours("vpce-n", RTB_A).by(EXEC)).build();
            ClaimsDocument next = noClaims().withClaim(RUN, runClaim)
                    .withEndpoint("vpce-n", record(STANDING, EXEC));

            ClaimRules.CommittedInHold committed = ClaimRules.commitInHold(proof, next,
                    request(STANDING, RTB_A), NOW).orElseThrow();

            assertEquals(ClaimRules.commit(next, STANDING, EXEC, List.of(RTB_A),
                    SharingRules.coverage(proof, List.of(RTB_A)), NOW).claims(), committed.claims());
            assertEquals(Map.of(RTB_A, "vpce-n"), committed.report().coverage().servedBy());
            assertEquals(List.of(STANDING.id()), committed.report().claimants());
            assertEquals(List.of(new SharedEndpoints.EndpointReport("vpce-n", true, true, List.of(RTB_A))),
                    committed.report().endpoints());
        }

        @Test
        void aPendingEndpointOrAMissingRouteIsCommittedLater() {
            ClaimsDocument next = noClaims().withClaim(RUN, runClaim);

            assertTrue(ClaimRules.commitInHold(world().routed(ours("vpce-n", RTB_A).state("pending")).build(), next,
                    request(STANDING, RTB_A), NOW).isEmpty());
            assertTrue(ClaimRules.commitInHold(world().unrouted(ours("vpce-n", RTB_A)).build(), next,
                    request(STANDING, RTB_A), NOW).isEmpty());
        }

        @Test
        void aStackClaimThatShrinksIsCommittedInAHoldOfItsOwn() {
            VpcObservation proof = world().routed(ours("vpce-o", RTB_A, RTB_B)).build();
            ClaimsDocument next = noClaims().withClaim(STACK_X, claim(RTB_A, RTB_B)).withClaim(RUN, runClaim);

            assertTrue(ClaimRules.commitInHold(proof, next, request(STACK_X, RTB_A), NOW).isEmpty());
            assertTrue(ClaimRules.commitInHold(proof, next, request(STACK_X, RTB_A, RTB_B), NOW).isPresent());
        }
    }

    @Nested
    class Commit {

        private final ClaimsDocument.Claim runClaim = new ClaimsDocument.Claim(List.of(RTB_A), EXEC, EARLIER,
                EARLIER, DAY_LATER, null, Map.of("vpce-o", List.of(RTB_A)));

        @Test
        void theStandingClaimOnlyGrows() {
            ClaimsDocument before = noClaims().withClaim(STANDING, claim(RTB_B, RTB_C)).withClaim(RUN, runClaim);

            ClaimRules.Commitment committed = ClaimRules.commit(before, STANDING, EXEC, List.of(RTB_A),
                    coverage(Map.of(RTB_A, "vpce-o")), NOW);

            ClaimsDocument.Claim standing = committed.claims().claims().get(STANDING.id());
            assertEquals(List.of(RTB_A, RTB_B, RTB_C), standing.routeTableIds(), "asked for A, keeps B and C");
            assertEquals(Set.of(), committed.released());
            assertEquals(LONG_AGO, standing.since());
            assertEquals(NOW, standing.updated());
            assertEquals(EXEC, standing.execution());
            assertNull(standing.expiresAt());
            assertNull(standing.added(), "the standing use is never undone");
            assertNull(standing.endpointIds());
            assertFalse(committed.claims().claims().containsKey(RUN.id()), "the standing claim takes over");
        }

        @Test
        void aStackClaimBecomesExactlyItsTablesAndReleasesTheOnesItDropped() {
            ClaimsDocument before = noClaims().withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A, RTB_B,
                    RTB_C), OTHER_EXEC, LONG_AGO, LONG_AGO, null, List.of("vpce-o"), null)).withClaim(RUN, runClaim);

            ClaimRules.Commitment committed = ClaimRules.commit(before, STACK_X, EXEC, List.of(RTB_A, RTB_D),
                    coverage(Map.of(RTB_A, "vpce-o", RTB_D, "vpce-n")), NOW);

            ClaimsDocument.Claim stack = committed.claims().claims().get(STACK_X.id());
            assertEquals(List.of(RTB_A, RTB_D), stack.routeTableIds());
            assertEquals(Set.of(RTB_B, RTB_C), committed.released());
            assertEquals(List.of(RTB_A, RTB_B, RTB_C), stack.previousRouteTableIds(),
                    "its cancellation puts them back");
            assertEquals(List.of("vpce-n", "vpce-o"), stack.endpointIds(), "its physical id");
            assertEquals(Map.of("vpce-o", List.of(RTB_A)), stack.added(), "what the run added goes with the claim");
            assertEquals(LONG_AGO, stack.since());
            assertEquals(EXEC, stack.execution());
            assertNull(stack.expiresAt());
            assertFalse(committed.claims().claims().containsKey(RUN.id()));
        }

        @Test
        void aStacksFirstClaimReleasesNothingAndHadNoTablesBefore() {
            ClaimRules.Commitment committed = ClaimRules.commit(noClaims().withClaim(RUN, runClaim), STACK_X, EXEC,
                    List.of(RTB_A), coverage(Map.of(RTB_A, "vpce-o")), NOW);

            ClaimsDocument.Claim stack = committed.claims().claims().get(STACK_X.id());
            assertEquals(Set.of(), committed.released());
            assertNull(stack.previousRouteTableIds());
            assertEquals(NOW, stack.since());
        }

        /**
         * Rule 3 end to end in the pure rules: the tables a shrinking stack claim releases leave our endpoint only
         * when nobody else needs them.
         */
        @Test
        void aShrinkingStackClaimReleasesExactlyTheTablesNobodyElseNeeds() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_B, RTB_C)).build();
            ClaimsDocument before = noClaims().withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_X, claim(RTB_A, RTB_B, RTB_C)).withClaim(STANDING, claim(RTB_C))
                    .withClaim(RUN, runClaim);

            ClaimRules.Commitment committed = ClaimRules.commit(before, STACK_X, EXEC, List.of(RTB_A),
                    coverage(Map.of(RTB_A, "vpce-o")), NOW);
            SharingRules.ReleasePlan plan = SharingRules.planRelease(vpc, committed.claims(),
                    SharingRules.Releaser.claimant(committed.released()), NOW);

            assertEquals(Set.of(RTB_B, RTB_C), committed.released());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), plan.removeRouteTables(), "C stays for the standing use");
            assertEquals(List.of(), plan.delete());
        }

        @Test
        void aRunWithCleanupKeepsItsRunClaimUntilItsCleanup() {
            ClaimRules.Commitment committed = ClaimRules.commit(noClaims().withClaim(RUN, runClaim), RUN, EXEC,
                    List.of(RTB_A), coverage(Map.of(RTB_A, "vpce-o")), NOW);

            ClaimsDocument.Claim run = committed.claims().claims().get(RUN.id());
            assertEquals(List.of(RTB_A), run.routeTableIds());
            assertEquals(EARLIER, run.since());
            assertEquals(NOW, run.updated());
            assertEquals(DAY_LATER, run.expiresAt());
            assertEquals(Map.of("vpce-o", List.of(RTB_A)), run.added(), "its cleanup takes them out again");
            assertEquals(Set.of(), committed.released());
        }

        @Test
        void theReportSaysWhichEndpointsTheRequesterHolds() {
            VpcObservation vpc = world().routed(foreign("vpce-f", RTB_A)).routed(ours("vpce-h", RTB_B, RTB_C))
                    .routed(ours("vpce-x", RTB_D)).build();
            ClaimsDocument recorded = noClaims().withEndpoint("vpce-h", record(STACK_X, OTHER_EXEC))
                    .withEndpoint("vpce-x", record(STACK_Y, OTHER_EXEC));

            List<SharedEndpoints.EndpointReport> reports = ClaimRules.reports(vpc, coverage(Map.of(RTB_C, "vpce-h",
                    RTB_A, "vpce-f", RTB_D, "vpce-x", RTB_B, "vpce-h")), recorded, STACK_X);

            assertEquals(List.of(new SharedEndpoints.EndpointReport("vpce-f", false, false, List.of(RTB_A)),
                    new SharedEndpoints.EndpointReport("vpce-h", true, true, List.of(RTB_B, RTB_C)),
                    new SharedEndpoints.EndpointReport("vpce-x", true, false, List.of(RTB_D))), reports);
        }
    }

    @Nested
    class Release {

        @Test
        void aRunReleasesItsClaimAndWhatItAdded() {
            ClaimsDocument before = noClaims().withClaim(STANDING, claim(RTB_A)).withClaim(RUN,
                    new ClaimsDocument.Claim(List.of(RTB_B), EXEC, EARLIER, EARLIER, DAY_LATER, null,
                            Map.of("vpce-o", List.of(RTB_B))));

            ClaimRules.Release release = ClaimRules.releaseRun(before, EXEC);

            assertEquals(noClaims().withClaim(STANDING, claim(RTB_A)), release.claims());
            assertEquals(List.of(RTB_B), release.released());
            assertEquals(SharingRules.Releaser.run(EXEC, Map.of("vpce-o", List.of(RTB_B))), release.releaser());
            assertEquals(List.of(), ClaimRules.releaseRun(noClaims(), EXEC).released(), "no claim: nothing");
        }

        @Test
        void theStandingUseReleasesSomeTablesAndKeepsTheRest() {
            ClaimsDocument before = noClaims().withClaim(STANDING, claim(RTB_A, RTB_B, RTB_C));

            ClaimRules.Release some = ClaimRules.releaseStanding(before, EXEC, List.of(RTB_B, RTB_D), NOW);
            ClaimRules.Release all = ClaimRules.releaseStanding(before, EXEC, List.of(RTB_A, RTB_B, RTB_C), NOW);

            assertEquals(ClaimsDocument.Claim.of(List.of(RTB_A, RTB_C), EXEC, LONG_AGO, NOW),
                    some.claims().claims().get(STANDING.id()));
            assertEquals(List.of(RTB_B), some.released(), "D was never the standing use's");
            assertEquals(SharingRules.Releaser.claimant(Set.of(RTB_B, RTB_D)), some.releaser(),
                    "every endpoint of ours serving the tables is considered");
            assertFalse(all.claims().claims().containsKey(STANDING.id()));
            assertEquals(List.of(RTB_A, RTB_B, RTB_C), all.released());
        }

        @Test
        void aStacksDeleteReleasesItsClaimOnlyForTheEndpointsItAnsweredWith() {
            ClaimsDocument before = noClaims().withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A), EXEC,
                    LONG_AGO, LONG_AGO, null, List.of("vpce-new"), null));

            ClaimRules.Release older = ClaimRules.releaseStack(before, STACK_X, List.of("vpce-old"));
            ClaimRules.Release current = ClaimRules.releaseStack(before, STACK_X, List.of("vpce-new"));

            assertEquals(before, older.claims(), "an Update already moved the claim");
            assertEquals(List.of(), older.released());
            assertEquals(noClaims(), current.claims());
            assertEquals(List.of(RTB_A), current.released());
            assertEquals(SharingRules.Releaser.claimant(Set.of(RTB_A)), current.releaser());
        }

        @Test
        void aCancelledUpdatePutsTheStacksEarlierClaimBackAndReleasesWhatItAddedAndTheRunsClaim() {
            ClaimsDocument before = noClaims()
                    .withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A, RTB_B), EXEC, LONG_AGO, EARLIER, null,
                            List.of("vpce-o"), Map.of("vpce-o", List.of(RTB_B)), List.of(RTB_A)))
                    .withClaim(RUN, new ClaimsDocument.Claim(List.of(RTB_C), EXEC, EARLIER, EARLIER, DAY_LATER, null,
                            Map.of("vpce-o", List.of(RTB_C), "vpce-p", List.of(RTB_C))));

            ClaimRules.Release cancel = ClaimRules.cancel(before, EXEC, STACK_X, NOW);

            assertTrue(cancel.claims().isCancelled(EXEC, NOW.plus(Duration.ofHours(23))));
            assertFalse(cancel.claims().isCancelled(EXEC, DAY_LATER));
            assertFalse(cancel.claims().claims().containsKey(RUN.id()));
            assertEquals(new ClaimsDocument.Claim(List.of(RTB_A), null, LONG_AGO, NOW, null, null, null, null),
                    cancel.claims().claims().get(STACK_X.id()));
            assertEquals(List.of(RTB_B, RTB_C), cancel.released());
            assertEquals(SharingRules.Releaser.run(EXEC, Map.of("vpce-o", List.of(RTB_B, RTB_C),
                    "vpce-p", List.of(RTB_C))), cancel.releaser());
        }

        @Test
        void aCancelledCreateTakesTheStacksClaimAwayButAnotherExecutionsClaimStays() {
            ClaimsDocument created = noClaims().withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A), EXEC,
                    EARLIER, EARLIER, null, List.of("vpce-o"), null));
            ClaimsDocument byAnother = noClaims().withClaim(STACK_X, claim(RTB_A));

            ClaimRules.Release cancelCreate = ClaimRules.cancel(created, EXEC, STACK_X, NOW);
            ClaimRules.Release cancelOther = ClaimRules.cancel(byAnother, EXEC, STACK_X, NOW);

            assertFalse(cancelCreate.claims().claims().containsKey(STACK_X.id()));
            assertEquals(List.of(RTB_A), cancelCreate.released());
            assertEquals(claim(RTB_A), cancelOther.claims().claims().get(STACK_X.id()));
            assertEquals(List.of(), cancelOther.released());
        }

        @Test
        void afterAReleaseTheDeletedEndpointsRecordsGoAndWhatARunLetsGoOfIsHandedOver() {
            ClaimsDocument claims = noClaims().withEndpoint("vpce-gone", record(RUN, EXEC))
                    .withEndpoint("vpce-kept", record(RUN, EXEC)).withClaim(STACK_Y, claim(RTB_B));
            SharingRules.ReleasePlan plan = new SharingRules.ReleasePlan(List.of("vpce-gone"), Map.of(),
                    Map.of("vpce-kept", List.of(STACK_Y.id())));

            ClaimsDocument next = ClaimRules.afterRelease(claims, plan, SharingRules.Releaser.run(EXEC, null), NOW);

            assertEquals(Set.of("vpce-kept"), next.endpoints().keySet());
            assertEquals(STACK_Y.id(), next.endpoints().get("vpce-kept").holder());
        }

        @Test
        void pruningForgetsTheRecordsOfEndpointsGoneLongerThanTheGraceAndKeepsTheLive() {
            VpcObservation vpc = world().routed(ours("vpce-live", RTB_A)).routed(ours("vpce-dead", RTB_B)
                    .state("deleted")).build();
            ClaimsDocument claims = noClaims().withEndpoint("vpce-live", record(STANDING, OTHER_EXEC))
                    .withEndpoint("vpce-dead", record(STANDING, OTHER_EXEC))
                    .withEndpoint("vpce-unseen", new ClaimsDocument.EndpointRecord(STANDING.id(), EXEC, NOW))
                    .withClaim(Claimant.run(OTHER_EXEC), runClaim(OTHER_EXEC, NOW.minusSeconds(1), RTB_C));

            ClaimsDocument pruned = ClaimRules.pruned(claims, vpc, NOW);

            assertEquals(Set.of("vpce-live", "vpce-unseen"), pruned.endpoints().keySet(),
                    "one created just now may not be visible yet");
            assertEquals(Map.of(), pruned.claims(), "an expired run claim goes");
        }
    }

    /** Rule 16: a run with nothing to write, decided on what a read without the lock showed. */
    @Nested
    class FoundAsAsked {

        private final ClaimsDocument standingOnA = noClaims().withClaim(STANDING, claim(RTB_A, RTB_B));

        private java.util.Optional<SharedEndpoints.Committed> found(VpcObservation vpc, ClaimsDocument claims,
                                                                    SharingRules.Request request) {
            return ClaimRules.foundAsAsked(vpc, claims, request, NOW);
        }

        @Test
        void theStandingUseFindsItsRecordedTablesServedAndWritesNothing() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)).routed(foreign("vpce-f", RTB_B)).build();
            ClaimsDocument claims = standingOnA.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC))
                    .withClaim(STACK_X, claim(RTB_B));

            SharedEndpoints.Committed found = found(vpc, claims, request(STANDING, RTB_B, RTB_A)).orElseThrow();

            assertEquals(Map.of(RTB_A, "vpce-o", RTB_B, "vpce-f"), found.coverage().servedBy());
            assertTrue(found.coverage().complete());
            assertEquals(List.of(STACK_X.id(), STANDING.id()).stream().sorted().toList(),
                    found.claimants().stream().sorted().toList());
            assertEquals(List.of(new SharedEndpoints.EndpointReport("vpce-f", false, false, List.of(RTB_B)),
                    new SharedEndpoints.EndpointReport("vpce-o", true, true, List.of(RTB_A))), found.endpoints());
        }

        @Test
        void aTableTheStandingClaimDoesNotRecordYetNeedsTheLock() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A, RTB_C)).build();

            assertTrue(found(vpc, standingOnA, request(STANDING, RTB_A, RTB_C)).isEmpty(),
                    "the commit must add " + RTB_C + " to the standing claim");
            assertTrue(found(vpc, noClaims(), request(STANDING, RTB_A)).isEmpty(), "no standing claim yet");
        }

        @Test
        void aRunWithCleanupAndAStackAlwaysRecordTheirClaim() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)).build();
            ClaimsDocument claims = standingOnA.withClaim(STACK_X, claim(RTB_A)).withClaim(RUN, claim(RTB_A));

            assertTrue(found(vpc, claims, request(RUN, RTB_A)).isEmpty(), "its cleanup releases its run claim");
            assertTrue(found(vpc, claims, request(STACK_X, RTB_A)).isEmpty(), "a stack records each execution");
        }

        @Test
        void anEarlierAttemptsRunClaimOrEndpointOfThisExecutionNeedsTheLock() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)).build();
            assertTrue(found(vpc, standingOnA.withClaim(RUN, runClaim(EXEC, DAY_LATER, RTB_A)),
                    request(STANDING, RTB_A)).isEmpty(), "the commit takes the run claim out");

            VpcObservation createdHere = world().routed(ours("vpce-n", RTB_A).by(EXEC)).build();
            assertTrue(found(createdHere, standingOnA, request(STANDING, RTB_A)).isEmpty(),
                    "an endpoint this execution created gets its record under the lock");
        }

        @Test
        void anythingToWriteOrNotYetServedNeedsTheLock() {
            ClaimsDocument held = standingOnA.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC));
            VpcObservation tagged = world().routed(ours("vpce-o", RTB_A).tags(Map.of("app", "x"))).build();
            assertTrue(found(tagged, held, request(STANDING, PolicyWish.NONE, Map.of("app", "y"), RTB_A)).isEmpty(),
                    "the holder's tag wish is a write");
            assertTrue(found(tagged, standingOnA, request(STANDING, PolicyWish.NONE, Map.of("app", "y"), RTB_A))
                    .isPresent(), "a tag wish on an endpoint the requester does not hold changes nothing");

            VpcObservation otherPolicy = world().routed(ours("vpce-o", RTB_A).policy(SharingFixtures.POLICY_P1))
                    .build();
            assertTrue(found(otherPolicy, held, request(STANDING, PolicyWish.of(SharingFixtures.POLICY_P2), null,
                    RTB_A)).isEmpty(), "a policy to change, or to refuse, is decided under the lock");

            VpcObservation pending = world().routed(ours("vpce-o", RTB_A).state("pending")).build();
            assertTrue(found(pending, standingOnA, request(STANDING, RTB_A)).isEmpty(), "not available yet");

            VpcObservation lostRoute = world().routed(ours("vpce-o", RTB_A, RTB_B)).noRoute(RTB_B).build();
            assertTrue(found(lostRoute, standingOnA, request(STANDING, RTB_A, RTB_B)).isEmpty(), "a repair");
        }

        @Test
        void aCancelledExecutionIsRefusedAsUnderTheLock() {
            VpcObservation vpc = world().routed(ours("vpce-o", RTB_A)).build();
            ClaimsDocument cancelled = standingOnA.withCancelled(EXEC, DAY_LATER);

            org.junit.jupiter.api.Assertions.assertThrows(dev.vpcepilot.errors.ExecutionCancelled.class,
                    () -> found(vpc, cancelled, request(STANDING, RTB_A)));
        }
    }
}
