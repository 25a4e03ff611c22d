package dev.vpcepilot.local.asl;

/**
 * An error in the States Language sense: a name (e.g. {@code States.Runtime} or the class name a Lambda function
 * threw) and a cause. Thrown inside the interpreter; a Task's Retry and Catch see it, and an unhandled one ends
 * the execution as FAILED with this error and cause.
 */
public final class StatesError extends RuntimeException {

    private final String error;
    private final String cause;

    public StatesError(String error, String cause) {
        super(error + (cause == null ? "" : ": " + cause), null, false, false);
        this.error = error;
        this.cause = cause;
    }

    /** {@code States.Runtime}: a failure of the definition's data handling; never retried nor caught. */
    public static StatesError runtime(String cause) {
        return new StatesError(ErrorNames.RUNTIME, cause);
    }

    public String error() {
        return error;
    }

    public String cause() {
        return cause;
    }
}
