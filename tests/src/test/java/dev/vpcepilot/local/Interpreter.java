package dev.vpcepilot.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.InterpreterSettings;
import dev.vpcepilot.local.asl.StateMachineInterpreter;
import dev.vpcepilot.local.asl.TaskInvoker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs inline definitions with scripted tasks, a fixed clock, a sleeper that records instead of sleeping and a
 * jitter draw of 0.5: no real waiting, deterministic delays.
 */
final class Interpreter {

    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final String ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Machine";

    final List<Duration> sleeps = new ArrayList<>();
    final List<TaskInvoker.TaskInvocation> invocations = new ArrayList<>();
    private final Map<String, Function<TaskInvoker.TaskInvocation, JsonNode>> tasks = new LinkedHashMap<>();
    private InterpreterSettings settings = new InterpreterSettings(1.0, 1000, sleeps::add,
            Clock.fixed(NOW, ZoneOffset.UTC), new HalfRandom());

    /** A Task resource and what it does (return a result, or throw). */
    Interpreter task(String resource, Function<TaskInvoker.TaskInvocation, JsonNode> behaviour) {
        tasks.put(resource, behaviour);
        return this;
    }

    Interpreter timeScale(double factor) {
        settings = settings.withTimeScale(factor);
        return this;
    }

    Interpreter maxTransitions(int max) {
        settings = settings.withMaxTransitions(max);
        return this;
    }

    StateMachineInterpreter interpreter(String definition) {
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
        return new StateMachineInterpreter(TestProject.json(definition), ARN, invoker, settings);
    }

    ExecutionResult run(String definition, String input) {
        return interpreter(definition).execute(TestProject.json(input), "test-execution", event -> { });
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
