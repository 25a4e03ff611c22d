package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs what a Task state's {@code Resource} names. An error is reported by throwing {@link StatesError} (its
 * name is what Retry and Catch match); any other exception is an error named after its class.
 */
public interface TaskInvoker {

    /** Whether this invoker can run {@code resource}; the definition is refused before running otherwise. */
    boolean canInvoke(String resource);

    JsonNode invoke(TaskInvocation invocation);

    /**
     * One invocation.
     *
     * @param retryCount how many times this state was retried before this attempt
     */
    record TaskInvocation(String resource, JsonNode input, String stateName, String executionArn, int retryCount) {
    }
}
