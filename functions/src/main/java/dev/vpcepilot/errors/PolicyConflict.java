package dev.vpcepilot.errors;

/** The requested policy differs from the policy of an endpoint that serves the requested route tables, and the requester does not hold that endpoint: only its holder (the claimant it was created for) may change it. Nothing was changed. */
public final class PolicyConflict extends WorkflowError {

    public PolicyConflict(String message) {
        super(message);
    }
}
