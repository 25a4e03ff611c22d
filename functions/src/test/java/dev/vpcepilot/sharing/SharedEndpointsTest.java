package dev.vpcepilot.sharing;

import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
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
import static dev.vpcepilot.sharing.SharingFixtures.SCOPE;
import static dev.vpcepilot.sharing.SharingFixtures.STACK_X;
import static dev.vpcepilot.sharing.SharingFixtures.STACK_Y;
import static dev.vpcepilot.sharing.SharingFixtures.claim;
import static dev.vpcepilot.sharing.SharingFixtures.record;
import static dev.vpcepilot.sharing.SharingFixtures.request;
import static dev.vpcepilot.sharing.SharingFixtures.runClaim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;

import dev.vpcepilot.datapath.NetworkFacts;
import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.ExecutionCancelled;
import dev.vpcepilot.errors.PolicyConflict;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.json.StateBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.CreateTagsRequest;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;

/**
 * {@link SharedEndpoints} carrying the rules out against one VPC (a stateful mocked EC2 with AWS's gateway-route
 * behaviour), an in-memory claims store with the conditional write's contract, and a lock that every EC2 call and
 * claims write is checked to happen in.
 */
class SharedEndpointsTest {

    private static final Claimant STANDING = Claimant.STANDING;
    private static final Claimant RUN = Claimant.run(EXEC);
    private static final Duration RUN_LIFETIME = Duration.ofHours(24);

    private final SettableClock clock = new SettableClock(NOW);
    private final CountingLock lock = new CountingLock();
    private final FakeVpc vpc = new FakeVpc(lock, clock);
    private final InMemoryClaimsStore store = new InMemoryClaimsStore(lock);
    private final List<Duration> pauses = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final SharedEndpoints endpoints = new SharedEndpoints(new VpcObserver(vpc.client()),
            new EndpointWriter(vpc.client(), new EventualConsistency(pauses::add), lock, log::add), lock, store, clock,
            log::add);

    private ClaimsDocument claims() {
        return store.document();
    }

    private ClaimsDocument.Claim claimOf(Claimant claimant) {
        return claims().claims().get(claimant.id());
    }

    /** The one endpoint the fake created. */
    private String createdId() {
        List<String> created = vpc.endpointIds().stream().filter(id -> id.startsWith("vpce-new")).toList();
        assertEquals(1, created.size(), created.toString());
        return created.get(0);
    }

    @Nested
    class Ensure {

        @Test
        void aCreatedEndpointIsRecordedForItsHolderWithTheRunsClaim() {
            ServingState served = endpoints.ensure(request(STANDING, RTB_B, RTB_A));

            String id = createdId();
            assertEquals(List.of("create [" + RTB_A + ", " + RTB_B + "]"), vpc.writes());
            ClaimsDocument.Claim run = claimOf(RUN);
            assertEquals(List.of(RTB_A, RTB_B), run.routeTableIds());
            assertEquals(EXEC, run.execution());
            assertEquals(NOW, run.since());
            assertEquals(NOW, run.updated());
            assertEquals(NOW.plus(RUN_LIFETIME), run.expiresAt(), "a run that dies loses its claim");
            assertNull(claimOf(STANDING), "the standing claim comes with the verification, not before");
            assertEquals(new ClaimsDocument.EndpointRecord(STANDING.id(), EXEC, vpc.endpoint(id).created),
                    claims().endpoints().get(id));
            assertEquals(List.of(new ServingState.Endpoint(id, true, true, true, "available", List.of(RTB_A, RTB_B),
                    vpc.endpoint(id).created.toString())), served.endpoints());
            assertTrue(served.created());
            assertEquals(id, served.vpcEndpointId());
            assertEquals(1, lock.holds());
            assertEquals(1, store.writes());
        }

        @Test
        void aForeignEndpointServesWhatItCoversUntouchedAndOursServesTheRest() {
            vpc.foreign("vpce-f", RTB_A).policy(POLICY_P1).tag("team", "network");

            ServingState served = endpoints.ensure(request(STANDING, PolicyWish.NONE, Map.of("app", "x"),
                    RTB_A, RTB_B));

            String id = createdId();
            assertEquals(List.of("create [" + RTB_B + "]"), vpc.writes(), "nothing is written to vpce-f");
            assertEquals(Set.of(id), claims().endpoints().keySet());
            assertEquals(List.of(RTB_A, RTB_B), claimOf(RUN).routeTableIds());
            assertEquals(2, served.endpoints().size());
            ServingState.Endpoint theirs = served.endpoints().stream()
                    .filter(e -> e.vpcEndpointId().equals("vpce-f")).findFirst().orElseThrow();
            assertEquals(new ServingState.Endpoint("vpce-f", false, false, false, "available", List.of(RTB_A), null),
                    theirs);
            assertFalse(served.owned());
            assertNull(served.vpcEndpointId(), "two endpoints serve the request");
            assertEquals(Map.of("app", "x", "managed-by", "vpce-pilot", "vpce-pilot:execution", EXEC),
                    vpc.endpoint(id).tags);
        }

