package dev.vpcepilot.errors;

/** No VPC id was given and the region has no default VPC. Not retryable. */
public final class NoDefaultVpc extends WorkflowError {

    public NoDefaultVpc(String message) {
        super(message);
    }

    public NoDefaultVpc(String message, Throwable cause) {
        super(message, cause);
    }
}
