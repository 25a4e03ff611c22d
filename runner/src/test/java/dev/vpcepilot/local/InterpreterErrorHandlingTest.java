package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.asl.TaskInvoker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Retry (counts, backoff, cap, jitter, scaling), Catch, and which errors they can see. */
class InterpreterErrorHandlingTest {

    /** Fails with {@code error} the first {@code failures} calls, then answers {@code {"ok": true}}. */
    private static Function<TaskInvoker.TaskInvocation, JsonNode> failing(int failures, String error) {
        AtomicInteger calls = new AtomicInteger();
        return call -> {
            if (calls.incrementAndGet() <= failures) {
                throw new StatesError(error, "failure " + calls.get());
            }
            return json("{\"ok\": true}");
        };
    }

    /** One Task "T" with the Retry and Catch given; Catch may go to "Handled" or "Other" (both end). */
    private static String task(String retry, String catchers) {
        StringBuilder targets = new StringBuilder();
        for (String target : List.of("Handled", "Other")) {
            if (catchers.contains("\"" + target + "\"")) {
                targets.append(", \"").append(target).append("\": {\"Type\": \"Pass\", \"End\": true}");
            }
        }
        return """
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "fn", "Parameters": {"retries.$": "$$.State.RetryCount"},
                    "Retry": %s, "Catch": %s, "Next": "Done"},
                  "Done": {"Type": "Succeed"}%s}}
                """.formatted(retry, catchers, targets);
    }

    private static final String CATCH_ALL = """
            [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled"}]""";

