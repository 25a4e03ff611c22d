package dev.vpcepilot.aws;

import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.logging.FunctionLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The hook's own AWS work survives the storms the workflow survives: the workflow has the state machine's Retry
 * around each step, the hook has one Lambda invocation, so it retries here what may pass ({@link TransientAwsError}:
 * throttling, 5xx, I/O after the SDK's own retries; {@link EndpointBusy}: a held lock, an endpoint EC2 does not
 * know yet) with exponential backoff and full jitter, until the hook's deadline. A Delete that gave up would be
 * DELETE_FAILED for the stack; everything retried here is idempotent.
 *
 * @param firstBackoff the first retry's ceiling (the delay is uniform below it)
 * @param maxBackoff   the ceiling's cap
 */
public record Retrying(Duration firstBackoff, Duration maxBackoff) {

    /** In Lambda: 1 s doubling to 20 s, as the state machine's Retry of the steps. */
    public static final Retrying LAMBDA = new Retrying(Duration.ofSeconds(1), Duration.ofSeconds(20));

    /** Every interval multiplied by {@code factor} (local runs scale waits down). */
    public Retrying scaled(double factor) {
        return new Retrying(Duration.ofNanos(Math.round(firstBackoff.toNanos() * factor)),
                Duration.ofNanos(Math.round(maxBackoff.toNanos() * factor)));
    }

    /**
     * Runs {@code work}, again after each error that may pass, until it succeeds or the next try would start after
     * {@code deadline} (then the last error is thrown). Each retry is logged at WARN.
     */
    public <T> T until(Instant deadline, Clock clock, FunctionLog log, String what, Supplier<T> work) {
        for (int retry = 0; ; retry++) {
            try {
                return work.get();
            } catch (TransientAwsError | EndpointBusy e) {
                double ceiling = Math.min(maxBackoff.toNanos(), firstBackoff.toNanos() * Math.pow(2, retry));
                Duration delay = Duration.ofNanos((long) (ThreadLocalRandom.current().nextDouble() * ceiling));
                if (clock.instant().plus(delay).isAfter(deadline)) {
                    throw e;
                }
                log.warn(what + " failed (" + ((WorkflowError) e).errorName() + ": " + e.getMessage() + "); trying "
                        + "again in " + delay.toMillis() + " ms");
                try {
                    Thread.sleep(delay.toMillis(), (int) (delay.toNanos() % 1_000_000));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
