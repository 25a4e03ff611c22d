package dev.vpcepilot.errors;

/**
 * A fleet target (an account and region) cannot be worked on: its role cannot be assumed (not deployed, the trust
 * or the external id does not match, an SCP denies it), or the region is not enabled in that account. The fleet
 * reports the target as failed and goes on with the others; nothing was read or changed there.
 */
public final class TargetUnreachable extends WorkflowError {

    public TargetUnreachable(String message) {
        super(message);
    }

    public TargetUnreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
