package dev.vpcepilot.sharing;

import com.amazonaws.services.dynamodbv2.AcquireLockOptions;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClientOptions;
import com.amazonaws.services.dynamodbv2.LockItem;
import com.amazonaws.services.dynamodbv2.ReleaseLockOptions;
import com.amazonaws.services.dynamodbv2.model.LockNotGrantedException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The scope's lock and its claims as one item of the lock table ({@code key = <scope>}), through AWS Labs'
 * {@code dynamodb-lock-client}: the claims are the lock item's {@code data}, read when the lock is acquired and
 * written by the same conditional UpdateItem that releases it (it succeeds only while this holder still owns the
 * lease). A step that holds the lock is therefore one read-modify-write of the claims in three DynamoDB calls
 * (GetItem, PutItem, UpdateItem), and a step that dies keeps the claims as they were before it.
 *
 * <p>The lease: a background thread renews it every {@link #HEARTBEAT} while the work runs; a holder that dies (its
 * Lambda timed out or was frozen) stops renewing, and another writer takes the lock once it has seen the same
 * lease unchanged for {@link #LEASE} (the client compares record versions, not clocks). A writer waits at most
 * {@link #LEASE} plus {@link #EXTRA_WAIT} for a held lock, inside the locking functions' Lambda timeout; then
 * {@link EndpointBusy}, which the state machine retries with backoff. Throttling and 5xx answers while acquiring or
 * releasing are retried here a few times with backoff ({@value #TRANSIENT_TRIES} tries of the SDK's 3 attempts),
 * so that a short storm of DynamoDB throttling neither fails the step nor leaves a lease behind for the next writer
 * to wait out; a longer one is TransientAwsError for the state machine's retry.
 *
 * <p>SnapStart: the lock client starts its heartbeat thread when it is built, so one is built per hold, at
 * invocation time, and closed in the same step's {@code finally}; nothing of it is in the snapshot.
 */
public final class LeaseLedger implements ScopeLock, ClaimsStore {

    public static final Duration LEASE = Duration.ofSeconds(20);
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    public static final Duration EXTRA_WAIT = Duration.ofSeconds(10);
    /** The lock table's partition key (the lock client's default name). */
    public static final String KEY = "key";
    static final String DATA = "data";
    static final Duration POLL = Duration.ofMillis(250);
    /** Tries of an acquire or a release that DynamoDB throttles or fails (each with the SDK's own 3 attempts). */
    private static final int TRANSIENT_TRIES = 4;
    /** A later version may add fields: an older one reading them ignores them instead of failing. */
    private static final ObjectReader READER = Json.MAPPER.readerFor(ClaimsDocument.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final String owner;
    private final EventualConsistency.Pause pause;
    private Hold current;

    /** What one hold read, and what it will write on release. */
    private static final class Hold {
        final Scope scope;
        final ClaimsDocument read;
        ClaimsDocument staged;

        Hold(Scope scope, ClaimsDocument read) {
            this.scope = scope;
            this.read = read;
        }
    }

    /** @param owner who holds the lock, for a person reading the table (an execution ARN, a request id) */
    public LeaseLedger(DynamoDbClient dynamoDb, String tableName, String owner, EventualConsistency.Pause pause) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.owner = owner + "#" + UUID.randomUUID();
        this.pause = pause;
    }

    static String itemKey(Scope scope) {
        return scope.key();
    }

    @Override
    public synchronized <T> T holding(Scope scope, Supplier<T> work) {
        if (current != null) {
            throw new IllegalStateException("The lock of " + current.scope + " is already held by this ledger");
        }
        AmazonDynamoDBLockClient client = new AmazonDynamoDBLockClient(
                AmazonDynamoDBLockClientOptions.builder(dynamoDb, tableName)
                        .withPartitionKeyName(KEY)
                        .withOwnerName(owner)
                        .withLeaseDuration(LEASE.toMillis())
                        .withHeartbeatPeriod(HEARTBEAT.toMillis())
                        .withTimeUnit(TimeUnit.MILLISECONDS)
                        .withCreateHeartbeatBackgroundThread(true)
                        .build());
        try {
            LockItem lock = acquire(client, scope);
            current = new Hold(scope, lock.getData().map(LeaseLedger::parse).orElse(ClaimsDocument.empty()));
            T result;
            try {
                result = work.get();
            } catch (RuntimeException | Error e) {
                // Released in the same step, the claims left as they were: nothing this step decided is recorded.
                current.staged = null;
                try {
                    release(client, lock, current);
                } catch (RuntimeException releaseFailed) {
                    e.addSuppressed(releaseFailed);
                }
                throw e;
            }
            release(client, lock, current);
            return result;
        } finally {
            current = null;
            close(client);
        }
    }

    /** Inside a hold: the claims read with the lock. Outside: a consistent read of the lock item. */
    @Override
    public synchronized Versioned read(Scope scope) {
        if (current != null && current.scope.equals(scope)) {
            return new Versioned(current.staged != null ? current.staged : current.read, 1);
        }
        GetItemResponse response = AwsCalls.call("DynamoDB GetItem", () -> dynamoDb.getItem(r -> r
                .tableName(tableName).consistentRead(true)
                .key(Map.of(KEY, AttributeValue.builder().s(itemKey(scope)).build()))));
        Optional<AttributeValue> data = response.hasItem() ? Optional.ofNullable(response.item().get(DATA))
                : Optional.empty();
        return new Versioned(data.map(d -> parse(d.b().asByteBuffer())).orElse(ClaimsDocument.empty()), 0);
    }

    /** BatchGetItem's most keys per call. */
    static final int BATCH_KEYS = 100;

    /**
     * The claims of many scopes, without their locks, in BatchGetItem calls of up to {@value #BATCH_KEYS} keys
     * (eventually consistent reads: what a read-only report needs; every decision reads its scope under the lock).
     * Keys DynamoDB leaves unprocessed (throttling) are asked again a few times, then TransientAwsError.
     */
    public static Map<Scope, ClaimsDocument> readMany(DynamoDbClient dynamoDb, String tableName,
                                                      java.util.Collection<Scope> scopes,
                                                      EventualConsistency.Pause pause) {
        Map<String, Scope> byKey = new java.util.LinkedHashMap<>();
        scopes.forEach(scope -> byKey.put(itemKey(scope), scope));
        Map<Scope, ClaimsDocument> claims = new java.util.LinkedHashMap<>();
        scopes.forEach(scope -> claims.put(scope, ClaimsDocument.empty()));
        List<String> keys = new java.util.ArrayList<>(byKey.keySet());
        for (int from = 0; from < keys.size(); from += BATCH_KEYS) {
            List<Map<String, AttributeValue>> batch = keys.subList(from, Math.min(keys.size(), from + BATCH_KEYS))
                    .stream().map(key -> Map.of(KEY, AttributeValue.builder().s(key).build())).toList();
            Map<String, KeysAndAttributes> request = Map.of(tableName, KeysAndAttributes.builder().keys(batch)
                    .projectionExpression("#k, #d").expressionAttributeNames(Map.of("#k", KEY, "#d", DATA)).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt >= TRANSIENT_TRIES) {
                    throw new TransientAwsError("DynamoDB BatchGetItem left keys of " + tableName + " unprocessed "
                            + TRANSIENT_TRIES + " times (throttled)");
                }
                if (attempt > 0) {
                    try {
                        pause.pause(Duration.ofMillis(Math.min(2000, 200L << attempt)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new TransientAwsError("Interrupted while reading the claims");
                    }
                }
                Map<String, KeysAndAttributes> asked = request;
                BatchGetItemResponse response = AwsCalls.call("DynamoDB BatchGetItem",
                        () -> dynamoDb.batchGetItem(r -> r.requestItems(asked)));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(tableName, List.of())) {
                    Scope scope = byKey.get(item.get(KEY).s());
                    AttributeValue data = item.get(DATA);
                    if (scope != null && data != null && data.b() != null) {
                        claims.put(scope, parse(data.b().asByteBuffer()));
                    }
                }
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return claims;
    }

    /** Stages the claims; the release of the lock writes them (only under the lock of the same scope). */
    @Override
    public synchronized void write(Scope scope, ClaimsDocument claims, long readVersion) {
        if (current == null || !current.scope.equals(scope)) {
            throw new IllegalStateException("The claims of " + scope + " are written only while holding its lock");
        }
        current.staged = claims;
    }

    private LockItem acquire(AmazonDynamoDBLockClient client, Scope scope) {
        for (int attempt = 0; ; attempt++) {
            try {
                return client.acquireLock(AcquireLockOptions.builder(itemKey(scope))
                        .withAdditionalTimeToWaitForLock(EXTRA_WAIT.toMillis())
                        .withRefreshPeriod(POLL.toMillis())
                        .withTimeUnit(TimeUnit.MILLISECONDS)
                        .withDeleteLockOnRelease(false)
                        .withReplaceData(false)
                        .build());
            } catch (LockNotGrantedException e) {
                throw new EndpointBusy("Another writer holds the lock of " + scope + " (the endpoints of that VPC are "
                        + "being changed); waited " + LEASE.plus(EXTRA_WAIT).toSeconds() + " s, the step is retried.");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientAwsError("Interrupted while waiting for the lock of " + scope);
            } catch (SdkException e) {
                if (!AwsCalls.isTransient(e) || attempt + 1 >= TRANSIENT_TRIES) {
                    throw AwsCalls.translate("DynamoDB lock of " + scope, e);
                }
                backOff(attempt);
            }
        }
    }

    /** Releases the lock, writing the staged claims in the same conditional update. */
    private void release(AmazonDynamoDBLockClient client, LockItem lock, Hold hold) {
        ReleaseLockOptions.ReleaseLockOptionsBuilder options = ReleaseLockOptions.builder(lock).withDeleteLock(false);
        if (hold.staged != null) {
            options.withData(ByteBuffer.wrap(serialize(hold.staged)));
        }
        ReleaseLockOptions release = options.build();
        for (int attempt = 0; ; attempt++) {
            try {
                if (!client.releaseLock(release)) {
                    throw new EndpointBusy("The lease of " + hold.scope + " lapsed while this step held it; what it "
                            + "decided was not recorded, the step is retried.");
                }
                return;
            } catch (SdkException e) {
                if (!AwsCalls.isTransient(e) || attempt + 1 >= TRANSIENT_TRIES) {
                    throw AwsCalls.translate("DynamoDB release of the lock of " + hold.scope, e);
                }
                backOff(attempt);
            }
        }
    }

    private void backOff(int attempt) {
        try {
            pause.pause(Duration.ofMillis(Math.min(2000, 200L << Math.min(attempt, 4))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientAwsError("Interrupted while retrying the lock");
        }
    }

    /** Stops the heartbeat thread; a lock this hold could not release lapses after {@link #LEASE}. */
    private static void close(AmazonDynamoDBLockClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // The lease lapses without heartbeats: the next writer waits for it, and the claims are as before.
        }
    }

    private static ClaimsDocument parse(ByteBuffer data) {
        try {
            byte[] bytes = new byte[data.remaining()];
            data.duplicate().get(bytes);
            return READER.readValue(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("The claims in the lock table are not readable", e);
        }
    }

    private static byte[] serialize(ClaimsDocument claims) {
        try {
            return Json.MAPPER.writeValueAsBytes(claims);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
