package dev.vpcepilot.errors;

/** AWS refused a request for a reason retrying cannot fix (permissions, limits, bad parameters). Not retryable. */
public final class AwsRequestFailed extends WorkflowError {

    public AwsRequestFailed(String message) {
        super(message);
    }

    public AwsRequestFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
