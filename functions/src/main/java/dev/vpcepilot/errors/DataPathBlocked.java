package dev.vpcepilot.errors;

/**
 * The input required the data path ({@code requireDataPath}) and a subnet on a route table the run serves cannot
 * reach the service through the endpoint (its verdict is not {@code reachable}). Not retryable, and not undone: the
 * endpoint is right and stays claimed; what blocks the path (a route, a network ACL) is not the run's to change
 * (docs/design.md rule 7, its exception).
 */
public final class DataPathBlocked extends WorkflowError {

    public DataPathBlocked(String message) {
        super(message);
    }
}
