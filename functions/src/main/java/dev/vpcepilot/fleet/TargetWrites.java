package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What the fleet's apply ({@link TargetApplier}) and its commit ({@link TargetCommitter}) share to write in a target:
 * the target's clients, each VPC's endpoints under the lock table that holds its lock and claims, and how long one
 * VPC is tried again.
 *
 * @param access    the target accounts' clients (through the target role)
 * @param ledger    the lock table's client, in the fleet's own account
 * @param lockTable the lock table
 */
public record TargetWrites(TargetAccess access, DynamoDbClient ledger, String lockTable, Retrying retrying,
                           Clock clock, FunctionLog log) {

    /** How long one VPC is retried (a held lock, throttling) before it is reported failed. */
    static final Duration PER_VPC = Duration.ofMinutes(2);

    AwsClients clientsFor(Target target) {
        return access.clientsFor(target.account(), target.region());
    }

    /** The endpoints of the target's VPCs, each scope under its lock, for one execution. */
    SharedEndpoints endpoints(AwsClients clients, String executionArn) {
        return SharedEndpoints.forTable(clients.ec2(), ledger, lockTable, executionArn, log.infoLines());
    }

    /** One VPC's work, tried again while it is busy or throttled, for {@link #PER_VPC} at most. */
    <T> T perVpc(String what, Supplier<T> work) {
        return retrying.until(clock.instant().plus(PER_VPC), clock, log, what, work);
    }
}
