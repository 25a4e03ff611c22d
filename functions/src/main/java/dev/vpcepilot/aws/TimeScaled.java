package dev.vpcepilot.aws;

import java.time.Duration;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The functions' own waits under a time scale: in Lambda the factor is 1; the local runner shortens them by its
 * {@code VPCE_PILOT_TIME_SCALE} (0 is no waiting at all).
 */
public final class TimeScaled {

    private TimeScaled() {
    }

    public static Duration duration(Duration duration, double factor) {
        return Duration.ofNanos(Math.round(duration.toNanos() * factor));
    }

    /** The SDK's {@code backoff}, each delay it computes multiplied by {@code factor}. */
    public static BackoffStrategy backoff(BackoffStrategy backoff, double factor) {
        return attempt -> duration(backoff.computeDelay(attempt), factor);
    }
}
