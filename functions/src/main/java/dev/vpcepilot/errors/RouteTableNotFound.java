package dev.vpcepilot.errors;

/** A requested route table does not exist or does not belong to the VPC. Not retryable. */
public final class RouteTableNotFound extends WorkflowError {

    public RouteTableNotFound(String message) {
        super(message);
    }

    public RouteTableNotFound(String message, Throwable cause) {
        super(message, cause);
    }
}