    @Test
    void retriesWithExponentialBackoffUntilTheTaskSucceeds() {
        Interpreter interpreter = new Interpreter().task("fn", failing(3, "Transient"));
        ExecutionResult result = interpreter.run(task("""
                [{"ErrorEquals": ["Transient"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 5,
                  "JitterStrategy": "NONE"}]""", "[]"), "{}");
        assertTrue(result.succeeded());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(18)), interpreter.sleeps);
        assertEquals(List.of(0, 1, 2, 3), interpreter.invocations.stream().map(TaskInvoker.TaskInvocation::retryCount).toList());
        assertEquals(List.of(0, 1, 2, 3), interpreter.invocations.stream()
                .map(call -> call.input().get("retries").asInt()).toList());
        List<ProgressEvent.TaskRetried> retries = result.events(ProgressEvent.TaskRetried.class);
        assertEquals(List.of(1, 2, 3), retries.stream().map(ProgressEvent.TaskRetried::attempt).toList());
        assertEquals("Transient", retries.get(0).error());
        assertEquals(5, retries.get(0).maxAttempts());
    }

    @Test
    void defaultsAreOneSecondBackoffTwoAndThreeAttempts() {
        Interpreter interpreter = new Interpreter().task("fn", failing(10, "Transient"));
        ExecutionResult result = interpreter.run(task("[{\"ErrorEquals\": [\"Transient\"]}]", "[]"), "{}");
        assertEquals("Transient", result.error());
        assertEquals("failure 4", result.cause());
        assertEquals(4, interpreter.invocations.size());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), interpreter.sleeps);
    }

    @Test
    void maxDelaySecondsCapsTheBackoffAndFullJitterDrawsBelowIt() {
        Interpreter interpreter = new Interpreter().task("fn", failing(4, "Transient"));
        interpreter.run(task("""
                [{"ErrorEquals": ["Transient"], "IntervalSeconds": 10, "BackoffRate": 2.0, "MaxAttempts": 4,
                  "MaxDelaySeconds": 15, "JitterStrategy": "FULL"}]""", "[]"), "{}");
        // 10, 20 -> 15, 40 -> 15, 80 -> 15; the jitter draw of the test harness is 0.5
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofMillis(7500), Duration.ofMillis(7500),
                Duration.ofMillis(7500)), interpreter.sleeps);
    }

    @Test
    void theTimeScaleShortensTheSleepButEventsReportTheDefinitionsDelay() {
        Interpreter interpreter = new Interpreter().timeScale(0.02).task("fn", failing(1, "Transient"));
        ExecutionResult result = interpreter.run(task("""
                [{"ErrorEquals": ["Transient"], "IntervalSeconds": 2}]""", "[]"), "{}");
        assertEquals(List.of(Duration.ofMillis(40)), interpreter.sleeps);
        ProgressEvent.TaskRetried retry = result.events(ProgressEvent.TaskRetried.class).get(0);
        assertEquals(Duration.ofSeconds(2), retry.delay());
        assertEquals(Duration.ofMillis(40), retry.slept());
    }

    @Test
    void onlyTheFirstMatchingRetrierCountsEvenWhenItIsExhausted() {
        Interpreter interpreter = new Interpreter().task("fn", failing(3, "Throttled"));
        ExecutionResult result = interpreter.run(task("""
                [{"ErrorEquals": ["Throttled"], "MaxAttempts": 1},
                 {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}]""", CATCH_ALL), "{}");
        assertEquals(2, interpreter.invocations.size());
        assertEquals(List.of("T", "Handled"), result.statesEntered());
    }

    @Test
    void maxAttemptsZeroNeverRetries() {
        Interpreter interpreter = new Interpreter().task("fn", failing(1, "Transient"));
        ExecutionResult result = interpreter.run(task("""
                [{"ErrorEquals": ["Transient"], "MaxAttempts": 0}]""", "[]"), "{}");
        assertEquals("Transient", result.error());
        assertEquals(1, interpreter.invocations.size());
    }

    @Test
    void theFirstMatchingCatcherChoosesTheNextStateAndPlacesTheErrorOutput() {
        String catchers = """
                [{"ErrorEquals": ["VpcNotFound"], "ResultPath": "$.error", "Next": "Handled"},
                 {"ErrorEquals": ["States.ALL"], "Next": "Other"}]""";
        ExecutionResult named = new Interpreter().task("fn", failing(1, "VpcNotFound")).run(task("[]", catchers),
                "{\"in\": 1}");
        assertEquals(List.of("T", "Handled"), named.statesEntered());
        assertEquals(json("{\"in\": 1, \"error\": {\"Error\": \"VpcNotFound\", \"Cause\": \"failure 1\"}}"),
                named.output());
        ProgressEvent.ErrorCaught caught = named.events(ProgressEvent.ErrorCaught.class).get(0);
        assertEquals(0, caught.catcherIndex());
        assertEquals("Handled", caught.next());

        ExecutionResult other = new Interpreter().task("fn", failing(1, "Else")).run(task("[]", catchers),
                "{\"in\": 1}");
        assertEquals(List.of("T", "Other"), other.statesEntered());
        assertEquals(json("{\"Error\": \"Else\", \"Cause\": \"failure 1\"}"), other.output());
    }

    @Test
    void retriesComeBeforeTheCatcher() {
        Interpreter interpreter = new Interpreter().task("fn", failing(9, "Transient"));
        ExecutionResult result = interpreter.run(task("[{\"ErrorEquals\": [\"Transient\"], \"MaxAttempts\": 2}]",
                CATCH_ALL), "{}");
        assertEquals(3, interpreter.invocations.size());
        assertEquals(List.of("T", "Handled"), result.statesEntered());
        assertEquals("failure 3", result.output().at("/error/Cause").asText());
    }

    @Test
    void statesRuntimeIsNeitherRetriedNorCaughtByStatesAll() {
        Interpreter interpreter = new Interpreter().task("fn", call -> json("{}"));
        ExecutionResult result = interpreter.run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "fn", "Parameters": {"x.$": "$.missing"},
                    "Retry": [{"ErrorEquals": ["States.ALL"]}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}], "End": true},
                  "Handled": {"Type": "Succeed"}}}
                """, "{}");
        assertEquals("States.Runtime", result.error());
        assertEquals(0, interpreter.invocations.size());
        assertEquals(List.of("T"), result.statesEntered());
        assertTrue(interpreter.sleeps.isEmpty());
    }

    @Test
    void statesRuntimeIsNotCaughtEvenWhenNamed() {
        ExecutionResult result = new Interpreter().task("fn", call -> { throw StatesError.runtime("broken"); }).run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "fn",
                    "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "Handled"}], "End": true},
                  "Handled": {"Type": "Succeed"}}}
                """, "{}");
        assertEquals("States.Runtime", result.error());
    }

    @Test
    void aResultPathMatchFailureCanBeCaught() {
        ExecutionResult result = new Interpreter().task("fn", call -> json("1")).run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "fn", "ResultPath": "$.a.b",
                    "Catch": [{"ErrorEquals": ["States.ResultPathMatchFailure"], "ResultPath": "$.err",
                               "Next": "Handled"}], "End": true},
                  "Handled": {"Type": "Succeed"}}}
                """, "{\"a\": [1]}");
        assertTrue(result.succeeded());
        assertEquals("States.ResultPathMatchFailure", result.output().at("/err/Error").asText());
    }

    @Test
    void taskFailedMatchesEveryTaskErrorButTimeout() throws Exception {
        ExecutionResult caught = new Interpreter().task("fn", failing(1, "dev.vpcepilot.errors.VpcNotFound")).run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "fn",
                    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Handled"}], "End": true},
                  "Handled": {"Type": "Succeed"}}}
                """, "{}");
        assertTrue(caught.succeeded());

        String timeoutDefinition = """
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "slow", "TimeoutSeconds": 1,
                    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Wrong"},
                              {"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}], "End": true},
                  "Wrong": {"Type": "Fail", "Error": "Wrong"},
                  "TimedOut": {"Type": "Succeed"}}}
                """;
        ExecutionResult timedOut = new Interpreter().task("slow", call -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return json("{}");
        }).run(timeoutDefinition, "{}");
        assertEquals(List.of("T", "TimedOut"), timedOut.statesEntered());
        assertEquals("States.Timeout", timedOut.events(ProgressEvent.ErrorCaught.class).get(0).error());
    }

    @Test
    void aTaskWithTimeoutSecondsThatFinishesInTimeReturnsItsResult() {
        ExecutionResult result = new Interpreter().task("fn", call -> json("{\"done\": 1}")).run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "TimeoutSeconds": 5,
                  "End": true}}}
                """, "{}");
        assertEquals(json("{\"done\": 1}"), result.output());
    }

    @Test
    void anExceptionFromAnInvokerIsAnErrorNamedAfterItsClass() {
        ExecutionResult result = new Interpreter().task("fn", call -> { throw new IllegalStateException("bad"); }).run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "End": true}}}
                """, "{}");
        assertEquals("java.lang.IllegalStateException", result.error());
        assertEquals("bad", result.cause());
    }

    @Test
    void theFailureEventNamesTheStateAndTheError() {
        ExecutionResult result = new Interpreter().task("fn", failing(1, "Boom")).run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "End": true}}}
                """, "{}");
        ProgressEvent.ExecutionFailed failed = result.events(ProgressEvent.ExecutionFailed.class).get(0);
        assertEquals("T", failed.stateName());
        assertEquals("Boom", failed.error());
        assertEquals("execution failed in T: Boom: failure 1", failed.describe());
    }

    /** How StopExecution reaches an execution: its thread is interrupted while a task runs. */
    private static final String STOPPABLE = """
            {"StartAt": "T", "States": {
              "T": {"Type": "Task", "Resource": "fn", "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Rollback"}], "Next": "After"},
              "After": {"Type": "Pass", "End": true},
              "Rollback": {"Type": "Pass", "End": true}}}
            """;

    @Test
    void aStoppedExecutionEndsAbortedWithoutRetryOrCatch() {
        ExecutionResult result = new Interpreter().task("fn", call -> {
            Thread.currentThread().interrupt(); // stopped while the task runs; the task then fails
            throw new StatesError("dev.vpcepilot.errors.TransientAwsError", "interrupted");
        }).run(STOPPABLE, "{}");
        Thread.interrupted();

        // a stopped execution is ABORTED, as DescribeExecution shows one StopExecution stopped
        assertEquals(ExecutionResult.Status.ABORTED, result.status());
        assertEquals(List.of("T"), result.statesEntered(), "no retry, no Catch: a stopped execution runs nothing more");
        assertEquals(List.of(), result.events(ProgressEvent.TaskRetried.class));
    }

    @Test
    void aStoppedExecutionEndsAbortedAtTheNextStateBoundary() {
        ExecutionResult result = new Interpreter().task("fn", call -> {
            Thread.currentThread().interrupt(); // stopped while the task runs; the task still answers
            return json("{}");
        }).run(STOPPABLE, "{}");
        Thread.interrupted();

        // a stopped execution is ABORTED, as DescribeExecution shows one StopExecution stopped
        assertEquals(ExecutionResult.Status.ABORTED, result.status());
        assertEquals(List.of("T"), result.statesEntered());
    }
}
