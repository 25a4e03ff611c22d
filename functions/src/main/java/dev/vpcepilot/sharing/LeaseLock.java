package dev.vpcepilot.sharing;

import com.amazonaws.services.dynamodbv2.AcquireLockOptions;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClientOptions;
import com.amazonaws.services.dynamodbv2.model.LockNotGrantedException;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The scope lock as a lease in the lock table, through AWS Labs' {@code dynamodb-lock-client}: a conditional
 * write takes the lock item {@code lock/<scope>}; a background thread renews the lease every
 * {@link #HEARTBEAT} while the work runs; release deletes the item. A holder that dies (its Lambda timed out or
 * was frozen) stops renewing, and another writer takes the lock once it has seen the same lease unchanged for
 * {@link #LEASE} (the client compares record versions, not clocks).
 *
 * <p>SnapStart: the lock client starts its heartbeat thread when it is built, so one is built per hold, at
 * invocation time, and closed (lock released, thread stopped) in the same step's {@code finally}; nothing of it is
 * in the snapshot. A writer waits at most {@link #LEASE} plus {@link #EXTRA_WAIT} for a held lock, well inside the
 * locking functions' Lambda timeout; then {@link EndpointBusy}, which the state machine retries with backoff.
 */
public final class LeaseLock implements ScopeLock {

    public static final Duration LEASE = Duration.ofSeconds(20);
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    public static final Duration EXTRA_WAIT = Duration.ofSeconds(10);
    static final Duration POLL = Duration.ofMillis(250);

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final String owner;

    /** @param owner who holds the lock, for a person reading the table (an execution ARN, a request id) */
    public LeaseLock(DynamoDbClient dynamoDb, String tableName, String owner) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.owner = owner + "#" + UUID.randomUUID();
    }

    static String itemKey(Scope scope) {
        return "lock/" + scope.key();
    }

    @Override
    public <T> T holding(Scope scope, Supplier<T> work) {
        AmazonDynamoDBLockClient client = new AmazonDynamoDBLockClient(
                AmazonDynamoDBLockClientOptions.builder(dynamoDb, tableName)
                        .withPartitionKeyName(DynamoDbClaimsStore.KEY)
                        .withOwnerName(owner)
                        .withLeaseDuration(LEASE.toMillis())
                        .withHeartbeatPeriod(HEARTBEAT.toMillis())
                        .withTimeUnit(TimeUnit.MILLISECONDS)
                        .withCreateHeartbeatBackgroundThread(true)
                        .build());
        try {
            acquire(client, scope);
            return work.get();
        } finally {
            close(client);
        }
    }

    private void acquire(AmazonDynamoDBLockClient client, Scope scope) {
        try {
            client.acquireLock(AcquireLockOptions.builder(itemKey(scope))
                    .withAdditionalTimeToWaitForLock(EXTRA_WAIT.toMillis())
                    .withRefreshPeriod(POLL.toMillis())
                    .withTimeUnit(TimeUnit.MILLISECONDS)
                    .withDeleteLockOnRelease(true)
                    .build());
        } catch (LockNotGrantedException e) {
            throw new EndpointBusy("Another writer holds the lock of " + scope + " (endpoints of that VPC are being "
                    + "changed); waited " + (LEASE.plus(EXTRA_WAIT).toSeconds()) + " s, the step is retried.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientAwsError("Interrupted while waiting for the lock of " + scope);
        } catch (SdkException e) {
            throw AwsCalls.translate("DynamoDB lock of " + scope, e);
        }
    }

    /** Releases the lock (deleting its item) and stops the heartbeat thread; a lease it cannot delete lapses. */
    private static void close(AmazonDynamoDBLockClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // The lease lapses after LEASE without heartbeats: the next writer waits for it, nothing is lost.
        }
    }
}
