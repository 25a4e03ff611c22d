package dev.vpcepilot.errors;

/** The requested VPC does not exist in this account and region. Not retryable. */
public final class VpcNotFound extends WorkflowError {

    public VpcNotFound(String message) {
        super(message);
    }

    public VpcNotFound(String message, Throwable cause) {
        super(message, cause);
    }
}
