package dev.vpcepilot.aws;

import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.logging.FunctionLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The hook's own AWS work survives the storms the workflow survives: the workflow has the state machine's Retry
 * around each step, the hook has one Lambda invocation, so it retries here what may pass ({@link TransientAwsError}:
 * throttling, 5xx, I/O after the SDK's own retries; {@link EndpointBusy}: a held lock, an endpoint EC2 does not
 * know yet) with the SDK's backoff, until the hook's deadline. A Delete that gave up would be DELETE_FAILED for the
 * stack; everything retried here is idempotent.
 *
 * @param backoff the pause before each try ({@link BackoffStrategy#computeDelay}: attempt 2 is the first retry)
 */
public record Retrying(BackoffStrategy backoff) {

    /**
     * In Lambda: exponential from 1 s, capped at 20 s, full jitter (the SDK's {@code exponentialDelay}), as the state
     * machine's Retry of the steps.
     */
    public static final Retrying LAMBDA = new Retrying(BackoffStrategy.exponentialDelay(Duration.ofSeconds(1),
            Duration.ofSeconds(20)));

    /** Every pause multiplied by {@code factor} (local runs scale waits down). */
    public Retrying scaled(double factor) {
        return new Retrying(TimeScaled.backoff(backoff, factor));
    }

    /**
     * Runs {@code work}, again after each error that may pass, until it succeeds or the next try would start after
     * {@code deadline} (then the last error is thrown). Each retry is logged at WARN.
     */
    public <T> T until(Instant deadline, Clock clock, FunctionLog log, String what, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (TransientAwsError | EndpointBusy e) {
                Duration delay = backoff.computeDelay(attempt + 1);
                if (clock.instant().plus(delay).isAfter(deadline)) {
                    throw e;
                }
                log.warn(what + " failed (" + ((WorkflowError) e).errorName() + ": " + e.getMessage() + "); trying "
                        + "again in " + delay.toMillis() + " ms");
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
