package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.EventualConsistency;
import dev.vpcepilot.sharing.LeaseLedger;
import dev.vpcepilot.sharing.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The lock table through the real SDK client and AWS Labs' lock client against moto_server (AWS-faithful: its
 * conditional writes are atomic), in a table shaped as template.yaml's LockTable ({@code key} the hash key): a hold
 * records its claims with the release; a second writer waits for the first and sees what it recorded; a writer whose
 * lease another writer took is refused by the conditional release and records nothing; BatchGetItem reads the claims
 * of more scopes than one call takes.
 */
@Integration
class LeaseLedgerIntegrationTest {

    private static MotoServer moto;
    private static MotoEc2 aws;
    private static DynamoDbClient dynamoDb;
    private static final String TABLE = "lock-" + UUID.randomUUID();

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
        assertTrue(moto.awsFaithful(), "needs aws_faithful_moto_server.py (atomic conditional writes)");
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        dynamoDb = aws.dynamoDb();
        dynamoDb.createTable(r -> r.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName(LeaseLedger.KEY).attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName(LeaseLedger.KEY).keyType(KeyType.HASH)));
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    @Test
    void aHoldRecordsItsClaimsWithTheRelease() {
        Scope scope = freshScope();
        LeaseLedger ledger = ledger("writer");

        ledger.holding(scope, () -> {
            ledger.write(scope, claimOf("rtb-11111111"), ledger.read(scope).version());
            return null;
        });

        assertEquals(List.of("rtb-11111111"), tablesOf(ledger("reader").read(scope).claims()));
    }

    @Test
    void aSecondWriterWaitsForTheFirstAndSeesWhatItRecorded() throws Exception {
        Scope scope = freshScope();
        LeaseLedger first = ledger("first");
        LeaseLedger second = ledger("second");
        CountDownLatch firstHolds = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        // a thread each: the common pool may have a single worker on a small machine
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);

        CompletableFuture<Void> firstRun = CompletableFuture.runAsync(() -> first.holding(scope, () -> {
            firstHolds.countDown();
            await(secondStarted);
            pause(1500); // the second writer polls the held lock meanwhile
            first.write(scope, claimOf("rtb-aaaaaaaa"), 1);
            return null;
        }), threads);
        assertTrue(firstHolds.await(30, TimeUnit.SECONDS));
        List<String> seenBySecond = new ArrayList<>();
        CompletableFuture<Void> secondRun = CompletableFuture.runAsync(() -> {
            secondStarted.countDown();
            second.holding(scope, () -> {
                seenBySecond.addAll(tablesOf(second.read(scope).claims()));
                ClaimsDocument.Claim extra = ClaimsDocument.Claim.of(List.of("rtb-bbbbbbbb"), null, now(), now());
                second.write(scope, second.read(scope).claims().withClaim(Claimant.stack(
                        "arn:aws:cloudformation:us-east-1:123456789012:stack/b/1", "Ep"), extra), 1);
                return null;
            });
        }, threads);
        try {
            firstRun.get(60, TimeUnit.SECONDS);
            secondRun.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertEquals(List.of("rtb-aaaaaaaa"), seenBySecond, "the second writer decided on the first one's claims");
        assertEquals(List.of("rtb-aaaaaaaa", "rtb-bbbbbbbb"), tablesOf(ledger("reader").read(scope).claims()),
                "both writes are recorded; neither overwrote the other");
    }

    /**
     * A holder whose lease lapsed (its Lambda was frozen; another writer took the lock and recorded its own claims)
     * must not record what it decided: its release is conditional on the lease it took, and DynamoDB refuses it.
     */
    @Test
    void aStaleWriterIsRefusedAndRecordsNothing() {
        Scope scope = freshScope();
        LeaseLedger stale = ledger("stale");
        LeaseLedger before = ledger("before");
        before.holding(scope, () -> {
            before.write(scope, claimOf("rtb-00000000"), 1);
            return null;
        });
        Map<String, AttributeValue> recorded = item(scope);

        EndpointBusy refused = assertThrows(EndpointBusy.class, () -> stale.holding(scope, () -> {
            stale.write(scope, claimOf("rtb-5ta1e000"), 1);
            takeOver(scope, recorded);
            return null;
        }));

        assertTrue(refused.getMessage().contains("lapsed"), refused.getMessage());
        assertEquals(List.of("rtb-00000000"), tablesOf(ledger("reader").read(scope).claims()),
                "the claims are the ones the writer that took over left; the stale writer's are not recorded");
        assertEquals("taker", item(scope).get("ownerName").s());
    }

    /**
     * Rule 15: a hold whose lease can no longer be renewed (another writer took the lock) sends no EC2 write once
     * less than {@link LeaseLedger#WRITE_MARGIN} of its lease is left, nor any later one, and records nothing.
     */
    @Test
    void aHoldThatCannotRenewItsLeaseBeforeAWriteWritesNothingMore() {
        Scope scope = freshScope();
        LeaseLedger before = ledger("before");
        before.holding(scope, () -> {
            before.write(scope, claimOf("rtb-00000000"), 1);
            return null;
        });
        LeaseLedger slow = ledger("slow");
        List<String> sent = new ArrayList<>();

        EndpointBusy refused = assertThrows(EndpointBusy.class, () -> slow.holding(scope, () -> {
            slow.beforeWrite("EC2 ModifyVpcEndpoint (in time)");
            sent.add("in time");
            slow.write(scope, claimOf("rtb-5ta1e000"), 1);
            takeOver(scope, item(scope));
            pause(LeaseLedger.LEASE.minus(LeaseLedger.WRITE_MARGIN).plusSeconds(1).toMillis());
            try {
                slow.beforeWrite("EC2 ModifyVpcEndpoint (late)");
                sent.add("late");
            } catch (EndpointBusy first) {
                slow.beforeWrite("EC2 DeleteVpcEndpoints (the undo)");
                sent.add("undo");
            }
            return null;
        }));

        assertEquals(List.of("in time"), sent, "nothing is written once the lease cannot be renewed, not even an undo");
        assertTrue(refused.getMessage().contains("lapsed before EC2 ModifyVpcEndpoint (late)"), refused.getMessage());
        assertEquals(List.of("rtb-00000000"), tablesOf(ledger("reader").read(scope).claims()),
                "the claims are the ones the writer that took over left; the slow writer's are not recorded");
        assertEquals("taker", item(scope).get("ownerName").s());
    }

    /**
     * Rule 15: the claims are written with a new record version, so a writer that read the lease before the write
     * (and would take it over as expired, conditioned on that version) can no longer install what it read.
     */
    @Test
    void recordingTheClaimsGivesTheItemANewVersion() {
        Scope scope = freshScope();
        LeaseLedger writer = ledger("writer");
        List<String> versions = new ArrayList<>();

        writer.holding(scope, () -> {
            versions.add(item(scope).get("recordVersionNumber").s());
            writer.write(scope, claimOf("rtb-11111111"), 1);
            return null;
        });

        Map<String, AttributeValue> after = item(scope);
        assertTrue(after.containsKey("isReleased"), "released");
        assertTrue(!versions.get(0).equals(after.get("recordVersionNumber").s()),
                "the version read under the lease is not the version after the claims were written");
        assertEquals(List.of("rtb-11111111"), tablesOf(ledger("reader").read(scope).claims()));
    }

    @Test
    void batchGetItemReadsTheClaimsOfMoreScopesThanOneCallTakes() {
        Scope first = freshScope();
        Scope second = freshScope();
        Scope never = freshScope();
        LeaseLedger ledger = ledger("writer");
        ledger.holding(first, () -> {
            ledger.write(first, claimOf("rtb-1111aaaa"), 1);
            return null;
        });
        ledger.holding(second, () -> {
            ledger.write(second, claimOf("rtb-2222bbbb"), 1);
            return null;
        });
        // 110 more scopes whose items hold the first scope's claims (copies of its item under their keys)
        Map<String, AttributeValue> item = item(first);
        List<Scope> copies = new ArrayList<>();
        for (int i = 0; i < 110; i++) {
            Scope copy = freshScope();
            Map<String, AttributeValue> copied = new java.util.HashMap<>(item);
            copied.put(LeaseLedger.KEY, AttributeValue.builder().s(copy.key()).build());
            dynamoDb.putItem(r -> r.tableName(TABLE).item(copied));
            copies.add(copy);
        }
        List<Scope> asked = new ArrayList<>(List.of(first, second, never));
        asked.addAll(copies);

        Map<Scope, ClaimsDocument> read = LeaseLedger.readMany(dynamoDb, TABLE, asked, EventualConsistency.SLEEP);

        assertEquals(asked.size(), read.size());
        assertEquals(List.of("rtb-1111aaaa"), tablesOf(read.get(first)));
        assertEquals(List.of("rtb-2222bbbb"), tablesOf(read.get(second)));
        assertEquals(List.of(), tablesOf(read.get(never)), "a scope without an item has no claims");
        copies.forEach(copy -> assertEquals(List.of("rtb-1111aaaa"), tablesOf(read.get(copy)), copy.key()));
    }

    // ---- helpers

    private static LeaseLedger ledger(String owner) {
        return new LeaseLedger(dynamoDb, TABLE, owner, EventualConsistency.SLEEP);
    }

    private static Scope freshScope() {
        String hex = UUID.randomUUID().toString().replace("-", "").substring(0, 17);
        return new Scope("123456789012", "us-east-1", "vpc-" + hex, "com.amazonaws.us-east-1.dynamodb");
    }

    private static ClaimsDocument claimOf(String routeTableId) {
        return ClaimsDocument.empty().withClaim(Claimant.STANDING,
                ClaimsDocument.Claim.of(List.of(routeTableId), null, now(), now()));
    }

    private static List<String> tablesOf(ClaimsDocument claims) {
        return claims.claims().values().stream().flatMap(c -> c.routeTableIds().stream()).sorted().toList();
    }

    private static java.time.Instant now() {
        return java.time.Instant.now();
    }

    private static Map<String, AttributeValue> item(Scope scope) {
        return dynamoDb.getItem(r -> r.tableName(TABLE).consistentRead(true)
                .key(Map.of(LeaseLedger.KEY, AttributeValue.builder().s(scope.key()).build()))).item();
    }

    /**
     * What a writer that took a lapsed lease leaves in the item: its own owner and record version number (as the
     * lock client writes them when it acquires), and its claims.
     */
    private static void takeOver(Scope scope, Map<String, AttributeValue> claimsOfTheTaker) {
        Map<String, AttributeValue> taken = new java.util.HashMap<>(item(scope));
        taken.put("ownerName", AttributeValue.builder().s("taker").build());
        taken.put("recordVersionNumber", AttributeValue.builder().s(UUID.randomUUID().toString()).build());
        taken.put("data", claimsOfTheTaker.get("data"));
        dynamoDb.putItem(r -> r.tableName(TABLE).item(taken));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
