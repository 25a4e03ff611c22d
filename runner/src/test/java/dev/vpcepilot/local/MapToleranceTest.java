package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.StatesError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tolerated failure threshold ("Setting failure thresholds for Distributed Map states"): the Map Run fails
 * only when the failed items exceed it, by count or by percentage of all items, from literals or from paths.
 */
class MapToleranceTest {

    /** A Map of {@code total} items whose first {@code failing} fail, with the threshold fields given. */
    private static ExecutionResult run(String thresholdFields, int total, int failing, String extraInput) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            items.add("{\"fail\": " + (i < failing) + "}");
        }
        return new Interpreter().task("fn", call -> {
            if (call.input().get("fail").asBoolean()) {
                throw new StatesError("ItemFailed", "on purpose");
            }
            return call.input();
        }).run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", %s
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "End": true}}},
                  "End": true}}}
                """.formatted(thresholdFields), "{" + extraInput + "\"items\": [" + String.join(", ", items) + "]}");
    }

    @ParameterizedTest(name = "{0}, {2} of {1} failing: {3}")
    @CsvSource(delimiter = '|', value = {
            // neither field: one failure is too many (both default to 0)
            "''                                        | 10 | 0 | SUCCEEDED",
            "''                                        | 10 | 1 | FAILED",
            // count: failing exactly the count is tolerated
            "'\"ToleratedFailureCount\": 2,'            | 10 | 1 | SUCCEEDED",
            "'\"ToleratedFailureCount\": 2,'            | 10 | 2 | SUCCEEDED",
            "'\"ToleratedFailureCount\": 2,'            | 10 | 3 | FAILED",
            "'\"ToleratedFailureCount\": 0,'            | 10 | 1 | FAILED",
            // percentage of all the items: exactly the percentage is tolerated
            "'\"ToleratedFailurePercentage\": 20,'      | 10 | 1 | SUCCEEDED",
            "'\"ToleratedFailurePercentage\": 20,'      | 10 | 2 | SUCCEEDED",
            "'\"ToleratedFailurePercentage\": 20,'      | 10 | 3 | FAILED",
            // a fractional percentage is compared exactly: 1 of 8 is 12.5 %, not rounded to 13
            "'\"ToleratedFailurePercentage\": 12.5,'    | 8  | 1 | SUCCEEDED",
            "'\"ToleratedFailurePercentage\": 12.5,'    | 8  | 2 | FAILED",
            "'\"ToleratedFailurePercentage\": 100,'     | 4  | 4 | SUCCEEDED",
            // both: exceeding either fails
            "'\"ToleratedFailureCount\": 5, \"ToleratedFailurePercentage\": 10,' | 10 | 2 | FAILED",
            "'\"ToleratedFailureCount\": 1, \"ToleratedFailurePercentage\": 50,' | 10 | 2 | FAILED",
            "'\"ToleratedFailureCount\": 2, \"ToleratedFailurePercentage\": 20,' | 10 | 2 | SUCCEEDED",
    })
    void theMapRunFailsOnlyWhenTheFailuresExceedTheThreshold(String fields, int total, int failing, String status) {
        ExecutionResult result = run(fields, total, failing, "");
        assertEquals(ExecutionResult.Status.valueOf(status), result.status(), () -> result.error() + ": " + result.cause());
        if (!result.succeeded()) {
            assertEquals("States.ExceedToleratedFailureThreshold", result.error());
            assertEquals("The specified tolerated failure threshold was exceeded", result.cause());
        }
    }

    @ParameterizedTest(name = "{0} = {1}, {3} of {2} failing: {4}")
    @CsvSource(delimiter = '|', value = {
            "ToleratedFailureCountPath      | 2    | 10 | 2 | SUCCEEDED",
            "ToleratedFailureCountPath      | 2    | 10 | 3 | FAILED",
            "ToleratedFailurePercentagePath | 20   | 10 | 2 | SUCCEEDED",
            "ToleratedFailurePercentagePath | 20   | 10 | 3 | FAILED",
            "ToleratedFailurePercentagePath | 12.5 | 8  | 1 | SUCCEEDED",
    })
    void thePathFormsReadTheThresholdFromTheInput(String field, String value, int total, int failing, String status) {
        ExecutionResult result = run("\"" + field + "\": \"$.threshold\",", total, failing,
                "\"threshold\": " + value + ", ");
        assertEquals(ExecutionResult.Status.valueOf(status), result.status(), () -> result.error() + ": " + result.cause());
    }

    /** The causes Step Functions gives for these values (recorded from AWS by LocalStack's snapshot tests). */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "ToleratedFailureCountPath      | '\"NoNumber\"' | The ToleratedFailureCountPath field refers to value \"NoNumber\" which is not a valid integer: $.threshold",
            "ToleratedFailureCountPath      | '{}'           | The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: $.threshold",
            "ToleratedFailureCountPath      | -1             | ToleratedFailureCount cannot be negative.",
            "ToleratedFailurePercentagePath | '\"NoNumber\"' | The ToleratedFailurePercentagePath field refers to value \"NoNumber\" which is not a valid float: $.threshold",
            "ToleratedFailurePercentagePath | -1.1           | ToleratedFailurePercentage must be between 0 and 100.",
            "ToleratedFailurePercentagePath | 100.1          | ToleratedFailurePercentage must be between 0 and 100.",
    })
    void aPathValueThatIsNoValidThresholdIsStatesRuntime(String field, String value, String cause) {
        ExecutionResult result = run("\"" + field + "\": \"$.threshold\",", 2, 0, "\"threshold\": " + value + ", ");
        assertEquals("States.Runtime", result.error());
        assertEquals("An error occurred while executing the state 'Each'. " + cause, result.cause());
    }

    @Test
    void catchSeesTheExceededThresholdAsStatesExceedToleratedFailureThreshold() {
        ExecutionResult caught = new Interpreter().task("fn", call -> {
            throw new StatesError("ItemFailed", "on purpose");
        }).run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.v",
                  "ToleratedFailurePercentage": 10,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "fn", "End": true}}},
                  "Catch": [{"ErrorEquals": ["ItemFailed"], "Next": "Wrong"},
                            {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "ResultPath": "$.error",
                             "Next": "Report"}], "End": true},
                  "Wrong": {"Type": "Fail", "Error": "WrongCatcher"},
                  "Report": {"Type": "Pass", "OutputPath": "$.error", "End": true}}}
                """, "{\"v\": [1, 2]}");
        assertTrue(caught.succeeded(), () -> caught.error() + ": " + caught.cause());
        assertEquals(json("""
                {"Error": "States.ExceedToleratedFailureThreshold",
                 "Cause": "The specified tolerated failure threshold was exceeded"}"""), caught.output());
    }

    /**
     * Once the threshold is exceeded no child starts any more (PENDING) and the running ones stop before their
     * next state (ABORTED): item 0 is held in its first state until item 1's failure has been reported.
     */
    @Test
    void afterTheThresholdIsExceededNoChildStartsAndRunningOnesAreAborted() throws Exception {
        CountDownLatch itemZeroStarted = new CountDownLatch(1);
        CountDownLatch failureReported = new CountDownLatch(1);
        ExecutionResult result = new Interpreter().task("fn", call -> {
            if (call.input().asInt() == 1) {
                awaitQuietly(itemZeroStarted);
                throw new StatesError("ItemFailed", "item 1");
            }
            itemZeroStarted.countDown();
            try {
                if (!failureReported.await(10, TimeUnit.SECONDS)) {
                    throw new StatesError("NeverReported", "item 1's failure was not reported");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return call.input();
        }).run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 2,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "First", "States": {
                      "First": {"Type": "Task", "Resource": "fn", "Next": "Second"},
                      "Second": {"Type": "Pass", "End": true}}},
                  "End": true}}}
                """, "[0, 1, 2, 3, 4]", event -> {
                    if (event instanceof ProgressEvent.ChildExecutionEnded ended && ended.index() == 1) {
                        failureReported.countDown();
                    }
                });
        assertEquals("States.ExceedToleratedFailureThreshold", result.error());
        assertEquals("0:ABORTED 1:FAILED", MapStateTest.statuses(result));
        ProgressEvent.MapRunEnded end = result.events(ProgressEvent.MapRunEnded.class).get(0);
        assertEquals(List.of(0, 1, 1, 3), List.of(end.succeeded(), end.failed(), end.aborted(), end.pending()));
        ExecutionResult aborted = result.events(ProgressEvent.ChildExecutionEnded.class).stream()
                .filter(e -> e.index() == 0).findFirst().orElseThrow().child();
        assertEquals(List.of("First"), aborted.statesEntered());
        assertEquals("Second", aborted.events(ProgressEvent.ExecutionAborted.class).get(0).stateName());
        assertTrue(end.describe().contains("FAILED with States.ExceedToleratedFailureThreshold: 0 succeeded, 1 failed, "
                + "1 aborted, 3 not started"), end.describe());
    }

    /** A child waiting to retry a state when its Map Run fails is aborted instead of trying again. */
    @Test
    void aChildWaitingForARetryWhenTheThresholdIsExceededIsAbortedWithoutRetrying() {
        CountDownLatch itemZeroStarted = new CountDownLatch(1);
        CountDownLatch failureReported = new CountDownLatch(1);
        AtomicInteger itemZeroCalls = new AtomicInteger();
        ExecutionResult result = new Interpreter().task("fn", call -> {
            if (call.input().asInt() == 1) {
                awaitQuietly(itemZeroStarted);
                throw new StatesError("ItemFailed", "item 1");
            }
            itemZeroStarted.countDown();
            itemZeroCalls.incrementAndGet();
            try {
                failureReported.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new StatesError("Transient", "try again");
        }).run("""
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 2,
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "fn",
                      "Retry": [{"ErrorEquals": ["Transient"], "MaxAttempts": 3}], "End": true}}},
                  "End": true}}}
                """, "[0, 1]", event -> {
                    if (event instanceof ProgressEvent.ChildExecutionEnded ended && ended.index() == 1) {
                        failureReported.countDown();
                    }
                });
        assertEquals("States.ExceedToleratedFailureThreshold", result.error());
        assertEquals("0:ABORTED 1:FAILED", MapStateTest.statuses(result));
        assertEquals(1, itemZeroCalls.get(), "no retry after the Map Run failed");
    }

    /** Item 1 fails only once item 0 runs, so that item 0 is running (not yet started) when the run fails. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
