package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one execution of the workflow to its end (or a time bound). In Lambda the state machine runs in Step
 * Functions ({@link StepFunctionsWorkflowRunner}); the local runner runs the same definition in-process. Every
 * execution ARN it gives is the one the execution has ({@code $$.Execution.Id}): StartExecution's or
 * DescribeExecution's answer, never one made up.
 */
public interface WorkflowRunner {

    /**
     * Starts the execution named {@code executionName} (or attaches to it if it already exists: a retried
     * invocation must not start a second one) and waits at most {@code timeout} for it to end.
     */
    Outcome run(String executionName, JsonNode input, Duration timeout);

    /**
     * Stops a running execution (Step Functions {@code StopExecution}: it ends as ABORTED, without running its Catch;
     * a Lambda invocation already under way still finishes). Stopping one that already ended is not an error.
     */
    void stop(String executionArn, String cause);

    /** The execution of that name as Step Functions describes it, or empty when no such execution exists. */
    Optional<Execution> find(String executionName);

    /** The state machine's ARN: its executions run, and lock their VPCs, in its account and region. */
    String stateMachineArn();

    /** An execution that exists: its ARN and the input it was started with. */
    record Execution(String executionArn, JsonNode input) {
    }

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
