package dev.vpcepilot.local.asl;

import java.time.Duration;

/** How the interpreter waits (Wait states, Retry intervals); tests record the delays instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration);
        }
    };

    void sleep(Duration duration) throws InterruptedException;
}
