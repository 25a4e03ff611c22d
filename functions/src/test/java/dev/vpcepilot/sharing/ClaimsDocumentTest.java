package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.LONG_AGO;
import static dev.vpcepilot.sharing.SharingFixtures.NOW;
import static dev.vpcepilot.sharing.SharingFixtures.OTHER_EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_A;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_B;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_C;
import static dev.vpcepilot.sharing.SharingFixtures.RTB_D;
import static dev.vpcepilot.sharing.SharingFixtures.SCOPE;
import static dev.vpcepilot.sharing.SharingFixtures.STACK_X;
import static dev.vpcepilot.sharing.SharingFixtures.claim;
import static dev.vpcepilot.sharing.SharingFixtures.noClaims;
import static dev.vpcepilot.sharing.SharingFixtures.record;
import static dev.vpcepilot.sharing.SharingFixtures.runClaim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.fixtures.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

class ClaimsDocumentTest {

    private static final Claimant STANDING = Claimant.STANDING;
    private static final Claimant RUN = Claimant.run(EXEC);
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final String STACK_X_OF_THE_DOCUMENT =
            Claimant.stack("arn:aws:cloudformation:us-east-1:123456789012:stack/x/1111", "Endpoint").id();

    /** A standing claim on A, a stack claim on B, the run's claim on C until an hour from now. */
    private static ClaimsDocument threeClaims() {
        return noClaims().withClaim(STANDING, claim(RTB_A)).withClaim(STACK_X, claim(RTB_B))
                .withClaim(RUN, runClaim(EXEC, NOW.plusSeconds(3600), RTB_C));
    }

    @Test
    void claimsWithoutExpiryAndRunClaimsNotYetExpiredAreLive() {
        ClaimsDocument claims = threeClaims();

        assertEquals(Set.of(STANDING.id(), STACK_X.id(), RUN.id()), claims.liveClaims(NOW).keySet());
        assertEquals(Set.of(RTB_A, RTB_B, RTB_C), claims.claimedRouteTables(NOW));
    }

    @Test
    void aRunClaimNoLongerCountsFromItsExpiry() {
        ClaimsDocument claims = threeClaims();
        Instant expiry = NOW.plusSeconds(3600);

        assertTrue(claims.liveClaims(expiry.minusMillis(1)).containsKey(RUN.id()));
        assertFalse(claims.liveClaims(expiry).containsKey(RUN.id()));
        assertEquals(Set.of(RTB_A, RTB_B), claims.claimedRouteTables(expiry));
        assertEquals(List.of(), claims.claimantsOf(List.of(RTB_C), expiry));
    }

    @Test
    void theClaimOfACancelledRunDoesNotCountWhileTheCancellationHolds() {
        Instant until = NOW.plusSeconds(600);
        ClaimsDocument claims = threeClaims().withCancelled(EXEC, until);

        assertTrue(claims.isCancelled(EXEC, NOW));
        assertFalse(claims.liveClaims(NOW).containsKey(RUN.id()));
        assertEquals(Set.of(RTB_A, RTB_B), claims.claimedRouteTables(NOW));
        // Once the cancellation has lapsed it neither refuses nor hides anything.
        assertFalse(claims.isCancelled(EXEC, until));
        assertTrue(claims.liveClaims(until).containsKey(RUN.id()));
    }

    @Test
    void aCancellationConcernsRunClaimsOnly() {
        // A stack claim recorded by a cancelled execution is the hook's to remove (SharedEndpoints.cancel).
        ClaimsDocument claims = noClaims().withClaim(STACK_X, ClaimsDocument.Claim.of(List.of(RTB_A), EXEC,
                NOW, NOW)).withCancelled(EXEC, NOW.plusSeconds(600));

        assertEquals(Set.of(RTB_A), claims.claimedRouteTables(NOW));
        assertFalse(claims.isCancelled(null, NOW));
    }

