package dev.vpcepilot.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Starts the deployed state machine and polls it. The execution is named after the CloudFormation request, so
 * a repeated invocation for the same request finds the running execution ({@code ExecutionAlreadyExists} is
 * not an error) instead of starting a second one.
 */
public final class StepFunctionsWorkflowRunner implements WorkflowRunner {

    private final SfnClient sfn;
    private final String stateMachineArn;
    private final Duration pollInterval;

    public StepFunctionsWorkflowRunner(SfnClient sfn, String stateMachineArn, Duration pollInterval) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.pollInterval = pollInterval;
    }

    /** The ARN of the execution of that name (Step Functions' form), to ask Step Functions about it. */
    String executionArn(String executionName) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
    }

    @Override
    public String stateMachineArn() {
        return stateMachineArn;
    }

    /** {@code states:StopExecution}; an execution that does not exist (never started) has nothing to stop. */
    @Override
    public void stop(String executionArn, String cause) {
        AwsCalls.callOr("Step Functions StopExecution",
                () -> sfn.stopExecution(r -> r.executionArn(executionArn).cause(cause)),
                Set.of("ExecutionDoesNotExist"), () -> null);
    }

    /**
     * The outcome names the execution by the ARN Step Functions gives it: StartExecution's answer, or, for an
     * execution that already exists, DescribeExecution's.
     */
    @Override
    public Outcome run(String executionName, JsonNode input, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String arn;
        try {
            arn = AwsCalls.call("Step Functions StartExecution", () -> sfn.startExecution(r -> r
                    .stateMachineArn(stateMachineArn).name(executionName).input(input.toString()))).executionArn();
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof ExecutionAlreadyExistsException) && !(e instanceof ExecutionAlreadyExistsException)) {
                throw e;
            }
            arn = executionArn(executionName);
        }
        String described = arn;
        while (true) {
            DescribeExecutionResponse execution = AwsCalls.call("Step Functions DescribeExecution",
                    () -> sfn.describeExecution(r -> r.executionArn(described)));
            String executionArn = execution.executionArn();
            ExecutionStatus status = execution.status();
            if (status == ExecutionStatus.SUCCEEDED) {
                return Outcome.succeeded(executionArn, parse(execution.output()));
            }
            if (status != ExecutionStatus.RUNNING && status != ExecutionStatus.PENDING_REDRIVE) {
                return Outcome.failed(executionArn, execution.error() == null ? status.toString() : execution.error(),
                        execution.cause());
            }
            if (Instant.now().plus(pollInterval).isAfter(deadline)) {
                return Outcome.timedOut(executionArn, timeout);
            }
            sleep(pollInterval);
        }
    }

    @Override
    public Optional<Execution> find(String executionName) {
        DescribeExecutionResponse execution = AwsCalls.callOr("Step Functions DescribeExecution",
                () -> sfn.describeExecution(r -> r.executionArn(executionArn(executionName))),
                Set.of("ExecutionDoesNotExist"), () -> null);
        return execution == null ? Optional.empty()
                : Optional.of(new Execution(execution.executionArn(), parse(execution.input())));
    }

    private static JsonNode parse(String output) {
        try {
            return Json.MAPPER.readTree(output == null ? "{}" : output);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The execution's output is not JSON", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the execution", e);
        }
    }
}
