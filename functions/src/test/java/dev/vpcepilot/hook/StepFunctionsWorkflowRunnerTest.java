package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.fixtures.Fixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StopExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StopExecutionResponse;

class StepFunctionsWorkflowRunnerTest {

    private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:vpce-pilot";
    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:cfn-1";

    private final SfnClient sfn = mock(SfnClient.class, withSettings().defaultAnswer(CALLS_REAL_METHODS));
    private final StepFunctionsWorkflowRunner runner = new StepFunctionsWorkflowRunner(sfn, MACHINE, Duration.ZERO);

    private static DescribeExecutionResponse status(ExecutionStatus status) {
        return DescribeExecutionResponse.builder().executionArn(EXECUTION).status(status).build();
    }

    private void started() {
        doReturn(StartExecutionResponse.builder().executionArn(EXECUTION).build())
                .when(sfn).startExecution(any(StartExecutionRequest.class));
    }

    @Test
    void startsNamedAfterTheRequestAndPollsUntilItSucceeds() {
        started();
        doReturn(status(ExecutionStatus.RUNNING), status(ExecutionStatus.RUNNING),
                status(ExecutionStatus.SUCCEEDED).toBuilder().output("{\"vpcEndpointId\":\"vpce-1\"}").build())
                .when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        WorkflowRunner.Outcome outcome = runner.run("cfn-1", Fixtures.json("{\"vpcId\":null}"), Duration.ofMinutes(5));

        assertEquals(WorkflowRunner.Status.SUCCEEDED, outcome.status());
        assertEquals("vpce-1", outcome.output().path("vpcEndpointId").asText());
        ArgumentCaptor<StartExecutionRequest> start = ArgumentCaptor.forClass(StartExecutionRequest.class);
        verify(sfn).startExecution(start.capture());
        assertEquals(MACHINE, start.getValue().stateMachineArn());
        assertEquals("cfn-1", start.getValue().name());
        assertEquals("{\"vpcId\":null}", start.getValue().input());
        verify(sfn, times(3)).describeExecution(any(DescribeExecutionRequest.class));
    }

    @Test
    void anExecutionThatAlreadyExistsIsAttachedTo() {
        doThrow(ExecutionAlreadyExistsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ExecutionAlreadyExists").build()).build()).when(sfn).startExecution(any(StartExecutionRequest.class));
        doReturn(status(ExecutionStatus.SUCCEEDED)).when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        WorkflowRunner.Outcome outcome = runner.run("cfn-1", Fixtures.json("{}"), Duration.ofMinutes(5));

        assertEquals(EXECUTION, outcome.executionArn());
        assertEquals(EXECUTION, runner.executionArn("cfn-1"));
        ArgumentCaptor<DescribeExecutionRequest> describe = ArgumentCaptor.forClass(DescribeExecutionRequest.class);
        verify(sfn).describeExecution(describe.capture());
        assertEquals(EXECUTION, describe.getValue().executionArn());
        assertEquals("{}", outcome.output().toString());
    }

    @Test
    void anExecutionIsFoundByItsNameAsStepFunctionsDescribesIt() {
        doReturn(status(ExecutionStatus.FAILED).toBuilder().input("{\"vpcId\":\"vpc-1\"}").build())
                .when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        WorkflowRunner.Execution execution = runner.find("cfn-1").orElseThrow();

        assertEquals(EXECUTION, execution.executionArn());
        assertEquals("vpc-1", execution.input().path("vpcId").asText());
        assertEquals(MACHINE, runner.stateMachineArn());
    }

    @Test
    void anExecutionThatDoesNotExistIsNotFound() {
        doThrow(SfnException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ExecutionDoesNotExist").build()).build())
                .when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        assertEquals(java.util.Optional.empty(), runner.find("cfn-never"));
    }

    @Test
    void aFailedExecutionReportsItsErrorAndCause() {
        started();
        doReturn(status(ExecutionStatus.FAILED).toBuilder().error("VpcNotFound").cause("no such VPC").build())
                .when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        WorkflowRunner.Outcome outcome = runner.run("cfn-1", Fixtures.json("{}"), Duration.ofMinutes(5));

        assertEquals(WorkflowRunner.Status.FAILED, outcome.status());
        assertEquals("VpcNotFound", outcome.error());
        assertEquals("no such VPC", outcome.cause());
        assertNull(outcome.output());
    }

    @Test
    void anAbortedExecutionWithoutErrorIsNamedByItsStatus() {
        started();
        doReturn(status(ExecutionStatus.ABORTED)).when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        assertEquals("ABORTED", runner.run("cfn-1", Fixtures.json("{}"), Duration.ofMinutes(5)).error());
    }

    @Test
    void aStillRunningExecutionTimesOutAtTheBound() {
        started();
        doReturn(status(ExecutionStatus.RUNNING)).when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        WorkflowRunner.Outcome outcome = runner.run("cfn-1", Fixtures.json("{}"), Duration.ZERO);

        assertEquals(WorkflowRunner.Status.TIMED_OUT, outcome.status());
        assertEquals(EXECUTION, outcome.executionArn());
    }

    @Test
    void throttledPollingIsTransient() {
        started();
        doThrow(SfnException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ThrottlingException").build()).build())
                .when(sfn).describeExecution(any(DescribeExecutionRequest.class));

        assertThrows(TransientAwsError.class, () -> runner.run("cfn-1", Fixtures.json("{}"), Duration.ofMinutes(5)));
    }

    @Test
    void stopStopsTheExecutionWithTheCause() {
        doReturn(StopExecutionResponse.builder().build()).when(sfn).stopExecution(any(StopExecutionRequest.class));

        runner.stop(EXECUTION, "The custom resource answered FAILED: timed out after 600 s");

        ArgumentCaptor<StopExecutionRequest> stop = ArgumentCaptor.forClass(StopExecutionRequest.class);
        verify(sfn).stopExecution(stop.capture());
        assertEquals(EXECUTION, stop.getValue().executionArn());
        assertEquals("The custom resource answered FAILED: timed out after 600 s", stop.getValue().cause());
        assertNull(stop.getValue().error(), "stopped without an error: DescribeExecution reports ABORTED");
    }

    @Test
    void stoppingAnExecutionThatDoesNotExistIsNothingToDo() {
        doThrow(SfnException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ExecutionDoesNotExist").build()).build())
                .when(sfn).stopExecution(any(StopExecutionRequest.class));

        runner.stop(EXECUTION, "never started");
    }

    @Test
    void aStopThatAwsRefusesIsAnError() {
        doThrow(SfnException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("AccessDeniedException").build()).build())
                .when(sfn).stopExecution(any(StopExecutionRequest.class));

        assertThrows(dev.vpcepilot.errors.AwsRequestFailed.class, () -> runner.stop(EXECUTION, "x"));
    }
}
