package dev.vpcepilot.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.moto.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * DynamoDB conditional writes in the emulator are atomic, as DynamoDB's are ("Individual write operations such as
 * UpdateItem are atomic", Best practices for handling concurrent updates in DynamoDB): of many writers racing one
 * conditional PutItem, UpdateItem or DeleteItem on one item, exactly one wins, every round. These are the writes of a
 * lease lock (AWS Labs' dynamodb-lock-client: PutItem attribute_not_exists to take a free lock, PutItem on the record
 * version to take over an expired one, DeleteItem on the owner and record version to release).
 *
 * <p>moto 5.2.1 reads the item, evaluates the condition and writes with nothing in between to stop another request
 * thread: without the patch's one-request-at-a-time handling, the 40-round races here saw two winners in round 21
 * (attribute_not_exists) and round 36 (record version) in the one run measured. The races therefore run
 * twice: on an emulator whose item reads sleep ({@link MotoServer#DYNAMODB_READ_DELAY_MS}), which widens that window
 * so that without the patch round 0 already has several winners (6 to 14 of 16 measured); and on the default
 * emulator, many rounds, as the lock's tests will use it.
 */
@Integration
class DynamoDbConditionalWriteTest {

    private static final int WRITERS = 16;
    private static final int SLOW_ROUNDS = 4;
    private static final int ROUNDS = 40;
    private static final String TABLE = "locks";

    private static MotoServer slow;
    private static MotoEc2 slowAws;
    private static MotoEc2 aws;

    @BeforeAll
    static void startEmulators() {
        // an emulator of its own beside the shared one: the read delay would slow every other class's DynamoDB
        slow = Moto.startPrivate(Map.of(MotoServer.DYNAMODB_READ_DELAY_MS, "20"));
        assertTrue(slow.awsFaithful());
        slowAws = new MotoEc2(slow.endpoint(), "us-east-1");
        aws = new MotoEc2(Moto.fresh().endpoint(), "us-east-1");
        for (MotoEc2 emulator : List.of(slowAws, aws)) {
            emulator.dynamoDb().createTable(r -> r.tableName(TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")));
        }
    }

    @AfterAll
    static void stopEmulators() {
        slowAws.close();
        slow.close();
        aws.close();
    }

    @Test
    void oneOfManyPutItemAttributeNotExistsWinsWhenReadsAreSlow() throws Exception {
        raceToTakeAFreeLock(slowAws.dynamoDb(), SLOW_ROUNDS, "slow-free");
    }

    @Test
    void oneOfManyPutItemAttributeNotExistsWins() throws Exception {
        raceToTakeAFreeLock(aws.dynamoDb(), ROUNDS, "free");
    }

    @Test
    void oneOfManyPutItemOnTheRecordVersionWinsWhenReadsAreSlow() throws Exception {
        raceToTakeOverALock(slowAws.dynamoDb(), SLOW_ROUNDS, "slow-takeover");
    }

    @Test
    void oneOfManyPutItemOnTheRecordVersionWins() throws Exception {
        raceToTakeOverALock(aws.dynamoDb(), ROUNDS, "takeover");
    }

    @Test
    void oneOfManyUpdateItemAttributeNotExistsWinsWhenReadsAreSlow() throws Exception {
        DynamoDbClient db = slowAws.dynamoDb();
        for (int round = 0; round < SLOW_ROUNDS; round++) {
            String key = "slow-update-" + round;
            List<String> winners = race(owner -> db.updateItem(r -> r.tableName(TABLE).key(key(key))
                    .updateExpression("SET #owner = :owner")
                    .conditionExpression("attribute_not_exists(pk)")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":owner", s(owner)))));
            assertOneWinnerOwns(db, key, winners, round);
        }
    }

    @Test
    void oneOfManyDeleteItemOnTheRecordVersionWinsWhenReadsAreSlow() throws Exception {
        DynamoDbClient db = slowAws.dynamoDb();
        for (int round = 0; round < SLOW_ROUNDS; round++) {
            String key = "slow-release-" + round;
            db.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s(key), "rvn", s("v0"))));
            List<String> winners = race(owner -> db.deleteItem(r -> r.tableName(TABLE).key(key(key))
                    .conditionExpression("rvn = :rvn")
                    .expressionAttributeValues(Map.of(":rvn", s("v0")))));
            assertEquals(1, winners.size(), "round " + round + ": released by " + winners);
            assertTrue(db.getItem(r -> r.tableName(TABLE).key(key(key)).consistentRead(true)).item().isEmpty());
        }
    }

    private static void raceToTakeAFreeLock(DynamoDbClient db, int rounds, String prefix) throws Exception {
        for (int round = 0; round < rounds; round++) {
            String key = prefix + "-" + round;
            List<String> winners = race(owner -> db.putItem(r -> r.tableName(TABLE)
                    .item(Map.of("pk", s(key), "owner", s(owner)))
                    .conditionExpression("attribute_not_exists(pk)")));
            assertOneWinnerOwns(db, key, winners, round);
        }
    }

    private static void raceToTakeOverALock(DynamoDbClient db, int rounds, String prefix) throws Exception {
        for (int round = 0; round < rounds; round++) {
            String key = prefix + "-" + round;
            db.putItem(r -> r.tableName(TABLE).item(Map.of("pk", s(key), "owner", s("expired"), "rvn", s("v0"))));
            List<String> winners = race(owner -> db.putItem(r -> r.tableName(TABLE)
                    .item(Map.of("pk", s(key), "owner", s(owner), "rvn", s("v-" + owner)))
                    .conditionExpression("attribute_exists(pk) AND rvn = :rvn")
                    .expressionAttributeValues(Map.of(":rvn", s("v0")))));
            assertOneWinnerOwns(db, key, winners, round);
        }
    }

    /** Runs {@value #WRITERS} writers at once (each named {@code writer-i}); answers who won (no conditional fail). */
    private static List<String> race(Function<String, ?> write) throws Exception {
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        List<Future<String>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(WRITERS)) {
            for (int i = 0; i < WRITERS; i++) {
                String owner = "writer-" + i;
                Callable<String> attempt = () -> {
                    start.await();
                    try {
                        write.apply(owner);
                        return owner;
                    } catch (ConditionalCheckFailedException lost) {
                        return null;
                    }
                };
                outcomes.add(pool.submit(attempt));
            }
            List<String> winners = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                String winner = outcome.get();
                if (winner != null) {
                    winners.add(winner);
                }
            }
            return winners;
        }
    }

    private static void assertOneWinnerOwns(DynamoDbClient db, String key, List<String> winners, int round) {
        assertEquals(1, winners.size(), "round " + round + ": won by " + winners);
        Map<String, AttributeValue> item = db.getItem(r -> r.tableName(TABLE).key(key(key)).consistentRead(true))
                .item();
        assertEquals(winners.get(0), item.get("owner").s(), "round " + round + ": the item is the winner's");
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of("pk", s(key));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }
}
