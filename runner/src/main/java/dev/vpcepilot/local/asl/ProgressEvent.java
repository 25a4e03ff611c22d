package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;

/**
 * What happened during an execution, in order: one line each on the CLI's stderr, a list for tests. A
 * Distributed Map's child executions have events of their own (in their {@link ExecutionResult}); the parent sees
 * the Map Run start and end, and each child start and end.
 */
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
            String text = cause == null ? "" : ": " + shorten(cause, 500);
            return "execution failed" + (stateName == null ? "" : " in " + stateName) + ": " + error + text;
        }
    }

    /**
     * A child execution stopped because its Map Run failed: before entering {@code stateName}, or before retrying
     * it.
     */
    record ExecutionAborted(String stateName) implements ProgressEvent {
        @Override
        public String describe() {
            return "execution aborted at " + stateName + ": its Map Run failed";
        }
    }

    /**
     * A Distributed Map state started a Map Run.
     *
     * @param concurrency how many children run at once at most (after the local bound)
     */
    record MapRunStarted(String stateName, String mapRunArn, int items, int concurrency) implements ProgressEvent {
        @Override
        public String describe() {
            return "map run " + mapRunArn + ": " + items + " item" + (items == 1 ? "" : "s") + ", at most "
                    + concurrency + " at once";
        }
    }

    /** The child execution of item {@code index} (0-based) started. */
    record ChildExecutionStarted(String mapRunArn, int index, String executionArn) implements ProgressEvent {
        @Override
        public String describe() {
            return "  item " + index + " started " + executionArn;
        }
    }

    /** The child execution of item {@code index} ended; {@code child} holds its output or error and its events. */
    record ChildExecutionEnded(String mapRunArn, int index, ExecutionResult child) implements ProgressEvent {
        @Override
        public String describe() {
            String end = "  item " + index + " " + child.status() + " " + child.executionArn();
            if (child.status() != ExecutionResult.Status.FAILED) {
                return end;
            }
            return end + ": " + child.error() + (child.cause() == null ? "" : ": " + shorten(child.cause(), 300));
        }
    }

    /**
     * A Map Run ended: SUCCEEDED ({@code error} null) or FAILED with {@code error}. {@code pending} items never
     * started, {@code aborted} children were stopped because the Map Run failed.
     */
    record MapRunEnded(String mapRunArn, int succeeded, int failed, int aborted, int pending, String error)
            implements ProgressEvent {
        @Override
        public String describe() {
            return "map run " + mapRunArn + " " + (error == null ? "SUCCEEDED" : "FAILED with " + error) + ": "
                    + succeeded + " succeeded, " + failed + " failed" + (aborted > 0 ? ", " + aborted + " aborted" : "")
                    + (pending > 0 ? ", " + pending + " not started" : "");
        }
    }

    private static String shorten(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "..." : text;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
    }
}
