package dev.vpcepilot.errors;

/** The endpoints of the VPC are being changed by another writer (the lock is held), or a route table still routes to an endpoint that is being deleted. The state machine retries this one with backoff. */
public final class EndpointBusy extends WorkflowError {

    public EndpointBusy(String message) {
        super(message);
    }
}
