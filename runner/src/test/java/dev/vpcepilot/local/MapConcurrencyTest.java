package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.asl.TaskInvoker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * MaxConcurrency with real threads, measured with a barrier, not with timings: each task waits until
 * {@code expected} tasks are in flight together (so fewer at once never gets past it) while a counter records the
 * most that ever ran at once (so more at once is seen).
 */
class MapConcurrencyTest {

    /** Tasks that meet in groups of {@code parties} and record how many ran at once at most. */
    private static final class Rendezvous implements Function<TaskInvoker.TaskInvocation, JsonNode> {
        private final CyclicBarrier barrier;
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicInteger most = new AtomicInteger();
        final List<Integer> started = Collections.synchronizedList(new ArrayList<>());

        Rendezvous(int parties) {
            this.barrier = new CyclicBarrier(parties);
        }

        @Override
        public JsonNode apply(TaskInvoker.TaskInvocation call) {
            started.add(call.input().asInt());
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                barrier.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new StatesError("NotTogether", "fewer tasks than expected ran at once: " + e);
            } finally {
                running.decrementAndGet();
            }
            return call.input();
        }
    }

    private static String map(String concurrency, String mode) {
        return """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", %s
                  "ItemProcessor": {"ProcessorConfig": %s, "StartAt": "T", "States": {
                    "T": {"Type": "Task", "Resource": "fn", "End": true}}}, "End": true}}}
                """.formatted(concurrency, mode);
    }

    private static final String DISTRIBUTED = "{\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}";

    private static String items(int count) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(String.valueOf(i));
        }
        return "[" + String.join(", ", items) + "]";
    }

    @Test
    void atMostMaxConcurrencyChildrenRunAndReallyThatManyAtOnce() {
        Rendezvous tasks = new Rendezvous(3);
        ExecutionResult result = new Interpreter().task("fn", tasks)
                .run(map("\"MaxConcurrency\": 3,", DISTRIBUTED), items(9));
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(json(items(9)), result.output(), "results in item order");
        assertEquals(3, tasks.most.get());
        assertEquals(3, result.events(ProgressEvent.MapRunStarted.class).get(0).concurrency());
    }

    @Test
    void maxConcurrencyOneRunsTheItemsOneAfterAnotherInOrder() {
        Rendezvous tasks = new Rendezvous(1);
        ExecutionResult result = new Interpreter().task("fn", tasks)
                .run(map("\"MaxConcurrency\": 1,", DISTRIBUTED), items(6));
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(1, tasks.most.get());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), tasks.started);
    }

    @Test
    void maxConcurrencyPathReadsTheEffectiveInput() {
        Rendezvous tasks = new Rendezvous(2);
        ExecutionResult result = new Interpreter().task("fn", tasks).run(
                map("\"InputPath\": \"$.run\", \"ItemsPath\": \"$.items\", \"MaxConcurrencyPath\": \"$.width\",",
                        DISTRIBUTED), "{\"run\": {\"width\": 2, \"items\": " + items(6) + "}}");
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(2, tasks.most.get());
    }

    @Test
    void aMaxConcurrencyPathThatIsNotANonNegativeIntegerIsStatesRuntime() {
        String definition = map("\"ItemsPath\": \"$.items\", \"MaxConcurrencyPath\": \"$.width\",", DISTRIBUTED);
        ExecutionResult text = new Interpreter().task("fn", call -> call.input())
                .run(definition, "{\"width\": \"NoNumber\", \"items\": [1]}");
        assertEquals("States.Runtime", text.error());
        assertEquals("An error occurred while executing the state 'Each'. The MaxConcurrencyPath field refers to "
                + "value \"NoNumber\" which is not a valid integer: $.width", text.cause());
        ExecutionResult negative = new Interpreter().task("fn", call -> call.input())
                .run(definition, "{\"width\": -1, \"items\": [1]}");
        assertEquals("States.Runtime", negative.error());
        assertTrue(negative.cause().endsWith("MaxConcurrency cannot be negative."), negative.cause());
    }

    /** MaxConcurrency 0 is "no limit" on AWS (10,000 children at once); locally every item, up to the bound. */
    @Test
    void maxConcurrencyZeroRunsEveryItemAtOnceUpToTheLocalBound() {
        Rendezvous all = new Rendezvous(7);
        ExecutionResult unbounded = new Interpreter().task("fn", all).run(map("\"MaxConcurrency\": 0,", DISTRIBUTED),
                items(7));
        assertTrue(unbounded.succeeded(), () -> unbounded.error() + ": " + unbounded.cause());
        assertEquals(7, all.most.get());

        Rendezvous bounded = new Rendezvous(4);
        ExecutionResult local = new Interpreter().maxChildren(4).task("fn", bounded).run(map("", DISTRIBUTED),
                items(12));
        assertTrue(local.succeeded(), () -> local.error() + ": " + local.cause());
        assertEquals(4, bounded.most.get());
        assertEquals(4, local.events(ProgressEvent.MapRunStarted.class).get(0).concurrency());
    }

    /** Inline mode runs at most 40 iterations at once, Step Functions' bound, even when MaxConcurrency is 0. */
    @Test
    void inlineIterationsRunConcurrentlyUpToFortyAtOnce() {
        Rendezvous tasks = new Rendezvous(40);
        ExecutionResult result = new Interpreter().task("fn", tasks)
                .run(map("\"MaxConcurrency\": 0,", "{\"Mode\": \"INLINE\"}"), items(80));
        assertTrue(result.succeeded(), () -> result.error() + ": " + result.cause());
        assertEquals(40, tasks.most.get());

        Rendezvous three = new Rendezvous(3);
        ExecutionResult limited = new Interpreter().task("fn", three)
                .run(map("\"MaxConcurrency\": 3,", "{\"Mode\": \"INLINE\"}"), items(6));
        assertTrue(limited.succeeded(), () -> limited.error() + ": " + limited.cause());
        assertEquals(3, three.most.get());
    }
}
