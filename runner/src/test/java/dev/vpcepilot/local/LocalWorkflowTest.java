package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.UnsupportedDefinitionException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API on a throwaway project whose functions are test handlers (no emulator needed). */
class LocalWorkflowTest {

    private static final URI NOWHERE = URI.create("http://127.0.0.1:1");
    private static final String DEFINITION = """
            {"StartAt": "Echo", "States": {
              "Echo": {"Type": "Task", "Resource": "${EchoArn}", "Parameters": {"name.$": "$$.Execution.Name",
                       "v.$": "$.v"}, "ResultSelector": {"name.$": "$.received.name", "v.$": "$.received.v"},
                       "ResultPath": "$.echo", "Next": "Fail"},
              "Fail": {"Type": "Task", "Resource": "${FailingArn}", "Parameters": {"message.$": "$.echo.name"},
                       "Catch": [{"ErrorEquals": ["dev.vpcepilot.local.FakeHandlers$VpcGone"], "ResultPath": "$.error",
                                  "Next": "Done"}], "End": true},
              "Done": {"Type": "Succeed"}}}
            """;

    @TempDir
    Path directory;

    private LocalWorkflow.Builder builder(String definition) {
        TestProject.write(directory, TestProject.template("Echo=" + FakeHandlers.Echo.class.getName(),
                "Failing=" + FakeHandlers.Failing.class.getName()), definition);
        return LocalWorkflow.builder(directory).region("us-east-1").endpoint(NOWHERE).timeScale(0)
                .functionLog(line -> { });
    }

    @Test
    void runsTheTemplatesStateMachineWithItsHandlers() {
        List<ProgressEvent> live = Collections.synchronizedList(new ArrayList<>());
        try (LocalWorkflow workflow = builder(DEFINITION).listener(live::add).build()) {
            ExecutionResult result = workflow.run(json("{\"v\": 7}"), "first-run");
            assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
            assertEquals(json("{\"name\": \"first-run\", \"v\": 7}"), result.output().get("echo"));
            assertEquals(FakeHandlers.VpcGone.class.getName(), result.output().at("/error/Error").asText());
            assertEquals("first-run", json(result.output().at("/error/Cause").asText()).get("errorMessage").asText());
            assertEquals(List.of("Echo", "Fail", "Done"), result.statesEntered());
            assertEquals(result.events(), live);
            assertEquals("arn:aws:states:us-east-1:123456789012:execution:Machine:first-run", result.executionArn());
            assertEquals(workflow.executionArn("first-run"), result.executionArn());
            assertEquals("arn:aws:lambda:us-east-1:123456789012:function:Echo:live",
                    workflow.definition().at("/States/Echo/Resource").asText());
        }
    }

    @Test
    void executionsRunConcurrentlyOnOneWorkflow() throws Exception {
        try (LocalWorkflow workflow = builder(DEFINITION).build();
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<ExecutionResult>> runs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                runs.add(pool.submit(() -> workflow.run(json("{\"v\": " + n + "}"), "run-" + n)));
            }
            for (int i = 0; i < runs.size(); i++) {
                ExecutionResult result = runs.get(i).get();
                assertTrue(result.succeeded());
                assertEquals(json("{\"name\": \"run-" + i + "\", \"v\": " + i + "}"), result.output().get("echo"));
            }
        }
    }

    @Test
    void anExecutionWithoutNameGetsAUuid() {
        try (LocalWorkflow workflow = builder(DEFINITION).build()) {
            ExecutionResult result = workflow.run(json("{\"v\": 1}"));
            assertTrue(result.executionName().matches("[0-9a-f-]{36}"), result.executionName());
        }
    }

    @Test
    void refusesUnsupportedDefinitionsAndHandlersBeforeRunning() {
        UnsupportedDefinitionException parallel = assertThrows(UnsupportedDefinitionException.class,
                () -> builder("""
                        {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "Branches": [], "End": true}}}
                        """).build());
        assertTrue(parallel.problems().get(0).startsWith("State \"Both\" (Parallel)"), parallel.problems().toString());

        UnsupportedDefinitionException resource = assertThrows(UnsupportedDefinitionException.class,
                () -> builder("""
                        {"StartAt": "T", "States": {"T": {"Type": "Task",
                          "Resource": "arn:aws:states:::dynamodb:getItem", "End": true}}}
                        """).check());
        assertTrue(resource.problems().get(0).contains("is not a Lambda function of the template"));

        TestProject.write(directory, TestProject.template("Old=" + FakeHandlers.NoClientsConstructor.class.getName()),
                "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"${OldArn}\", \"End\": true}}}");
        UnsupportedDefinitionException handler = assertThrows(UnsupportedDefinitionException.class,
                () -> LocalWorkflow.builder(directory).endpoint(NOWHERE).check());
        assertTrue(handler.problems().get(0).contains("no public constructor taking dev.vpcepilot.aws.AwsClients"));

        TestProject.write(directory, TestProject.template("Old=" + FakeHandlers.NoClientsConstructor.class.getName()),
                """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": {"StartAt": "T",
                  "States": {"T": {"Type": "Task", "Resource": "${OldArn}", "End": true}}}, "End": true}}}
                """);
        UnsupportedDefinitionException nested = assertThrows(UnsupportedDefinitionException.class,
                () -> LocalWorkflow.builder(directory).endpoint(NOWHERE).check());
        assertTrue(nested.problems().get(0).contains("no public constructor taking dev.vpcepilot.aws.AwsClients"),
                nested.problems().toString());
    }

    @Test
    void anEndpointIsRequired() {
        TestProject.write(directory, TestProject.template(), "{\"StartAt\": \"S\", \"States\": {\"S\": "
                + "{\"Type\": \"Succeed\"}}}");
        assertThrows(IllegalStateException.class, () -> LocalWorkflow.builder(directory).build());
    }
}
