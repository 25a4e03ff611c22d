package dev.vpcepilot.errors;

/**
 * Base of every failure a step reports on purpose.
 *
 * <p>The Lambda Java runtime reports a thrown exception to Step Functions with the exception's class name as
 * the error name, so each subclass is named exactly after the stable error name of the contract
 * (docs/design.md section 2) and lives in this package: the state machine matches
 * {@code dev.vpcepilot.errors.<Name>} in Retry/Catch, and the failure step reports the short {@code <Name>}.
 *
 * <p>These are expected outcomes, not bugs, so no stack trace is captured: the message is the whole story
 * and is what a person reads.
 */
public abstract class WorkflowError extends RuntimeException {

    /** The package every error name is reported under by the Lambda runtime. */
    public static final String ERROR_PACKAGE = WorkflowError.class.getPackageName();

    protected WorkflowError(String message) {
        super(message, null, false, false);
    }

    protected WorkflowError(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The stable, short error name (e.g. {@code InvalidInput}). */
    public final String errorName() {
        return getClass().getSimpleName();
    }
}
