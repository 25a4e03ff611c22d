package dev.vpcepilot.errors;

/** The execution input (or custom-resource properties) broke the input contract. Not retryable. */
public final class InvalidInput extends WorkflowError {

    public InvalidInput(String message) {
        super(message);
    }

    public InvalidInput(String message, Throwable cause) {
        super(message, cause);
    }
}