    @Test
    void claimantsOfAreTheLiveClaimantsNeedingAnyOfTheTablesInOrder() {
        ClaimsDocument claims = threeClaims().withClaim(Claimant.run(OTHER_EXEC),
                runClaim(OTHER_EXEC, NOW, RTB_A));

        assertEquals(List.of(STACK_X.id(), STANDING.id()), claims.claimantsOf(List.of(RTB_A, RTB_B), NOW));
        assertEquals(List.of(RUN.id()), claims.claimantsOf(Set.of(RTB_C), NOW));
        assertEquals(List.of(), claims.claimantsOf(List.of("rtb-0000000000000000f"), NOW));
    }

    @Test
    void prunedDropsExpiredClaimsLapsedCancellationsAndRecordsOfGoneEndpoints() {
        ClaimsDocument claims = threeClaims()
                .withClaim(Claimant.run(OTHER_EXEC), runClaim(OTHER_EXEC, NOW.minusSeconds(1), RTB_A))
                .withCancelled("arn:lapsed", NOW.minusSeconds(1))
                .withCancelled("arn:holding", NOW.plusSeconds(1))
                .withEndpoint("vpce-exists", record(STANDING, OTHER_EXEC))
                .withEndpoint("vpce-gone", record(STANDING, OTHER_EXEC))
                .withEndpoint("vpce-young", new ClaimsDocument.EndpointRecord(STANDING.id(), EXEC,
                        NOW.minus(GRACE).plusSeconds(1)))
                .withEndpoint("vpce-just-old", new ClaimsDocument.EndpointRecord(STANDING.id(), EXEC,
                        NOW.minus(GRACE)));

        ClaimsDocument pruned = claims.pruned(NOW, Set.of("vpce-exists"), GRACE);

        assertEquals(Set.of(STANDING.id(), STACK_X.id(), RUN.id()), pruned.claims().keySet());
        assertEquals(Set.of("arn:holding"), pruned.cancelled().keySet());
        // A record younger than the grace stays: EC2 may not show a just-created endpoint yet.
        assertEquals(Set.of("vpce-exists", "vpce-young"), pruned.endpoints().keySet());
        assertEquals(claims.claims().get(STANDING.id()), pruned.claims().get(STANDING.id()));
    }

    @Test
    void everyChangeMakesANewDocumentAndLeavesTheOldOneAsItWas() {
        ClaimsDocument before = threeClaims().withEndpoint("vpce-o", record(STANDING, OTHER_EXEC));
        String snapshot = json(before);

        before.withoutClaim(STANDING);
        before.withClaim(STANDING, claim(RTB_C));
        before.withEndpoint("vpce-new", record(STANDING, EXEC));
        before.withoutEndpoints(List.of("vpce-o"));
        before.withCancelled(EXEC, NOW);
        before.pruned(NOW.plus(Duration.ofDays(2)), Set.of(), GRACE);

        assertEquals(snapshot, json(before));
        assertFalse(before.withoutClaim(STANDING).claims().containsKey(STANDING.id()));
        assertEquals(List.of(RTB_C), before.withClaim(STANDING, claim(RTB_C)).claims().get(STANDING.id())
                .routeTableIds());
        assertFalse(before.withoutEndpoints(List.of("vpce-o")).endpoints().containsKey("vpce-o"));
        assertTrue(before.withCancelled(OTHER_EXEC, NOW.plusSeconds(1)).isCancelled(OTHER_EXEC, NOW));
    }

    @Test
    void neitherTheDocumentNorItsClaimsCanBeChangedInPlace() {
        List<String> tables = new ArrayList<>(List.of(RTB_B, RTB_A, RTB_B));
        List<String> added = new ArrayList<>(List.of(RTB_C));
        ClaimsDocument.Claim claim = new ClaimsDocument.Claim(tables, EXEC, NOW, NOW,
                null, List.of("vpce-2", "vpce-1"), Map.of("vpce-o", added));
        ClaimsDocument document = noClaims().withClaim(RUN, claim).withEndpoint("vpce-o", record(RUN, EXEC));
        tables.add(RTB_C);
        added.add(RTB_A);

        assertEquals(List.of(RTB_A, RTB_B), claim.routeTableIds(), "sorted, each once, copied");
        assertEquals(List.of("vpce-1", "vpce-2"), claim.endpointIds());
        assertEquals(Map.of("vpce-o", List.of(RTB_C)), claim.added(), "copied");
        assertUnmodifiable(() -> claim.routeTableIds().add(RTB_D));
        assertUnmodifiable(() -> claim.added().get("vpce-o").add(RTB_D));
        assertUnmodifiable(() -> document.claims().remove(RUN.id()));
        assertUnmodifiable(() -> document.endpoints().clear());
        assertUnmodifiable(() -> document.cancelled().put(EXEC, NOW));
    }

