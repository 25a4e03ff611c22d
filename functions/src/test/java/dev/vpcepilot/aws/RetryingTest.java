package dev.vpcepilot.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.logging.FunctionLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** The hook's own retries: what may pass is tried again with the SDK's backoff, until the deadline. */
class RetryingTest {

    private static final Instant T0 = Instant.parse("2026-01-10T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    private final List<String> log = new ArrayList<>();
    private final AtomicInteger tries = new AtomicInteger();

    @Test
    void whatMayPassIsTriedAgainUntilItSucceedsEachRetryLogged() {
        String result = Retrying.LAMBDA.scaled(0).until(T0.plusSeconds(60), CLOCK, FunctionLog.lines(log::add),
                "Finding the VPC", () -> {
                    if (tries.incrementAndGet() == 1) {
                        throw new TransientAwsError("throttled");
                    }
                    if (tries.get() == 2) {
                        throw new EndpointBusy("the lock is held");
                    }
                    return "vpc-1";
                });

        assertEquals("vpc-1", result);
        assertEquals(3, tries.get());
        assertEquals(List.of("[WARN] Finding the VPC failed (TransientAwsError: throttled); trying again in 0 ms",
                "[WARN] Finding the VPC failed (EndpointBusy: the lock is held); trying again in 0 ms"), log);
    }

    @Test
    void theLastErrorIsThrownWhenTheNextTryWouldStartAfterTheDeadline() {
        TransientAwsError throttled = new TransientAwsError("throttled");

        TransientAwsError thrown = assertThrows(TransientAwsError.class, () -> Retrying.LAMBDA.until(
                T0.minusMillis(1), CLOCK, FunctionLog.lines(log::add), "Undoing the execution", () -> {
                    tries.incrementAndGet();
                    throw throttled;
                }));

        assertSame(throttled, thrown);
        assertEquals(1, tries.get());
        assertEquals(List.of(), log);
    }

    @Test
    void anErrorThatWillNotPassIsThrownAtOnce() {
        assertThrows(AwsRequestFailed.class, () -> Retrying.LAMBDA.until(T0.plusSeconds(60), CLOCK,
                FunctionLog.lines(log::add), "Delete", () -> {
                    tries.incrementAndGet();
                    throw new AwsRequestFailed("EC2 DescribeVpcEndpoints refused: UnauthorizedOperation");
                }));

        assertEquals(1, tries.get());
    }

    /** Full jitter below a ceiling that doubles from the base up to the cap, each pause scaled by the factor. */
    @Test
    void aScaledBackoffIsTheSdksBackoffTimesTheFactor() {
        BackoffStrategy sdk = BackoffStrategy.exponentialDelay(Duration.ofSeconds(1), Duration.ofSeconds(20));
        BackoffStrategy scaled = TimeScaled.backoff(sdk, 0.5);

        assertEquals(Duration.ZERO, scaled.computeDelay(1), "no pause before the first try");
        for (int attempt = 2; attempt <= 10; attempt++) {
            long ceilingMillis = Math.min(1000L << (attempt - 2), 20_000L) / 2;
            for (int sample = 0; sample < 200; sample++) {
                Duration pause = scaled.computeDelay(attempt);
                assertTrue(!pause.isNegative() && pause.toMillis() < ceilingMillis, attempt + ": " + pause);
            }
        }
        assertEquals(Duration.ZERO, TimeScaled.backoff(sdk, 0).computeDelay(5), "0: no waiting at all");
    }
}
