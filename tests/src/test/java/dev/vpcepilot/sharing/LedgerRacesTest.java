package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.template.LocalAccount;
import dev.vpcepilot.sharing.SharingWorld.Stack;
import dev.vpcepilot.testkit.faults.FaultKind;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Rule 15 of docs/design.md, "no stale write": a write to the claims ledger that rests on a read older than the last
 * write it replaces must fail, and no EC2 write may be sent by a step that can no longer prove its lease. Each
 * scenario is a race between real {@code ./run-local} runs (one of them through the fault proxy, which holds or
 * slows the calls named) and the custom-resource hook, against the AWS-faithful emulator; each failed on the
 * ledger before rule 15 (it lost a stack's claim, cut a claimed route table, or brought a released claim back).
 *
 * <p>The SDK gives up on a call attempt after 15 s and tries again ({@code AwsClients}): a hold shorter than that is a
 * request that lands late; a longer one is a first attempt that lands after the SDK's retry.
 */
@Reliability
class LedgerRacesTest {

    /** Below the SDK's 15 s attempt timeout: the held request is the one that lands, late. */
    private static final Duration LATE = Duration.ofSeconds(14);
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The lease lock's table of the local deployment (template.yaml's LockTable). */
    private static final String LOCK_TABLE = "vpce-pilot-local-LockTable";

    private final MotoEc2 ec2 = SharingWorld.ec2();
    private final CountDownLatch gate = new CountDownLatch(1);
    private FaultProxy proxy;

    @BeforeEach
    void proxy() throws IOException {
        proxy = FaultProxy.start(SharingWorld.moto());
    }

    @AfterEach
    void close() {
        gate.countDown();
        proxy.close();
    }

    /**
     * The reproduction: a release of [t1] whose lock-acquiring PutItem lands late, while a stack's Create
     * on [t1] takes the lock, records its claim and answers SUCCESS. The late acquire used to carry the claims it
     * read before the Create back into the ledger; the release then saw only the standing use on t1 and took t1 off
     * the endpoint: the stack's tables cut while CloudFormation believed them served.
     */
    @Test
    void aLateAcquireOfAReleaseKeepsTheClaimAStackRecordedMeanwhile() throws Exception {
        Vpc vpc = SharingWorld.freshVpc(1);
        String t1 = vpc.table(1);
        String endpoint = standing(vpc, vpc.routeTables());
        FaultRule late = FaultRule.holdFirst(1, gate, LATE).only("dynamodb:PutItem");
        proxy.addRule(late);

        RunLocal.Started release = SharingWorld.startRun(proxy.endpoint(), release(vpc, List.of(t1)));
        assertTrue(late.awaitHolding(WAIT), "the release's acquire reached the proxy");
        long held = System.nanoTime();
        Stack stack = Stack.fresh("late-acquire");
        Run created = SharingWorld.hook(stack.create(Map.of("VpcId", vpc.id(), "RouteTableIds", List.of(t1))));
        assertEquals(endpoint, SharingWorld.succeeded(created));
        assertTrue(Duration.ofNanos(System.nanoTime() - held).compareTo(LATE) < 0,
                "the Create answered while the release's acquire was still held: the race took place");
        gate.countDown();
        Run released = release.await();

        assertTrue(released.succeeded(), released.toString());
        assertTrue(late.awaitLanded(WAIT), "the late acquire reached the emulator");
        ClaimsDocument claims = claims(vpc);
        assertEquals(List.of(t1), tablesOf(claims, Claimant.stack(stack.stackId(), stack.logicalId())),
                "the stack's claim is in the ledger: " + claims);
        assertEquals(List.of(vpc.main()), tablesOf(claims, Claimant.STANDING), claims.toString());
        assertEquals(endpoint, ec2.prefixListRoutes(t1).values().stream().findFirst().orElse(null),
                "t1 keeps its route: " + released);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(created, List.of(t1))));
    }

    /**
     * A run's first acquire attempt is held past the SDK's attempt timeout; the SDK's retry takes the lock, the run
     * records its claim and ends, and only then does the first attempt land. It used to be taken on "released"
     * alone: it wrote the claims from before the run back, under a lock nobody would release.
     */
    @Test
    void aFirstAcquireAttemptThatLandsAfterTheSdksRetryWritesNothing() throws Exception {
        Vpc vpc = SharingWorld.freshVpc(1);
        String t1 = vpc.table(1);
        standing(vpc, List.of(vpc.main()));
        FaultRule first = FaultRule.holdFirst(1, gate, WAIT).only("dynamodb:PutItem");
        proxy.addRule(first);

        RunLocal.Started run = SharingWorld.startRun(proxy.endpoint(), "{\"vpcId\":\"" + vpc.id()
                + "\",\"routeTableIds\":[\"" + t1 + "\"]}");
        assertTrue(first.awaitHolding(WAIT), "the run's acquire reached the proxy");
        Run done = run.await();
        assertTrue(done.succeeded(), done.toString());
        gate.countDown();
        assertTrue(first.awaitLanded(WAIT), "the first attempt reached the emulator after the run");

        ClaimsDocument claims = claims(vpc);
        assertEquals(vpc.routeTables().stream().sorted().toList(), tablesOf(claims, Claimant.STANDING),
                "the run's claim on t1 is still recorded: " + claims);
        Map<String, AttributeValue> lock = lockItem(vpc);
        assertTrue(lock.containsKey("isReleased"),
                "the lock is released, not held by the late attempt: " + lock.get("ownerName"));
    }

    /**
     * A release of [t1] takes the lock, then its reads of EC2 are slowed past its lease while DynamoDB refuses its
     * renewals (throttled): the lease lapses, a stack's Create on [t1] takes the lock over and records its claim on
     * t1. The release, when its reads come back, decided on a world that is gone: it used to take t1 off the endpoint
     * anyway. A step that cannot prove its lease must write nothing.
     */
    @Test
    void aWriterWhoseLeaseLapsedWritesNothingToEc2() throws Exception {
        Vpc vpc = SharingWorld.freshVpc(1);
        String t1 = vpc.table(1);
        String endpoint = standing(vpc, vpc.routeTables());
        // The lock client's lease renewals (an UpdateItem that sets only the lease and its version) are throttled.
        proxy.addRule(FaultRule.every(FaultKind.THROTTLE, 1).only("dynamodb:UpdateItem")
                .whenBodyContains("= :newRvn\""));
        FaultRule slowEndpoints = FaultRule.holdFirst(1, gate, LATE).only("ec2:DescribeVpcEndpoints");
        proxy.addRule(slowEndpoints);

        RunLocal.Started release = SharingWorld.startRun(proxy.endpoint(), release(vpc, List.of(t1)));
        assertTrue(slowEndpoints.awaitHolding(WAIT), "the release reads the endpoints under the lock");
        // ResolveVpc read the route tables before the lock: the next read of them is the release's, under it.
        proxy.addRule(FaultRule.holdFirst(1, new CountDownLatch(1), LATE).only("ec2:DescribeRouteTables"));
        Stack stack = Stack.fresh("lapsed-lease");
        Run created = SharingWorld.hook(stack.create(Map.of("VpcId", vpc.id(), "RouteTableIds", List.of(t1))));
        assertEquals(endpoint, SharingWorld.succeeded(created));
        Run released = release.await();

        assertTrue(released.succeeded(), released.toString());
        ClaimsDocument claims = claims(vpc);
        assertEquals(List.of(t1), tablesOf(claims, Claimant.stack(stack.stackId(), stack.logicalId())),
                "the stack's claim is in the ledger: " + claims);
        assertEquals(endpoint, ec2.prefixListRoutes(t1).values().stream().findFirst().orElse(null),
                "t1 keeps its route: " + released);
        assertTrue(released.stderr().contains("retry ReleaseEndpoints after dev.vpcepilot.errors.EndpointBusy"),
                "the release's first try stopped (its lease had lapsed) and the state machine tried again: " + released);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(created, List.of(t1))));
    }

    /**
     * A stack's Delete removes its claim on t1 while a release of the standing use's t1 waits with a late acquire.
     * The late acquire used to bring the stack's claim back (a Delete answered SUCCESS whose claim returns), and t1
     * stayed served for nobody: no later release could take it off.
     */
    @Test
    void aDeletesClaimRemovalRacedByALateReleaseStaysRemoved() throws Exception {
        Vpc vpc = SharingWorld.freshVpc(1);
        String t1 = vpc.table(1);
        String endpoint = standing(vpc, vpc.routeTables());
        Stack stack = Stack.fresh("delete-race");
        Map<String, Object> properties = Map.of("VpcId", vpc.id(), "RouteTableIds", List.of(t1));
        assertEquals(endpoint, SharingWorld.succeeded(SharingWorld.hook(stack.create(properties))));
        FaultRule late = FaultRule.holdFirst(1, gate, LATE).only("dynamodb:PutItem");
        proxy.addRule(late);

        RunLocal.Started release = SharingWorld.startRun(proxy.endpoint(), release(vpc, List.of(t1)));
        assertTrue(late.awaitHolding(WAIT), "the release's acquire reached the proxy");
        long held = System.nanoTime();
        SharingWorld.succeeded(SharingWorld.hook(stack.delete(endpoint, properties)));
        assertTrue(Duration.ofNanos(System.nanoTime() - held).compareTo(LATE) < 0,
                "the Delete answered while the release's acquire was still held: the race took place");
        gate.countDown();
        Run released = release.await();

        assertTrue(released.succeeded(), released.toString());
        ClaimsDocument claims = claims(vpc);
        assertNull(claims.claims().get(Claimant.stack(stack.stackId(), stack.logicalId()).id()),
                "the deleted stack's claim stays gone: " + claims);
        assertEquals(List.of(vpc.main()), tablesOf(claims, Claimant.STANDING), claims.toString());
        assertEquals(Map.of(), ec2.prefixListRoutes(t1), "nobody claims t1 any more: it left the endpoint");
        assertFalse(ec2.prefixListRoutes(vpc.main()).isEmpty(), "the main table keeps its route");
    }

    // ---- helpers

    /** A run without cleanup for these route tables; returns the endpoint it reports. */
    private static String standing(Vpc vpc, List<String> routeTableIds) {
        Run run = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"routeTableIds\":" + jsonList(routeTableIds) + "}");
        assertTrue(run.succeeded(), run.toString());
        return run.doc().path("vpcEndpointId").asText();
    }

    private static String release(Vpc vpc, List<String> routeTableIds) {
        return "{\"vpcId\":\"" + vpc.id() + "\",\"release\":true,\"routeTableIds\":" + jsonList(routeTableIds) + "}";
    }

    private static String jsonList(List<String> values) {
        return "[\"" + String.join("\",\"", values) + "\"]";
    }

    /** The route tables of a claimant's claim; none when it has no claim. */
    private static List<String> tablesOf(ClaimsDocument claims, Claimant claimant) {
        ClaimsDocument.Claim claim = claims.claims().get(claimant.id());
        return claim == null ? List.of() : claim.routeTableIds();
    }

    private Scope scope(Vpc vpc) {
        return new Scope(LocalAccount.ACCOUNT_ID, SharingWorld.REGION, vpc.id(), ec2.dynamoDbService());
    }

    /** The claims of the VPC, read from the lock table directly (a consistent read). */
    private ClaimsDocument claims(Vpc vpc) {
        return new LeaseLedger(ec2.dynamoDb(), LOCK_TABLE, "test", EventualConsistency.SLEEP).read(scope(vpc))
                .claims();
    }

    private Map<String, AttributeValue> lockItem(Vpc vpc) {
        return ec2.dynamoDb().getItem(r -> r.tableName(LOCK_TABLE).consistentRead(true)
                .key(Map.of(LeaseLedger.KEY, AttributeValue.builder().s(scope(vpc).key()).build()))).item();
    }
}