    @Test
    void aClaimReadFromJsonCannotBeChangedInPlaceEither() throws Exception {
        ClaimsDocument read = Json.MAPPER.readValue(json(threeClaims().withClaim(RUN, new ClaimsDocument.Claim(
                List.of(RTB_C), EXEC, NOW, NOW, null, null, Map.of("vpce-o", List.of(RTB_C))))),
                ClaimsDocument.class);

        assertUnmodifiable(() -> read.claims().get(RUN.id()).routeTableIds().clear());
        assertUnmodifiable(() -> read.claims().get(RUN.id()).added().get("vpce-o").clear());
    }

    @Test
    void theDocumentSurvivesItsJsonForm() throws Exception {
        ClaimsDocument document = threeClaims()
                .withClaim(STACK_X, new ClaimsDocument.Claim(List.of(RTB_B), OTHER_EXEC, LONG_AGO,
                        NOW, null, List.of("vpce-o"), null))
                .withClaim(RUN, new ClaimsDocument.Claim(List.of(RTB_C), EXEC, NOW, NOW,
                        NOW.plusSeconds(60), null, Map.of("vpce-o", List.of(RTB_C))))
                .withEndpoint("vpce-o", record(STACK_X, OTHER_EXEC))
                .withCancelled(OTHER_EXEC, NOW.plusSeconds(60));

        String text = json(document);
        ClaimsDocument back = Json.MAPPER.readValue(text, ClaimsDocument.class);

        assertEquals(document, back);
        assertEquals(Set.of(RTB_A, RTB_B, RTB_C), back.claimedRouteTables(NOW));
        // Absent values are left out, not written as null (the strict mapper reads either, smaller is better).
        JsonNode standing = Json.MAPPER.readTree(text).path("claims").path(STANDING.id());
        assertEquals(Set.of("routeTableIds", "execution", "since", "updated"), Set.copyOf(fieldNames(standing)));
        assertEquals(noClaims(), Json.MAPPER.readValue(json(noClaims()), ClaimsDocument.class));
    }

    /**
     * A document as the code before typed claims wrote it to the lock table (every field of each shape; times as
     * {@code Instant.toString()} writes them, with and without fractions; absent values left out). That code wrote
     * each map in no particular order: the keys are sorted now, so the same claims are always the same bytes.
     */
    private static final String WRITTEN_BEFORE = """
            {"claims":{\
            "run:arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1":{"routeTableIds":["rtb-c"],\
            "execution":"arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1",\
            "since":"2026-01-10T10:15:00.123456Z","updated":"2026-01-10T10:15:00.123456Z",\
            "expiresAt":"2026-01-11T10:15:00.123456Z","added":{"vpce-2":["rtb-c"],"vpce-3":["rtb-a","rtb-d"]}},\
            "stack:arn:aws:cloudformation:us-east-1:123456789012:stack/x/1111|Endpoint":{"routeTableIds":["rtb-b"],\
            "execution":"arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1",\
            "since":"2026-01-01T00:00:00Z","updated":"2026-01-10T10:15:00.123456Z","endpointIds":["vpce-1"],\
            "added":{"vpce-2":["rtb-b"]},"previousRouteTableIds":["rtb-c"]},\
            "standing":{"routeTableIds":["rtb-a","rtb-e"],\
            "execution":"arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1",\
            "since":"2026-01-09T10:15:00.123456Z","updated":"2026-01-10T10:15:00.120Z"}},\
            "endpoints":{"vpce-1":{"holder":"standing",\
            "createdBy":"arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1",\
            "createdAt":"2026-01-01T00:00:00Z"},"vpce-4":{"holder":"run:arn:aws:states:us-east-1:123456789012:\
            execution:vpce-pilot:run-1","createdBy":"arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-1",\
            "createdAt":"2026-01-10T10:14:59.500Z"}},\
            "cancelled":{"arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-0":"2026-01-10T11:15:00.123456Z",\
            "arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-9":"2026-01-10T11:15:00Z"}}""";

