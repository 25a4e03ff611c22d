package dev.vpcepilot.errors;

/** The endpoint exists but the prefix-list routes or the DynamoDB data path do not work. Not retryable. */
public final class VerificationFailed extends WorkflowError {

    public VerificationFailed(String message) {
        super(message);
    }

    public VerificationFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
