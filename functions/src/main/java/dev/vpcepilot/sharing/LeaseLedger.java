package dev.vpcepilot.sharing;

import com.amazonaws.services.dynamodbv2.AcquireLockOptions;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClientOptions;
import com.amazonaws.services.dynamodbv2.LockItem;
import com.amazonaws.services.dynamodbv2.ReleaseLockOptions;
import com.amazonaws.services.dynamodbv2.SendHeartbeatOptions;
import com.amazonaws.services.dynamodbv2.model.LockNotGrantedException;
import com.amazonaws.services.dynamodbv2.util.LockClientUtils;
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
 * {@code dynamodb-lock-client}: the claims are the lock item's {@code data}, read by the acquire that takes the lock.
 * A step that holds the lock is one read-modify-write of the claims: GetItem and the acquiring PutItem, the claims
 * written by a renewal of the lease that carries them (UpdateItem), and the release (UpdateItem); a step that
 * changes no claims writes none, and a step that dies keeps the claims as they were before it.
 *
 * <p>Rule 15 of docs/design.md ("no stale write") lives here: no write to the ledger rests on a read older than the
 * last write it replaces.
 * <ul>
 *   <li>The acquire of a released lock is conditioned on the record version it read
 *       ({@code withAcquireReleasedLocksConsistently}), not only on the lock being released: an acquire that
 *       reaches DynamoDB late (held up in the network, or a first attempt that lands after the SDK's retry already
 *       took and released the lock) fails instead of writing the claims it read back over newer ones, and the
 *       client reads again. The acquire of an expired lock is conditioned on the version by the library itself.</li>
 *   <li>The claims are written by a renewal of the lease ({@code sendHeartbeat} with the data), which is conditioned
 *       on this holder and the version it holds, and gives the item a new version: a writer that read the lease
 *       before, and waits to take it over as expired, can no longer install what it read. (The library's release
 *       writes data without a new version, so an expired-lock takeover that read the item just before it could
 *       replace what the release wrote.) The release itself then only marks the lock released.</li>
 *   <li>Every EC2 write of the hold asks {@link #beforeWrite} first: with less than {@link #WRITE_MARGIN} of the
 *       lease left, the lease is renewed before the write, and if that fails (another writer took the lock, or
 *       DynamoDB cannot be reached) the hold is lost: no more writes, no undo, no claims; {@link EndpointBusy}.</li>
 * </ul>
 *
 * <p>The lease: a background thread renews it every {@link #HEARTBEAT} while the work runs; a holder that dies (its
 * Lambda timed out or was frozen) stops renewing, and another writer takes the lock once it has seen the same
 * lease unchanged for {@link #LEASE} (the client compares record versions, not clocks). A writer waits at most
 * {@link #LEASE} plus {@link #EXTRA_WAIT} for a held lock, inside the locking functions' Lambda timeout; then
 * {@link EndpointBusy}, which the state machine retries with backoff. Throttling and 5xx answers while acquiring,
 * writing the claims or releasing are retried here a few times with backoff ({@value #TRANSIENT_TRIES} tries of
 * the SDK's 3 attempts), so that a short storm of DynamoDB throttling neither fails the step nor leaves a lease
 * behind for the next writer to wait out; a longer one is TransientAwsError for the state machine's retry.
 *
 * <p>SnapStart: the lock client starts its heartbeat thread when it is built, so one is built per hold, at
 * invocation time, and closed in the same step's {@code finally}; nothing of it is in the snapshot.
 */
public final class LeaseLedger implements ScopeLock, ClaimsStore, WriteFence {

    public static final Duration LEASE = Duration.ofSeconds(20);
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    public static final Duration EXTRA_WAIT = Duration.ofSeconds(10);
    /**
     * An EC2 write is sent with at least this much of the lease left (rule 15): with less, the lease is renewed
     * first. Heartbeats every {@link #HEARTBEAT} keep it above this while DynamoDB answers; it is the time a write
     * may take in flight without ever landing after another writer could have taken the lock.
     */
    public static final Duration WRITE_MARGIN = Duration.ofSeconds(10);
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

    /** What one hold read, what it will write on release, and whether it lost the lease. */
    private static final class Hold {
        final Scope scope;
        final AmazonDynamoDBLockClient client;
        final LockItem lock;
        final ClaimsDocument read;
        ClaimsDocument staged;
        /** Why the lease is lost (then nothing more is written), or null. */
        String lost;

        Hold(Scope scope, AmazonDynamoDBLockClient client, LockItem lock, ClaimsDocument read) {
            this.scope = scope;
            this.client = client;
            this.lock = lock;
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
            // Rule 15: the claims this hold decides on are the ones its acquire read and, conditioned on their
            // version, wrote back: nobody wrote them in between.
            current = new Hold(scope, client, lock,
                    lock.getData().map(LeaseLedger::parse).orElse(ClaimsDocument.empty()));
            T result;
            try {
                result = work.get();
            } catch (RuntimeException | Error e) {
                // Released in the same step, the claims left as they were: nothing this step decided is recorded.
                current.staged = null;
                try {
                    release(current);
                } catch (RuntimeException releaseFailed) {
                    e.addSuppressed(releaseFailed);
                }
                throw e;
            }
            release(current);
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
                        // Rule 15: a released lock is taken only at the version read, so the claims carried over
                        // are the latest ones; a late or retried acquire fails and the client reads again.
                        .withAcquireReleasedLocksConsistently(true)
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

    /**
     * Rule 15: an EC2 write may be sent only while this hold can prove its lease, with {@link #WRITE_MARGIN} left;
     * with less, the lease is renewed first (one conditional UpdateItem). A hold that cannot renew it is lost for
     * good: this and every later write of the hold, undo included, is refused without an AWS call.
     */
    @Override
    public synchronized void beforeWrite(String write) {
        Hold hold = current;
        if (hold == null) {
            throw new IllegalStateException("An EC2 write (" + write + ") outside a hold of the lock");
        }
        if (hold.lost != null) {
            throw new EndpointBusy(hold.lost);
        }
        if (leaseLeftMillis(hold.lock) >= WRITE_MARGIN.toMillis()) {
            return;
        }
        try {
            hold.client.sendHeartbeat(hold.lock);
        } catch (LockNotGrantedException | SdkException e) {
            hold.lost = "The lease of " + hold.scope + " lapsed before " + write + " and could not be renewed ("
                    + reason(e) + "): another writer may hold the lock now, so this step writes nothing more, undoes "
                    + "nothing and records nothing; it is retried and decides again on what it reads then.";
            throw new EndpointBusy(hold.lost);
        }
    }

    private static long leaseLeftMillis(LockItem lock) {
        return lock.getLeaseDuration() - (LockClientUtils.INSTANCE.millisecondTime() - lock.getLookupTime());
    }

    private static String reason(RuntimeException e) {
        return e instanceof LockNotGrantedException ? "the lock is no longer this step's"
                : "DynamoDB: " + AwsCalls.translate("DynamoDB renewal of the lease", (SdkException) e).getMessage();
    }

    /** Writes the staged claims (if any) with a renewal of the lease, then releases the lock. */
    private void release(Hold hold) {
        boolean recorded = false;
        if (hold.staged != null) {
            if (hold.lost != null) {
                throw new EndpointBusy(hold.lost);
            }
            recordClaims(hold);
            recorded = true;
        }
        ReleaseLockOptions release = ReleaseLockOptions.builder(hold.lock).withDeleteLock(false).build();
        for (int attempt = 0; ; attempt++) {
            try {
                if (!hold.client.releaseLock(release) && !recorded) {
                    throw new EndpointBusy("The lease of " + hold.scope + " lapsed while this step held it; what it "
                            + "decided was not recorded, the step is retried.");
                }
                // Released; or, after the claims were recorded, taken over since: the claims stand either way.
                return;
            } catch (SdkException e) {
                if (!AwsCalls.isTransient(e) || attempt + 1 >= TRANSIENT_TRIES) {
                    if (recorded) {
                        // The claims are recorded; the lease lapses by itself and the next writer takes the lock.
                        return;
                    }
                    throw AwsCalls.translate("DynamoDB release of the lock of " + hold.scope, e);
                }
                backOff(attempt);
            }
        }
    }

    /**
     * Rule 15: the claims are written by a renewal of the lease that carries them, conditioned on this holder and
     * the version it holds and giving the item a new version. Refused (the lease lapsed and another writer may
     * have taken the lock): nothing is recorded, {@link EndpointBusy}.
     */
    private void recordClaims(Hold hold) {
        byte[] claims = serialize(hold.staged);
        for (int attempt = 0; ; attempt++) {
            try {
                hold.client.sendHeartbeat(SendHeartbeatOptions.builder(hold.lock).withData(ByteBuffer.wrap(claims))
                        .build());
                return;
            } catch (LockNotGrantedException e) {
                throw new EndpointBusy("The lease of " + hold.scope + " lapsed while this step held it; what it "
                        + "decided was not recorded, the step is retried.");
            } catch (SdkException e) {
                if (!AwsCalls.isTransient(e) || attempt + 1 >= TRANSIENT_TRIES) {
                    throw AwsCalls.translate("DynamoDB write of the claims of " + hold.scope, e);
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