    @Test
    void aDocumentWrittenBeforeTheTypedClaimsIsReadAndWrittenBackByteForByte() throws Exception {
        ClaimsDocument read = Json.MAPPER.readValue(WRITTEN_BEFORE, ClaimsDocument.class);

        assertEquals(WRITTEN_BEFORE, json(read));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"),
                read.claims().get(STACK_X_OF_THE_DOCUMENT).since(), "times are Instants");
        assertEquals(Instant.parse("2026-01-11T10:15:00.123456Z"), read.claims().get(RUN.id()).expiresAt());
        assertEquals(Instant.parse("2026-01-10T10:14:59.500Z"), read.endpoints().get("vpce-4").createdAt());
        assertTrue(read.isCancelled("arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-9",
                Instant.parse("2026-01-10T11:14:59.999Z")));
        assertFalse(read.isCancelled("arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:run-9",
                Instant.parse("2026-01-10T11:15:00Z")));
        assertEquals(WRITTEN_BEFORE, json(Json.MAPPER.readValue(json(read), ClaimsDocument.class)));
    }

    @Test
    void theSameClaimsAreTheSameBytesWhateverOrderTheyWereRecordedIn() {
        ClaimsDocument.Claim a = claim(RTB_A);
        ClaimsDocument.Claim b = claim(RTB_B);
        ClaimsDocument oneWay = noClaims().withClaim(STANDING, a).withClaim(STACK_X, b).withClaim(RUN, a)
                .withEndpoint("vpce-2", record(STANDING, EXEC)).withEndpoint("vpce-1", record(RUN, EXEC))
                .withCancelled(OTHER_EXEC, NOW).withCancelled(EXEC, NOW);
        ClaimsDocument otherWay = noClaims().withClaim(RUN, a).withClaim(STACK_X, b).withClaim(STANDING, a)
                .withEndpoint("vpce-1", record(RUN, EXEC)).withEndpoint("vpce-2", record(STANDING, EXEC))
                .withCancelled(EXEC, NOW).withCancelled(OTHER_EXEC, NOW);

        assertEquals(json(oneWay), json(otherWay));
        assertEquals(List.of(RUN.id(), STACK_X.id(), STANDING.id()), List.copyOf(oneWay.claims().keySet()));
    }

    @Test
    void aDocumentWithFieldsOfALaterVersionStillReadsThroughTheLedger() throws Exception {
        ObjectNode later = (ObjectNode) Json.MAPPER.readTree(json(threeClaims()));
        later.put("schema", 2);
        ((ObjectNode) later.path("claims").path(STANDING.id())).put("priority", "high");
        String text = Json.MAPPER.writeValueAsString(later);
        DynamoDbClient dynamoDb = Fixtures.dynamoDb();
        doReturn(GetItemResponse.builder().item(Map.of(
                LeaseLedger.KEY, AttributeValue.builder().s(SCOPE.key()).build(),
                "data", AttributeValue.builder().b(software.amazon.awssdk.core.SdkBytes.fromUtf8String(text)).build()))
                .build())
                .when(dynamoDb).getItem(any(GetItemRequest.class));

        ClaimsStore.Versioned read = new LeaseLedger(dynamoDb, "locks", "test", EventualConsistency.SLEEP).read(SCOPE);

        assertEquals(threeClaims(), read.claims());
        // The functions' own mapper is strict: the store's reader is what makes this work.
        assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readValue(text, ClaimsDocument.class));
    }

    private static void assertUnmodifiable(Runnable change) {
        assertThrows(UnsupportedOperationException.class, change::run);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String json(ClaimsDocument document) {
        try {
            return Json.MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
