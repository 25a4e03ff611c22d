package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;

/** What happened during an execution, in order: one line each on the CLI's stderr, a list for tests. */
public sealed interface ProgressEvent {

    /** One human line, e.g. {@code -> CheckServiceAvailability (Task)}. */
    String describe();

    record ExecutionStarted(String executionArn) implements ProgressEvent {
        @Override
        public String describe() {
            return "execution " + executionArn;
        }
    }

    record StateEntered(String stateName, String stateType) implements ProgressEvent {
        @Override
        public String describe() {
            return "-> " + stateName + " (" + stateType + ")";
        }
    }

    /**
     * A Task failed and will run again.
     *
     * @param attempt     which retry of this Retrier this is (1 for the first)
     * @param maxAttempts the Retrier's MaxAttempts
     * @param delay       the interval the definition asks for (after backoff, cap and jitter)
     * @param slept       what the runner actually waits (delay times the time scale)
     */
    record TaskRetried(String stateName, String error, int attempt, int maxAttempts, Duration delay, Duration slept)
            implements ProgressEvent {
        @Override
        public String describe() {
            return "retry " + stateName + " after " + error + ": attempt " + attempt + " of " + maxAttempts + " in "
                    + seconds(delay) + " (waiting " + seconds(slept) + ")";
        }
    }

    /** A Task's error was caught by its Catcher number {@code catcherIndex} (0-based), going on at {@code next}. */
    record ErrorCaught(String stateName, String error, String cause, int catcherIndex, String next)
            implements ProgressEvent {
        @Override
        public String describe() {
            return "caught " + error + " in " + stateName + " (Catch #" + (catcherIndex + 1) + ") -> " + next;
        }
    }

    record Waited(String stateName, Duration delay, Duration slept) implements ProgressEvent {
        @Override
        public String describe() {
            return "wait " + stateName + " " + seconds(delay) + " (waiting " + seconds(slept) + ")";
        }
    }

    record ExecutionSucceeded(JsonNode output) implements ProgressEvent {
        @Override
        public String describe() {
            return "execution succeeded";
        }
    }

    record ExecutionFailed(String stateName, String error, String cause) implements ProgressEvent {
        @Override
        public String describe() {
            String text = cause == null ? "" : cause.length() > 500 ? ": " + cause.substring(0, 500) + "..." : ": " + cause;
            return "execution failed" + (stateName == null ? "" : " in " + stateName) + ": " + error + text;
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
    }
}
