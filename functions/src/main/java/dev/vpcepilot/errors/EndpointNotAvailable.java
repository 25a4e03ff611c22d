package dev.vpcepilot.errors;

/** The endpoint did not reach the available state within the wait bound, or failed. Not retryable. */
public final class EndpointNotAvailable extends WorkflowError {

    public EndpointNotAvailable(String message) {
        super(message);
    }

    public EndpointNotAvailable(String message, Throwable cause) {
        super(message, cause);
    }
}
