package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Runs one execution of the workflow to its end (or a time bound). In Lambda the state machine runs in Step
 * Functions ({@link StepFunctionsWorkflowRunner}); the local runner runs the same definition in-process.
 */
public interface WorkflowRunner {

    /**
     * Starts the execution named {@code executionName} (or attaches to it if it already exists: a retried
     * invocation must not start a second one) and waits at most {@code timeout} for it to end.
     */
    Outcome run(String executionName, JsonNode input, Duration timeout);

    /** The ARN an execution of that name has (or will have). */
    String executionArn(String executionName);

    /**
     * Stops the execution if it still runs: it ends as aborted, runs no further state (no Catch, no rollback step),
     * and {@code cause} says why. An execution that already ended is left as it is.
     */
    void stop(String executionArn, String cause);

    /** How one execution ended. */
    record Outcome(Status status, String executionArn, JsonNode output, String error, String cause) {

        public static Outcome succeeded(String executionArn, JsonNode output) {
            return new Outcome(Status.SUCCEEDED, executionArn, output, null, null);
        }

        public static Outcome failed(String executionArn, String error, String cause) {
            return new Outcome(Status.FAILED, executionArn, null, error, cause);
        }

        public static Outcome timedOut(String executionArn, Duration after) {
            return new Outcome(Status.TIMED_OUT, executionArn, null, "TimedOut",
                    "timed out after " + after.toSeconds() + " s");
        }
    }

    enum Status { SUCCEEDED, FAILED, TIMED_OUT }
}
