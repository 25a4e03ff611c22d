package dev.vpcepilot.errors;

/** The region does not offer the requested endpoint service as a Gateway endpoint. Not retryable. */
public final class ServiceNotAvailable extends WorkflowError {

    public ServiceNotAvailable(String message) {
        super(message);
    }

    public ServiceNotAvailable(String message, Throwable cause) {
        super(message, cause);
    }
}
