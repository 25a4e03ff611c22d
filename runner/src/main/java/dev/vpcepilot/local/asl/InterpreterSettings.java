package dev.vpcepilot.local.asl;

import java.time.Clock;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * How the interpreter treats time and loops.
 *
 * @param timeScale      factor applied to Wait states and Retry intervals before sleeping ({@link TimeScale})
 * @param maxTransitions states an execution may enter before it fails as {@code States.Runtime}: a loop that
 *                       never ends becomes a failure
 * @param sleeper        how to wait
 * @param clock          now, for the context object's times and Wait's {@code Timestamp}
 * @param random         the draw of {@code JitterStrategy: FULL}
 * @param maxChildren    the most child executions a Distributed Map runs at once, each on a thread of its own:
 *                       the bound of a Map whose MaxConcurrency is 0 (which Step Functions reads as "no limit" and
 *                       runs up to 10,000 children at once) or larger than this
 */
public record InterpreterSettings(double timeScale, int maxTransitions, Sleeper sleeper, Clock clock,
                                  RandomGenerator random, int maxChildren) {

    public static final int DEFAULT_MAX_TRANSITIONS = 1000;
    public static final int DEFAULT_MAX_CHILDREN = 100;

    public InterpreterSettings {
        if (!(timeScale >= 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be >= 0, not " + timeScale);
        }
        if (maxTransitions < 1) {
            throw new IllegalArgumentException("maxTransitions must be >= 1, not " + maxTransitions);
        }
        if (maxChildren < 1) {
            throw new IllegalArgumentException("maxChildren must be >= 1, not " + maxChildren);
        }
    }

    /** {@value #DEFAULT_MAX_CHILDREN} child executions at once at most. */
    public InterpreterSettings(double timeScale, int maxTransitions, Sleeper sleeper, Clock clock,
                               RandomGenerator random) {
        this(timeScale, maxTransitions, sleeper, clock, random, DEFAULT_MAX_CHILDREN);
    }

    /**
     * Real sleeping and clock, {@link TimeScale#DEFAULT}, {@value #DEFAULT_MAX_TRANSITIONS} transitions,
     * {@value #DEFAULT_MAX_CHILDREN} child executions at once.
     */
    public static InterpreterSettings defaults() {
        return new InterpreterSettings(TimeScale.DEFAULT, DEFAULT_MAX_TRANSITIONS, Sleeper.REAL, Clock.systemUTC(),
                new Random());
    }

    public InterpreterSettings withTimeScale(double factor) {
        return new InterpreterSettings(factor, maxTransitions, sleeper, clock, random, maxChildren);
    }

    public InterpreterSettings withMaxTransitions(int max) {
        return new InterpreterSettings(timeScale, max, sleeper, clock, random, maxChildren);
    }

    public InterpreterSettings withSleeper(Sleeper newSleeper) {
        return new InterpreterSettings(timeScale, maxTransitions, newSleeper, clock, random, maxChildren);
    }

    public InterpreterSettings withClock(Clock newClock) {
        return new InterpreterSettings(timeScale, maxTransitions, sleeper, newClock, random, maxChildren);
    }

    public InterpreterSettings withRandom(RandomGenerator newRandom) {
        return new InterpreterSettings(timeScale, maxTransitions, sleeper, clock, newRandom, maxChildren);
    }

    public InterpreterSettings withMaxChildren(int max) {
        return new InterpreterSettings(timeScale, maxTransitions, sleeper, clock, random, max);
    }
}
