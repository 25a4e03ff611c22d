package dev.vpcepilot.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.ExecutionListener;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.InterpreterSettings;
import dev.vpcepilot.local.asl.ObjectStore;
import dev.vpcepilot.local.asl.StateMachineInterpreter;
import dev.vpcepilot.local.asl.TaskInvoker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs inline definitions with scripted tasks, a fixed clock, a sleeper that records instead of sleeping and a
 * jitter draw of 0.5: no real waiting, deterministic delays. Tasks may be called from several threads at once (a
 * Map's iterations), so what they record is kept in synchronized lists.
 */
public final class Interpreter {

    public static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final String ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Machine";

    public final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
    public final List<TaskInvoker.TaskInvocation> invocations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Function<TaskInvoker.TaskInvocation, JsonNode>> tasks = new LinkedHashMap<>();
    private ObjectStore objects = ObjectStore.NONE;
    private InterpreterSettings settings = new InterpreterSettings(1.0, 1000, sleeps::add,
            Clock.fixed(NOW, ZoneOffset.UTC), new HalfRandom());

    /** A Task resource and what it does (return a result, or throw). */
    public Interpreter task(String resource, Function<TaskInvoker.TaskInvocation, JsonNode> behaviour) {
        tasks.put(resource, behaviour);
        return this;
    }

    public Interpreter timeScale(double factor) {
        settings = settings.withTimeScale(factor);
        return this;
    }

    public Interpreter maxTransitions(int max) {
        settings = settings.withMaxTransitions(max);
        return this;
    }

    public Interpreter maxChildren(int max) {
        settings = settings.withMaxChildren(max);
        return this;
    }

    /** Where Distributed Maps read items and write results (default: none). */
    public Interpreter objects(ObjectStore store) {
        objects = store;
        return this;
    }

    public StateMachineInterpreter interpreter(String definition) {
        TaskInvoker invoker = new TaskInvoker() {
            @Override
            public boolean canInvoke(String resource) {
                return tasks.containsKey(resource);
            }

            @Override
            public JsonNode invoke(TaskInvocation invocation) {
                invocations.add(invocation);
                return tasks.get(invocation.resource()).apply(invocation);
            }
        };
        return new StateMachineInterpreter(TestProject.json(definition), ARN, invoker, objects, settings);
    }

    public ExecutionResult run(String definition, String input) {
        return run(definition, input, event -> { });
    }

    /** One execution whose events also go to {@code listener} as they happen. */
    public ExecutionResult run(String definition, String input, ExecutionListener listener) {
        return interpreter(definition).execute(TestProject.json(input), "test-execution", listener);
    }

    /** nextDouble() is always 0.5, so FULL jitter halves every delay. */
    private static final class HalfRandom implements RandomGenerator {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE / 2;
        }

        @Override
        public double nextDouble() {
            return 0.5;
        }
    }
}
