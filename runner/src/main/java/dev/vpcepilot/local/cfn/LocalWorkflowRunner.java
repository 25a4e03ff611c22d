package dev.vpcepilot.local.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.hook.WorkflowRunner;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.ExecutionResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hook's {@link WorkflowRunner} for local runs: executes the state machine in-process through
 * {@link LocalWorkflow}, with Step Functions' naming rule: a second run of an execution name attaches to the
 * first execution instead of starting another (as {@code ExecutionAlreadyExists} does on AWS); {@link #stop} ends
 * an execution as aborted, and a run of it then reports it as Step Functions reports an execution stopped without an
 * error (error {@code ABORTED}, the stop's cause).
 */
public final class LocalWorkflowRunner implements WorkflowRunner, AutoCloseable {

    private final LocalWorkflow workflow;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Future<ExecutionResult>> executions = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> inputs = new ConcurrentHashMap<>();
    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private final Map<String, String> stopped = new ConcurrentHashMap<>();

    public LocalWorkflowRunner(LocalWorkflow workflow) {
        this.workflow = workflow;
    }

    @Override
    public String stateMachineArn() {
        return workflow.stateMachineArn();
    }

    /** The ARN the interpreter gives an execution of that name ({@code $$.Execution.Id}). */
    private String executionArn(String executionName) {
        return workflow.executionArn(executionName);
    }

    @Override
    public Outcome run(String executionName, JsonNode input, Duration timeout) {
        Future<ExecutionResult> execution = executions.computeIfAbsent(executionName, name -> {
            inputs.put(name, input.deepCopy());
            return executor.submit(() -> {
                running.put(name, Thread.currentThread());
                try {
                    return workflow.run(input, name, () -> stopped.containsKey(name));
                } finally {
                    running.remove(name);
                }
            });
        });
        String arn = executionArn(executionName);
        try {
            ExecutionResult result = execution.get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
            if (stopped.containsKey(executionName)) {
                // as Step Functions reports an execution stopped without an error: status ABORTED, the cause given
                return Outcome.failed(arn, "ABORTED", stopped.get(executionName));
            }
            if (result.succeeded()) {
                return Outcome.succeeded(arn, result.output());
            }
            return Outcome.failed(arn, result.error(), result.cause());
        } catch (TimeoutException e) {
            return Outcome.timedOut(arn, timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Outcome.failed(arn, "States.Runtime", cause.getClass().getName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(arn, "States.Runtime", "interrupted while waiting for the execution");
        }
    }

    /**
     * Marks the execution stopped and interrupts its thread: the interpreter ends it as aborted at its next state
     * boundary, without Retry or Catch. An execution that already ended, or was never started, is left as it is.
     */
    @Override
    public void stop(String executionArn, String cause) {
        String name = executionArn.substring(executionArn.lastIndexOf(':') + 1);
        if (!executionArn.equals(executionArn(name))) {
            return;
        }
        Thread thread = running.get(name);
        if (thread != null) {
            stopped.put(name, cause == null ? "" : cause);
            thread.interrupt();
        }
    }

    @Override
    public Optional<Execution> find(String executionName) {
        return Optional.ofNullable(inputs.get(executionName))
                .map(input -> new Execution(executionArn(executionName), input.deepCopy()));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
