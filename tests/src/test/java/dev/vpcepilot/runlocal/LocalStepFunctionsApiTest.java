package dev.vpcepilot.runlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.hook.StepFunctionsWorkflowRunner;
import dev.vpcepilot.hook.WorkflowRunner;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.local.sfn.LocalStepFunctionsApi;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;

/**
 * The loopback Step Functions API, through the SDK's own client (AWS JSON 1.0, errors by {@code __type}), backed by
 * the real definition run in-process: start, describe, the naming rules of StartExecution, and StopExecution; and
 * the hook's {@link StepFunctionsWorkflowRunner} and the local {@link LocalWorkflowRunner} stopping an execution.
 */
@Integration
class LocalStepFunctionsApiTest {

    private static MotoServer moto;

    /** Holds every execution in CreateEndpoint until released (a state it enters, not yet left). */
    private CountDownLatch release;
    private final List<String> entered = new CopyOnWriteArrayList<>();
    private LocalWorkflow workflow;
    private LocalStepFunctionsApi api;
    private AwsClients clients;
    private SfnClient sfn;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
    }

    @BeforeEach
    void start() {
        moto.reset();
        release = new CountDownLatch(1);
        workflow = LocalWorkflow.builder(TestProject.root()).region("us-east-1").endpoint(moto.endpoint())
                .timeScale(0).functionLog(line -> { })
                .listener(event -> {
                    if (event instanceof ProgressEvent.StateEntered state) {
                        entered.add(state.stateName());
                        if (state.stateName().equals("CreateEndpoint")) {
                            await(release);
                        }
                    }
                }).build();
        api = LocalStepFunctionsApi.start(workflow);
        clients = AwsClients.forEndpoint("us-east-1", api.endpoint());
        sfn = clients.sfn();
    }

    @AfterEach
    void stop() {
        release.countDown();
        clients.close();
        api.close();
        workflow.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a stop: the interpreter ends the execution
        }
    }

    private String startExecution(String name, String input) {
        return sfn.startExecution(r -> r.stateMachineArn(workflow.stateMachineArn()).name(name).input(input))
                .executionArn();
    }

    private DescribeExecutionResponse awaitEnd(String arn) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            DescribeExecutionResponse execution = sfn.describeExecution(r -> r.executionArn(arn));
            if (execution.status() != ExecutionStatus.RUNNING) {
                return execution;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(arn + " still runs");
    }

    @Test
    void anExecutionStartsRunsAndIsDescribed() throws Exception {
        String arn = startExecution("cfn-" + UUID.randomUUID(), "{}");
        assertEquals(workflow.executionArn(arn.substring(arn.lastIndexOf(':') + 1)), arn);
        assertEquals(ExecutionStatus.RUNNING, sfn.describeExecution(r -> r.executionArn(arn)).status());

        release.countDown();
        DescribeExecutionResponse done = awaitEnd(arn);

        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        JsonNode output = TestProject.json(done.output());
        assertTrue(output.path("vpcEndpointId").asText().startsWith("vpce-"), done.output());
        assertEquals("{}", done.input());
        assertEquals(workflow.stateMachineArn(), done.stateMachineArn());
        assertNotNull(done.startDate());
        assertFalse(done.stopDate().isBefore(done.startDate()));
    }

    @Test
    void aNameAlreadyUsedAttachesOnlyToAnOpenExecutionWithTheSameInput() throws Exception {
        String name = "cfn-" + UUID.randomUUID();
        String arn = startExecution(name, "{}");

        assertEquals(arn, startExecution(name, "{}"), "open, same input: the same execution (idempotent)");
        assertThrows(ExecutionAlreadyExistsException.class, () -> startExecution(name, "{\"cleanup\": true}"),
                "open, another input");
        assertEquals(1, api.executionsStarted());

        release.countDown();
        awaitEnd(arn);
        assertThrows(ExecutionAlreadyExistsException.class, () -> startExecution(name, "{}"),
                "closed: refused whatever the input");
    }

    @Test
    void stopExecutionAbortsItBeforeItsNextState() throws Exception {
        String arn = startExecution("cfn-" + UUID.randomUUID(), "{}");
        waitUntilEntered("CreateEndpoint");

        sfn.stopExecution(r -> r.executionArn(arn).error("HookTimeout").cause("timed out after 600 s"));

        DescribeExecutionResponse stopped = sfn.describeExecution(r -> r.executionArn(arn));
        assertEquals(ExecutionStatus.ABORTED, stopped.status());
        assertEquals("HookTimeout", stopped.error());
        assertEquals("timed out after 600 s", stopped.cause());
        Thread.sleep(500);
        assertFalse(entered.contains("IsEndpointAvailable") || entered.contains("HandleFailure"),
                "the stopped execution ran no further state: " + entered);
        // stopping an ended execution changes nothing
        sfn.stopExecution(r -> r.executionArn(arn).cause("again"));
        assertEquals("timed out after 600 s", sfn.describeExecution(r -> r.executionArn(arn)).cause());
    }

    @Test
    void unknownExecutionsAndStateMachinesAreTheServicesErrors() {
        assertThrows(ExecutionDoesNotExistException.class, () -> sfn.describeExecution(r -> r.executionArn(
                workflow.executionArn("never-started"))));
        assertThrows(StateMachineDoesNotExistException.class, () -> sfn.startExecution(r -> r.stateMachineArn(
                "arn:aws:states:us-east-1:123456789012:stateMachine:Other").name("x").input("{}")));
    }

    @Test
    void theHooksRunnerStopsAnExecutionThroughTheApi() throws Exception {
        StepFunctionsWorkflowRunner runner = new StepFunctionsWorkflowRunner(sfn, workflow.stateMachineArn(),
                Duration.ofMillis(50));
        String name = "cfn-" + UUID.randomUUID();
        WorkflowRunner.Outcome timedOut = runner.run(name, TestProject.json("{}"), Duration.ofMillis(300));
        assertEquals(WorkflowRunner.Status.TIMED_OUT, timedOut.status());

        runner.stop(timedOut.executionArn(), "The custom resource answered FAILED: timed out");

        WorkflowRunner.Outcome after = runner.run(name, TestProject.json("{}"), Duration.ofSeconds(5));
        assertEquals(WorkflowRunner.Status.FAILED, after.status(), "attached to the stopped execution");
        assertEquals("ABORTED", after.error());
        assertEquals("The custom resource answered FAILED: timed out", after.cause());
    }

    @Test
    void theLocalRunnerStopsAnExecutionAsStepFunctionsWouldReportIt() throws Exception {
        try (LocalWorkflowRunner runner = new LocalWorkflowRunner(workflow)) {
            String name = "cfn-" + UUID.randomUUID();
            WorkflowRunner.Outcome timedOut = runner.run(name, TestProject.json("{}"), Duration.ofMillis(300));
            assertEquals(WorkflowRunner.Status.TIMED_OUT, timedOut.status());

            runner.stop(timedOut.executionArn(), "timed out");

            WorkflowRunner.Outcome after = runner.run(name, TestProject.json("{}"), Duration.ofSeconds(5));
            assertEquals(WorkflowRunner.Status.FAILED, after.status());
            assertEquals("ABORTED", after.error());
            assertEquals("timed out", after.cause());
            assertFalse(entered.contains("HandleFailure"), "no rollback step after a stop: " + entered);
        }
    }

    private void waitUntilEntered(String state) throws InterruptedException {
        for (int i = 0; i < 300 && !entered.contains(state); i++) {
            Thread.sleep(20);
        }
        assertTrue(entered.contains(state), entered.toString());
    }
}
