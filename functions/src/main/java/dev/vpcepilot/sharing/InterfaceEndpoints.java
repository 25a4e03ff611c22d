package dev.vpcepilot.sharing;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The coordinator of an interface scope: the same {@link SharedEndpoints} (the lock, the claims, the sharing rules,
 * rollback, cleanup and release), on the interface scope's observation ({@link InterfaceObservations}: its places
 * are subnets) and with the writes of interface endpoints ({@link InterfaceWrites}: security groups, subnets).
 *
 * @param endpoints the coordinator
 * @param writes    its interface writes, whose {@link InterfaceWrites#leftBehind} a cleanup reports
 */
public record InterfaceEndpoints(SharedEndpoints endpoints, InterfaceWrites writes) {

    /** A coordinator that only deletes and modifies (cleanup, rollback, release): it creates no endpoint. */
    public static InterfaceEndpoints forTable(Ec2Client ec2, DynamoDbClient dynamoDb, String lockTable, String owner,
                                              Consumer<String> log) {
        return forTable(ec2, dynamoDb, lockTable, owner, log, new InterfaceWrites.Spec(null, List.of()));
    }

    /** The coordinator of one execution's step against the lock table, creating endpoints as {@code spec} says. */
    public static InterfaceEndpoints forTable(Ec2Client ec2, DynamoDbClient dynamoDb, String lockTable, String owner,
                                              Consumer<String> log, InterfaceWrites.Spec spec) {
        LeaseLedger ledger = new LeaseLedger(dynamoDb, lockTable, owner, EventualConsistency.SLEEP);
        InterfaceWrites writes = new InterfaceWrites(ec2, ledger, EventualConsistency.SLEEP, spec, log);
        SharedEndpoints endpoints = new SharedEndpoints(new VpcObserver(ec2), new EndpointWriter(ec2,
                new EventualConsistency(EventualConsistency.SLEEP), ledger, log, writes), ledger, ledger,
                Clock.systemUTC(), log);
        return new InterfaceEndpoints(endpoints, writes);
    }
}
