package dev.vpcepilot.errors;

/** AWS throttled or failed a request and the SDK's own retries ran out. The state machine retries this one with backoff. */
public final class TransientAwsError extends WorkflowError {

    public TransientAwsError(String message) {
        super(message);
    }

    public TransientAwsError(String message, Throwable cause) {
        super(message, cause);
    }
}