        @Test
        void tablesAddedToAnEndpointTheRunDidNotCreateAreRecordedInItsClaim() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC)).withClaim(STACK_X, claim(RTB_A)));

            ServingState served = endpoints.ensure(request(STANDING, RTB_A, RTB_B));

            assertEquals(List.of("modify vpce-o +[" + RTB_B + "]"), vpc.writes());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), claimOf(RUN).added());
            assertEquals(List.of(new ServingState.Endpoint("vpce-o", true, false, false, "available",
                    List.of(RTB_A, RTB_B), null)), served.endpoints());
            assertFalse(served.created());
        }

        @Test
        void anEndpointThisExecutionCreatedBeforeItsStepDiedIsAdoptedNotCreatedAgain() {
            vpc.ours("vpce-mine", EXEC, RTB_A);

            ServingState served = endpoints.ensure(request(STACK_X, RTB_A));

            assertEquals(List.of(), vpc.writes());
            assertEquals(new ClaimsDocument.EndpointRecord(STACK_X.id(), EXEC, LONG_AGO),
                    claims().endpoints().get("vpce-mine"));
            assertTrue(served.created(), "this execution created it");
            assertTrue(served.endpoints().get(0).held());
        }

        @Test
        void aPolicyConflictChangesAndRecordsNothing() {
            vpc.foreign("vpce-f", RTB_A).policy(POLICY_P1);

            assertThrows(PolicyConflict.class,
                    () -> endpoints.ensure(request(STANDING, PolicyWish.of(POLICY_P2), null, RTB_A, RTB_B)));

            assertEquals(List.of(), vpc.writes());
            assertEquals(0, store.writes());
            assertEquals(POLICY_P1, vpc.endpoint("vpce-f").policy);
        }

        @Test
        void aCancelledExecutionWritesNothing() {
            store.change(c -> c.withCancelled(EXEC, NOW.plusSeconds(60)));

            assertThrows(ExecutionCancelled.class, () -> endpoints.ensure(request(STANDING, RTB_A)));

            assertEquals(List.of(), vpc.writes());
            assertEquals(0, store.writes());
        }

        @Test
        void theHolderChangesItsPolicyAndThePreviousOneTravelsForRollback() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A).policy(POLICY_P1);
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC)));

            ServingState served = endpoints.ensure(request(STANDING, PolicyWish.of(POLICY_P2), null, RTB_A));

            assertEquals(List.of("policy vpce-o"), vpc.writes());
            assertEquals(POLICY_P2, vpc.endpoint("vpce-o").policy);
            assertEquals(Map.of("vpce-o", POLICY_P1), served.previousPolicies());
        }

        @Test
        void theHolderRetagsItsEndpointAndOurOwnTagsStay() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A).tag("old", "1").tag("app", "v1");
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC)));

            endpoints.ensure(request(STANDING, PolicyWish.NONE, Map.of("app", "v2"), RTB_A));

            assertEquals(List.of("tag vpce-o [app=v2]", "untag vpce-o [old]"), vpc.writes());
            assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", OTHER_EXEC, "app", "v2"),
                    vpc.endpoint("vpce-o").tags);
        }

        @Test
        void aStepWhoseTaggingFailsPutsBackThePolicyItChangedAndRecordsNothing() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A).policy(POLICY_P1);
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC)));
            doThrow(ec2Error(503, "RequestLimitExceeded")).when(vpc.client()).createTags(any(CreateTagsRequest.class));

            assertThrows(TransientAwsError.class, () -> endpoints.ensure(request(STANDING, PolicyWish.of(POLICY_P2),
                    Map.of("app", "v2"), RTB_A)));

            assertEquals(POLICY_P1, vpc.endpoint("vpce-o").policy, "the retried step must not find P2 as if it were "
                    + "the endpoint's own");
            assertEquals(List.of("policy vpce-o", "policy vpce-o"), vpc.writes());
            assertEquals(0, store.writes());
        }

        @Test
        void aStepWhoseExtensionFailsPutsBackTheTagsItChanged() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A).tag("old", "1").tag("app", "v1");
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC)));
            doThrow(ec2Error(400, "VpcEndpointLimitExceeded")).when(vpc.client())
                    .modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));

            assertThrows(AwsRequestFailed.class, () -> endpoints.ensure(request(STANDING, PolicyWish.NONE,
                    Map.of("app", "v2", "new", "x"), RTB_A, RTB_B)));

            assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", OTHER_EXEC, "old", "1", "app", "v1"),
                    vpc.endpoint("vpce-o").tags);
            assertEquals(Set.of(RTB_A), vpc.endpoint("vpce-o").tables);
        }

        @Test
        void aLostRouteOfOursIsRepaired() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A, RTB_B);
            vpc.loseRoute(RTB_B);

            endpoints.ensure(request(STANDING, RTB_A, RTB_B));

            assertEquals(List.of("modify vpce-o -[" + RTB_B + "]", "modify vpce-o +[" + RTB_B + "]"), vpc.writes());
            assertEquals("vpce-o", vpc.routes().get(RTB_B));
        }

        @Test
        void itPrunesWhatNoLongerCounts() {
            store.change(c -> c.withClaim(Claimant.run(OTHER_EXEC), runClaim(OTHER_EXEC, NOW, RTB_C))
                    .withEndpoint("vpce-gone", record(STANDING, OTHER_EXEC))
                    .withCancelled(OTHER_EXEC, NOW.minusSeconds(1)));

            endpoints.ensure(request(STANDING, RTB_A));

            assertEquals(Set.of(RUN.id()), claims().claims().keySet());
            assertEquals(Set.of(createdId()), claims().endpoints().keySet());
            assertEquals(Map.of(), claims().cancelled());
        }

        @Test
        void aRetriedStepKeepsTheRunsFirstClaimTimeAndWhatItAdded() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC)).withClaim(STACK_X, claim(RTB_A)));
            endpoints.ensure(request(STANDING, RTB_A, RTB_B));
            clock.advance(Duration.ofMinutes(1));

            endpoints.ensure(request(STANDING, RTB_A, RTB_B));

            ClaimsDocument.Claim run = claimOf(RUN);
            assertEquals(NOW, run.since());
            assertEquals(NOW.plusSeconds(60), run.updated());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), run.added());
        }
    }

    /** Rule 16: the lock only to write. */
    @Nested
    class FoundAsAsked {

        /** What an earlier scheduled run created and recorded: the endpoint, and the standing claim on the table. */
        private void standingServedBy(String id, String routeTableId) {
            vpc.ours(id, OTHER_EXEC, routeTableId);
            store.change(c -> c.withEndpoint(id, record(STANDING, OTHER_EXEC))
                    .withClaim(STANDING, claim(routeTableId)));
        }

        @Test
        void aRunThatFindsItsStandingTablesServedTakesNoLockAndWritesNothing() {
            String id = "vpce-o";
            standingServedBy(id, RTB_A);
            ClaimsDocument before = claims();
            int holds = lock.holds();
            int writes = store.writes();
            int reads = vpc.readsWithoutTheLock();

            ServingState served = endpoints.ensure(request(STANDING, RTB_A));

            assertEquals(holds, lock.holds(), "no lock taken");
            assertEquals(writes, store.writes(), "no claims written");
            assertEquals(before, claims());
            assertEquals(List.of(), vpc.writes(), "nothing written to EC2");
            assertEquals(reads + 2, vpc.readsWithoutTheLock(), "the endpoints and route tables, read once");
            assertEquals(List.of(new ServingState.Endpoint(id, true, true, false, "available", List.of(RTB_A), null)),
                    served.endpoints());
            assertEquals("available", served.state());
            assertEquals(Map.of(RTB_A, id), served.verified().coverage().servedBy());
            assertEquals(List.of(STANDING.id()), served.verified().claimants());
            assertEquals(List.of(new SharedEndpoints.EndpointReport(id, true, true, List.of(RTB_A))),
                    served.verified().endpoints());
            assertEquals(List.of(id), served.verified().routing().endpoints().stream()
                    .map(dev.vpcepilot.datapath.NetworkFacts.Endpoint::vpcEndpointId).toList());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Found as asked, without the lock")), log.toString());
        }

        @Test
        void theRouteTablesAnEarlierStepReadAreReusedSoOnlyTheEndpointsAreDescribed() {
            standingServedBy("vpce-o", RTB_A);
            int holds = lock.holds();
            int reads = vpc.readsWithoutTheLock();
            List<NetworkFacts.RouteTable> resolved = List.of(new NetworkFacts.RouteTable(RTB_A, true, List.of(),
                    List.of(new NetworkFacts.Route(null, PL, "vpce-o", "active", false))));

            ServingState served = endpoints.ensure(request(STANDING, RTB_A), resolved, () -> 7);

            assertEquals(holds, lock.holds(), "no lock taken");
            assertEquals(reads + 1, vpc.readsWithoutTheLock(), "DescribeVpcEndpoints alone");
            assertEquals(Map.of(RTB_A, "vpce-o"), served.verified().coverage().servedBy());
            assertEquals(resolved, served.verified().routing().routeTables());
        }

        @Test
        void routeTablesReadEarlierThatNoLongerShowTheRouteSendTheRunToTheLock() {
            standingServedBy("vpce-o", RTB_A);
            int holds = lock.holds();
            int reads = vpc.readsWithoutTheLock();
            List<NetworkFacts.RouteTable> withoutTheRoute = List.of(new NetworkFacts.RouteTable(RTB_A, true,
                    List.of(), List.of()));

            ServingState served = endpoints.ensure(request(STANDING, RTB_A), withoutTheRoute, () -> 7);

            assertEquals(reads, vpc.readsWithoutTheLock(), "no route to an endpoint: nothing to describe unlocked");
            assertEquals(holds + 1, lock.holds(), "the lock, where EC2 is read again and shows the route");
            assertEquals(List.of("endpoints", "route tables"), vpc.readsUnderTheLock(),
                    "an endpoint lists the table: its route tables are read before deciding (rule 17)");
            assertEquals(Map.of(RTB_A, "vpce-o"), served.verified().coverage().servedBy(),
                    "shown served in that hold, so verified there (rule 17)");
            assertEquals(List.of(), vpc.writes(), "nothing to repair once read under the lock");
        }

        @Test
        void aVpcWhoseRouteTablesWouldNotFitInTheStateTakesTheLock() {
            standingServedBy("vpce-o", RTB_A);
            vpc.moreTables(1000);
            int holds = lock.holds();

            ServingState served = endpoints.ensure(request(STANDING, RTB_A));

            assertEquals(holds + 1, lock.holds(), "over " + StateBudget.PART_BYTES + " bytes: the lock");
            assertNull(served.verified());
            assertEquals(List.of(), vpc.writes(), "and nothing to change in EC2");
        }

        @Test
        void aRunThatMustRecordAClaimStillLocks() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A, RTB_B);
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC))
                    .withClaim(STANDING, claim(RTB_A)));
            int holds = lock.holds();

            ServingState withCleanup = endpoints.ensure(request(RUN, RTB_A));

            assertEquals(holds + 1, lock.holds());
            assertNull(withCleanup.verified());
            assertEquals(List.of(RTB_A), claimOf(RUN).routeTableIds(), "the run claim its cleanup releases");

            ServingState another = endpoints.ensure(request(STANDING, RTB_A, RTB_B));

            assertEquals(holds + 2, lock.holds(), RTB_B + " is not in the standing claim yet");
            assertNull(another.verified());
        }
    }

    /** Rule 17: one hold when what serves the request shows at once. */
    @Nested
    class OneHold {

        /** The VPC's route tables as ResolveVpc read them: each with its local route only. */
        private List<NetworkFacts.RouteTable> unrouted(String... routeTableIds) {
            return java.util.Arrays.stream(routeTableIds).map(id -> new NetworkFacts.RouteTable(id, false, List.of(),
                    List.of(new NetworkFacts.Route("172.31.0.0/16", null, "local", "active", false)))).toList();
        }

        @Test
        void aCreatingRunIsVerifiedAndRecordedInTheHoldThatCreated() {
            ServingState served = endpoints.ensure(request(STANDING, RTB_A), unrouted(RTB_A, RTB_B), () -> 3);

            String id = createdId();
            assertEquals(1, lock.holds(), "one hold");
            assertEquals(1, store.writes(), "one claims write");
            assertEquals(List.of("endpoints", "route tables"), vpc.readsUnderTheLock(),
                    "the endpoints decide, the route tables (read after the create) prove");
            assertEquals(List.of(RTB_A), claimOf(STANDING).routeTableIds(), "the requester's claim, recorded");
            assertNull(claimOf(RUN), "the run claim gave way to it, as a commit does");
            assertEquals(new ClaimsDocument.EndpointRecord(STANDING.id(), EXEC, vpc.endpoint(id).created),
                    claims().endpoints().get(id));
            assertEquals(Map.of(RTB_A, id), served.verified().coverage().servedBy());
            assertEquals(Map.of(RTB_A, PL), served.verified().coverage().prefixLists());
            assertEquals(List.of(STANDING.id()), served.verified().claimants());
            assertEquals(3, served.tables());
            assertEquals("available", served.state());
            assertTrue(served.created());
        }

        @Test
        void withoutTheProofOfTheRoutesItRecordsOnlyTheRunsClaim() {
            vpc.createIn("pending");

            ServingState served = endpoints.ensure(request(STANDING, RTB_A), unrouted(RTB_A), () -> 3);

            assertNull(served.verified(), "a pending endpoint is verified by the wait and the commit");
            assertEquals(3, served.tables(), "what ListTables answered travels to the verification");
            assertEquals(List.of(RTB_A), claimOf(RUN).routeTableIds());
            assertNull(claimOf(STANDING));
            assertEquals("pending", served.state());
        }

        @Test
        void aRefusedListTablesChangesNothing() {
            VerificationFailed refused = new VerificationFailed("ListTables failed: AccessDeniedException");

            VerificationFailed thrown = assertThrows(VerificationFailed.class,
                    () -> endpoints.ensure(request(STANDING, RTB_A), unrouted(RTB_A), () -> {
                        throw refused;
                    }));

            assertEquals(refused, thrown);
            assertEquals(List.of(), vpc.writes(), "asked before anything is written");
            assertEquals(0, store.writes());
            assertEquals(1, lock.holds());
        }

        @Test
        void aTableAnEndpointListsIsReadUnderTheLockBeforeDeciding() {
            vpc.foreign("vpce-f", RTB_A);
            vpc.loseRoute(RTB_A);

            assertThrows(VerificationFailed.class,
                    () -> endpoints.ensure(request(STANDING, RTB_A), unrouted(RTB_A), () -> 3));

            assertEquals(List.of("endpoints", "route tables"), vpc.readsUnderTheLock());
            assertEquals(List.of(), vpc.writes(), "a foreign endpoint without its route is not ours to repair");
        }

        @Test
        void aTableTheEarlierReadShowsWithAPrefixListRouteIsReadUnderTheLockBeforeDeciding() {
            List<NetworkFacts.RouteTable> routed = List.of(new NetworkFacts.RouteTable(RTB_A, false, List.of(),
                    List.of(new NetworkFacts.Route(null, PL, "vpce-gone", "blackhole", true))));

            endpoints.ensure(request(STANDING, RTB_A), routed, () -> 3);

            assertEquals(List.of("endpoints", "route tables", "route tables"), vpc.readsUnderTheLock(),
                    "read before deciding, and again after the create to prove it");
        }

        @Test
        void aStackWhoseClaimShrinksCommitsInAHoldOfItsOwn() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A, RTB_B);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_X, claim(RTB_A, RTB_B)));

            ServingState served = endpoints.ensure(request(STACK_X, RTB_A), null, () -> 3);

            assertNull(served.verified(), "the release of " + RTB_B + " is the commit's, in its own hold");
            assertEquals(List.of(RTB_A, RTB_B), claimOf(STACK_X).routeTableIds());
        }

        @Test
        void theFleetsReuseOrCreateLeavesTheCommitToItsOwnStep() {
            ServingState served = endpoints.ensure(request(STANDING, RTB_A));

            assertNull(served.verified());
            assertEquals(List.of(RTB_A), claimOf(RUN).routeTableIds());
            assertNull(claimOf(STANDING));
        }
    }

    @Nested
    class Commit {

        @Test
        void theStandingClaimGainsTheVerifiedTablesAndTheRunClaimGoes() {
            store.change(c -> c.withClaim(STANDING, claim(RTB_C)));
            vpc.ours("vpce-c", OTHER_EXEC, RTB_C);
            endpoints.ensure(request(STANDING, RTB_A));
            clock.advance(Duration.ofSeconds(30));

            SharedEndpoints.Committed committed = endpoints.commit(SCOPE, STANDING, EXEC, List.of(RTB_A));

            String id = createdId();
            ClaimsDocument.Claim standing = claimOf(STANDING);
            assertEquals(List.of(RTB_A, RTB_C), standing.routeTableIds());
            assertEquals(LONG_AGO, standing.since());
            assertEquals(NOW.plusSeconds(30), standing.updated());
            assertEquals(EXEC, standing.execution());
            assertNull(standing.expiresAt(), "a standing claim lasts until an explicit release");
            assertNull(claimOf(RUN));
            assertEquals(Map.of(RTB_A, id), committed.coverage().servedBy());
            assertEquals(List.of(STANDING.id()), committed.claimants());
            assertEquals(List.of(new SharedEndpoints.EndpointReport(id, true, true, List.of(RTB_A))),
                    committed.endpoints());
        }

        /** The fleet's commit: what commit does for the standing use, and no EC2 write (it never releases). */
        @Test
        void commitStandingRecordsAsTheStandingCommitAndWritesNothingToEc2() {
            store.change(c -> c.withClaim(STANDING, claim(RTB_C)));
            vpc.ours("vpce-c", OTHER_EXEC, RTB_C);
            endpoints.ensure(request(STANDING, RTB_A));
            List<String> writesOfEnsure = List.copyOf(vpc.writes());
            clock.advance(Duration.ofSeconds(30));

            SharedEndpoints.Committed committed = endpoints.commitStanding(SCOPE, EXEC, List.of(RTB_A));

            ClaimsDocument.Claim standing = claimOf(STANDING);
            assertEquals(List.of(RTB_A, RTB_C), standing.routeTableIds(), "the standing claim only grows");
            assertNull(standing.expiresAt());
            assertNull(claimOf(RUN));
            assertEquals(Map.of(RTB_A, createdId()), committed.coverage().servedBy());
            assertEquals(writesOfEnsure, vpc.writes(), "the commit itself writes nothing to EC2");
        }

        @Test
        void aStackClaimBecomesExactlyItsTablesAndEndpointsAndWhatItDroppedIsReleased() {
            // Stack X had A (vpce-1) and B (vpce-2); its Update asks for A only.
            vpc.ours("vpce-1", OTHER_EXEC, RTB_A);
            vpc.ours("vpce-2", OTHER_EXEC, RTB_B);
            store.change(c -> c.withEndpoint("vpce-1", record(STACK_X, OTHER_EXEC))
                    .withEndpoint("vpce-2", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A, RTB_B), OTHER_EXEC,
                            LONG_AGO, LONG_AGO, null, List.of("vpce-1", "vpce-2"), null)));
            endpoints.ensure(request(STACK_X, RTB_A));

            SharedEndpoints.Committed committed = endpoints.commit(SCOPE, STACK_X, EXEC, List.of(RTB_A));

            ClaimsDocument.Claim stack = claimOf(STACK_X);
            assertEquals(List.of(RTB_A), stack.routeTableIds());
            assertEquals(List.of("vpce-1"), stack.endpointIds());
            assertNull(stack.expiresAt());
            assertNull(claimOf(RUN));
            assertEquals(List.of("delete [vpce-2]"), vpc.writes());
            assertEquals(Set.of("vpce-1"), claims().endpoints().keySet());
            assertEquals(List.of(STACK_X.id()), committed.claimants());
        }

        @Test
        void aTableAStackDroppedStaysServedWhileSomeoneElseClaimsIt() {
            vpc.ours("vpce-1", OTHER_EXEC, RTB_A, RTB_B);
            store.change(c -> c.withEndpoint("vpce-1", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_Y, claim(RTB_B))
                    .withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A, RTB_B, RTB_C), OTHER_EXEC,
                            LONG_AGO, LONG_AGO, null, List.of("vpce-1"), null)));
            vpc.ours("vpce-3", OTHER_EXEC, RTB_C);
            store.change(c -> c.withEndpoint("vpce-3", record(STACK_X, OTHER_EXEC)));
            endpoints.ensure(request(STACK_X, RTB_A));

            endpoints.commit(SCOPE, STACK_X, EXEC, List.of(RTB_A));

            assertEquals(List.of("delete [vpce-3]"), vpc.writes(), "B stays on vpce-1 for stack Y");
            assertEquals("vpce-1", vpc.routes().get(RTB_B));
        }

        @Test
        void aRunWithCleanupKeepsItsRunClaimUntilItsCleanup() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC)).withClaim(STACK_X, claim(RTB_A)));
            endpoints.ensure(request(RUN, RTB_A, RTB_B));
            clock.advance(Duration.ofMinutes(2));

            endpoints.commit(SCOPE, RUN, EXEC, List.of(RTB_A, RTB_B));

            ClaimsDocument.Claim run = claimOf(RUN);
            assertEquals(List.of(RTB_A, RTB_B), run.routeTableIds());
            assertEquals(NOW, run.since());
            assertEquals(NOW.plus(Duration.ofMinutes(2)).plus(RUN_LIFETIME), run.expiresAt());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), run.added(), "its cleanup takes B out again");
        }

        @Test
        void aTableThatDoesNotRouteFailsTheVerificationAndNothingIsRecorded() {
            endpoints.ensure(request(STANDING, RTB_A, RTB_B));
            vpc.loseRoute(RTB_B);
            ClaimsDocument before = claims();

            VerificationFailed failed = assertThrows(VerificationFailed.class,
                    () -> endpoints.commit(SCOPE, STANDING, EXEC, List.of(RTB_A, RTB_B)));

            assertTrue(failed.getMessage().contains(RTB_B), failed.getMessage());
            assertEquals(before, claims());
            assertEquals(1, store.writes());
            assertNull(claimOf(STANDING));
        }

        @Test
        void aPendingEndpointIsNotYetASuccess() {
            vpc.createIn("pending");
            endpoints.ensure(request(STANDING, RTB_A));

            assertThrows(VerificationFailed.class, () -> endpoints.commit(SCOPE, STANDING, EXEC, List.of(RTB_A)));
            assertNull(claimOf(STANDING));
        }

        @Test
        void aCancelledExecutionCannotCommit() {
            endpoints.ensure(request(STANDING, RTB_A));
            store.change(c -> c.withCancelled(EXEC, NOW.plusSeconds(60)));

            assertThrows(ExecutionCancelled.class, () -> endpoints.commit(SCOPE, STANDING, EXEC, List.of(RTB_A)));
            assertNull(claimOf(STANDING));
        }
    }

    @Nested
    class Release {

        @Test
        void aCleanupDeletesWhatTheRunCreatedWhenNobodyClaimedIt() {
            endpoints.ensure(request(RUN, RTB_A));
            endpoints.commit(SCOPE, RUN, EXEC, List.of(RTB_A));
            String id = createdId();

            SharedEndpoints.Released released = endpoints.cleanup(SCOPE, EXEC);

            assertEquals(List.of(id), released.deleted());
            assertEquals(List.of(RTB_A), released.releasedRouteTables());
            assertFalse(vpc.endpointIds().contains(id));
            assertEquals(ClaimsDocument.empty(), claims());
        }

        @Test
        void aCleanupLeavesWhatItCreatedToWhoeverClaimedItMeanwhile() {
            endpoints.ensure(request(RUN, RTB_A, RTB_B));
            endpoints.commit(SCOPE, RUN, EXEC, List.of(RTB_A, RTB_B));
            String id = createdId();
            store.change(c -> c.withClaim(STANDING, claim(RTB_A)));

            SharedEndpoints.Released released = endpoints.cleanup(SCOPE, EXEC);

            assertEquals(List.of(), released.deleted());
            assertEquals(Map.of(id, List.of(RTB_B)), released.removedRouteTables());
            assertEquals(Map.of(id, List.of(STANDING.id())), released.keptFor());
            assertEquals(Set.of(RTB_A), vpc.endpoint(id).tables);
            assertNull(claimOf(RUN));
            assertTrue(claims().endpoints().containsKey(id));
        }

        @Test
        void aCleanupTakesOutWhatItAddedToAnotherEndpointAndNothingElse() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC)).withClaim(STACK_X, claim(RTB_A)));
            endpoints.ensure(request(RUN, RTB_A, RTB_B));
            endpoints.commit(SCOPE, RUN, EXEC, List.of(RTB_A, RTB_B));

            SharedEndpoints.Released released = endpoints.cleanup(SCOPE, EXEC);

            assertEquals(List.of(), released.deleted());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), released.removedRouteTables());
            assertEquals(List.of("modify vpce-o +[" + RTB_B + "]", "modify vpce-o -[" + RTB_B + "]"), vpc.writes());
            assertEquals(Set.of(RTB_A), vpc.endpoint("vpce-o").tables);
        }

        @Test
        void aRollbackDeletesWhatTheRunCreatedAndPutsBackThePoliciesItChanged() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A).policy(POLICY_P1);
            vpc.ours("vpce-d", OTHER_EXEC, RTB_C).created = LONG_AGO.plusSeconds(1);
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC))
                    .withEndpoint("vpce-d", record(STANDING, OTHER_EXEC)).withClaim(STANDING, claim(RTB_A, RTB_C)));
            ServingState served = endpoints.ensure(request(STANDING, PolicyWish.of(POLICY_P2), null,
                    RTB_A, RTB_B, RTB_C));
            // Both held endpoints get P2 (vpce-d had AWS's default); B goes to vpce-o, the older one.
            assertEquals(Map.of("vpce-o", POLICY_P1, "vpce-d", AWS_DEFAULT), served.previousPolicies());
            assertEquals(Set.of(RTB_A, RTB_B), vpc.endpoint("vpce-o").tables);

            SharedEndpoints.Released released = endpoints.rollback(SCOPE, EXEC, served.previousPolicies(), Map.of());

            assertEquals(POLICY_P1, vpc.endpoint("vpce-o").policy);
            assertTrue(vpc.writes().contains("reset policy vpce-d"), vpc.writes().toString());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), released.removedRouteTables());
            assertEquals(Set.of(RTB_A), vpc.endpoint("vpce-o").tables);
            assertNull(claimOf(RUN));
            assertEquals(List.of(RTB_A, RTB_C), claimOf(STANDING).routeTableIds(), "not the run's to release");
        }

        @Test
        void aRollbackPutsBackTheTagsTheRunChanged() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A).tag("old", "1").tag("app", "v1");
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC)).withClaim(STANDING, claim(RTB_A)));
            ServingState served = endpoints.ensure(request(STANDING, PolicyWish.NONE, Map.of("app", "v2", "new", "x"),
                    RTB_A));
            assertEquals(Map.of("vpce-o", Map.of("old", "1", "app", "v1")), served.previousTags());

            endpoints.rollback(SCOPE, EXEC, served.previousPolicies(), served.previousTags());

            assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", OTHER_EXEC, "old", "1", "app", "v1"),
                    vpc.endpoint("vpce-o").tags);
            assertNull(claimOf(RUN));
        }

        @Test
        void aRollbackDeletesTheEndpointTheRunCreated() {
            endpoints.ensure(request(STANDING, RTB_A));
            String id = createdId();

            SharedEndpoints.Released released = endpoints.rollback(SCOPE, EXEC, Map.of(), Map.of());

            assertEquals(List.of(id), released.deleted());
            assertEquals(Set.of(), vpc.endpointIds());
            assertEquals(ClaimsDocument.empty(), claims());
            assertEquals(2, lock.holds(), "no second hold without policies to restore");
        }

        @Test
        void aRollbackDoesNotTouchAnEndpointItDidNotCreateEvenIfNobodyClaimsIt() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC)));
            endpoints.ensure(request(STANDING, RTB_A));

            endpoints.rollback(SCOPE, EXEC, Map.of(), Map.of());

            assertEquals(List.of(), vpc.writes());
            assertTrue(vpc.endpointIds().contains("vpce-o"));
        }

        @Test
        void aCancelRefusesTheExecutionDropsItsClaimsAndDeletesWhatItCreated() {
            endpoints.ensure(request(STACK_X, RTB_A));
            endpoints.commit(SCOPE, STACK_X, EXEC, List.of(RTB_A));
            String id = createdId();

            SharedEndpoints.Released released = endpoints.cancel(SCOPE, EXEC, STACK_X);

            assertEquals(List.of(id), released.deleted());
            assertNull(claimOf(STACK_X), "the stack claim was recorded by the cancelled execution");
            assertEquals(NOW.plus(SharingRules.CANCELLATION_LIFETIME), claims().cancelled().get(EXEC));
            assertThrows(ExecutionCancelled.class, () -> endpoints.ensure(request(STACK_X, RTB_A)));
            assertEquals(Set.of(), vpc.endpointIds());
        }

        @Test
        void aCancelLeavesAStackClaimAnotherExecutionRecorded() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC)).withClaim(STACK_X, claim(RTB_A)));
            endpoints.ensure(request(STACK_X, RTB_A, RTB_B));

            SharedEndpoints.Released released = endpoints.cancel(SCOPE, EXEC, STACK_X);

            assertEquals(List.of(RTB_A), claimOf(STACK_X).routeTableIds());
            assertEquals(List.of(), released.deleted());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), released.removedRouteTables());
            assertNull(claimOf(RUN));
        }

        @Test
        void aCancelOfACommittedUpdatePutsTheStacksEarlierClaimBackAndUndoesWhatItAdded() {
            // stack X held vpce-o for RTB_A; its Update (execution EXEC) added RTB_B to it and committed, then the
            // custom resource's time bound passed: CloudFormation will roll back to RTB_A alone
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC)).withClaim(STACK_X, claim(RTB_A)));
            endpoints.ensure(request(STACK_X, RTB_A, RTB_B));
            endpoints.commit(SCOPE, STACK_X, EXEC, List.of(RTB_A, RTB_B));
            assertEquals(List.of(RTB_A), claimOf(STACK_X).previousRouteTableIds());
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), claimOf(STACK_X).added(), "what the run added travels");

            SharedEndpoints.Released released = endpoints.cancel(SCOPE, EXEC, STACK_X);

            assertEquals(List.of(RTB_A), claimOf(STACK_X).routeTableIds(), "the claim before the Update, not none");
            assertEquals(List.of(), released.deleted(), "vpce-o still serves the stack's earlier table");
            assertEquals(Map.of("vpce-o", List.of(RTB_B)), released.removedRouteTables());
            assertEquals(Set.of("vpce-o"), vpc.endpointIds());
        }

        @Test
        void whenARunLetsGoOfWhatItCreatedTheOldestClaimKeepingItBecomesItsHolder() {
            endpoints.ensure(request(RUN, RTB_A));
            String id = createdId();
            store.change(c -> c.withClaim(STACK_Y, claim(RTB_A)).withClaim(STACK_X, new ClaimsDocument.Claim(
                    List.of(RTB_A), OTHER_EXEC, LONG_AGO, LONG_AGO, null, null, null)));
            assertEquals(RUN.id(), claims().endpoints().get(id).holder());

            SharedEndpoints.Released released = endpoints.cleanup(SCOPE, EXEC);

            assertEquals(List.of(), released.deleted());
            assertEquals(STACK_X.id(), claims().endpoints().get(id).holder(),
                    "stack X's claim is the oldest: it may change the policy and tags from now on");
        }

        @Test
        void releasingStandingTablesTakesThemOutAndTheLastOneDeletes() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A, RTB_B);
            store.change(c -> c.withEndpoint("vpce-o", record(STANDING, OTHER_EXEC))
                    .withClaim(STANDING, claim(RTB_A, RTB_B)));

            SharedEndpoints.Released first = endpoints.releaseStanding(SCOPE, EXEC, List.of(RTB_A));

            assertEquals(List.of(RTB_A), first.releasedRouteTables());
            assertEquals(Map.of("vpce-o", List.of(RTB_A)), first.removedRouteTables());
            assertEquals(List.of(RTB_B), claimOf(STANDING).routeTableIds());
            assertEquals(LONG_AGO, claimOf(STANDING).since());

            SharedEndpoints.Released last = endpoints.releaseStanding(SCOPE, EXEC, List.of(RTB_B));

            assertEquals(List.of("vpce-o"), last.deleted());
            assertNull(claimOf(STANDING));
            assertEquals(Set.of(), vpc.endpointIds());
            assertEquals(Map.of(), claims().endpoints());
        }

        @Test
        void releasingLeavesEndpointsWithoutRecordAndForeignOnes() {
            vpc.ours("vpce-legacy", OTHER_EXEC, RTB_A);
            vpc.foreign("vpce-f", RTB_B);
            store.change(c -> c.withClaim(STANDING, claim(RTB_A, RTB_B)));

            SharedEndpoints.Released released = endpoints.releaseStanding(SCOPE, EXEC, List.of(RTB_A, RTB_B));

            assertEquals(List.of(), vpc.writes());
            assertEquals(List.of(), released.deleted());
            assertNull(claimOf(STANDING));
        }

        @Test
        void aStacksDeleteReleasesItsClaimAndWhatNobodyElseNeeds() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A), OTHER_EXEC, LONG_AGO,
                            LONG_AGO, null, List.of("vpce-o"), null)));

            SharedEndpoints.Released released = endpoints.releaseStack(SCOPE, STACK_X, List.of("vpce-o"));

            assertEquals(List.of("vpce-o"), released.deleted());
            assertNull(claimOf(STACK_X));
        }

        @Test
        void aStacksDeleteKeepsTheEndpointForAnotherStack() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_Y, claim(RTB_A))
                    .withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A), OTHER_EXEC, LONG_AGO,
                            LONG_AGO, null, List.of("vpce-o"), null)));

            SharedEndpoints.Released released = endpoints.releaseStack(SCOPE, STACK_X, List.of("vpce-o"));

            assertEquals(List.of(), vpc.writes());
            assertEquals(Map.of("vpce-o", List.of(STACK_Y.id())), released.keptFor());
            assertNull(claimOf(STACK_X));
        }

        @Test
        void theDeleteOfAnOlderPhysicalIdReleasesNothing() {
            vpc.ours("vpce-o", OTHER_EXEC, RTB_A);
            store.change(c -> c.withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                    .withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_A), OTHER_EXEC, LONG_AGO,
                            LONG_AGO, null, List.of("vpce-o"), null)));
            long version = store.version();

            SharedEndpoints.Released released = endpoints.releaseStack(SCOPE, STACK_X, List.of("vpce-replaced"));

            assertEquals(SharedEndpoints.Released.nothing(), released);
            assertEquals(List.of(), vpc.writes());
            assertEquals(version, store.version(), "nothing changed, nothing written");
        }
    }

    @Nested
    class ClaimsVersion {

        private void anotherWriterDuringTheStep() {
            vpc.onObserve(() -> {
                store.change(c -> c.withClaim(STACK_Y, claim(RTB_C)));
                vpc.onObserve(() -> { });
            });
        }

        @Test
        void aConcurrentWriteMakesEnsureBusyAndStands() {
            anotherWriterDuringTheStep();

            assertThrows(EndpointBusy.class, () -> endpoints.ensure(request(STANDING, RTB_A)));

            assertEquals(Set.of(STACK_Y.id()), claims().claims().keySet(), "the other writer's claims stand");
            assertEquals(0, store.writes());
        }

        @Test
        void aConcurrentWriteMakesCommitBusy() {
            endpoints.ensure(request(STANDING, RTB_A));
            anotherWriterDuringTheStep();

            assertThrows(EndpointBusy.class, () -> endpoints.commit(SCOPE, STANDING, EXEC, List.of(RTB_A)));

            assertNull(claimOf(STANDING));
        }

        @Test
        void aConcurrentWriteMakesAReleaseBusy() {
            endpoints.ensure(request(RUN, RTB_A));
            anotherWriterDuringTheStep();

            assertThrows(EndpointBusy.class, () -> endpoints.cleanup(SCOPE, EXEC));

            assertTrue(claims().claims().containsKey(RUN.id()));
        }
    }
}
