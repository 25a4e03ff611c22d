package dev.vpcepilot.errors;

/** The execution was cancelled (its custom resource answered FAILED after its time bound and rolled back what the execution had done): it changes nothing more. */
public final class ExecutionCancelled extends WorkflowError {

    public ExecutionCancelled(String message) {
        super(message);
    }
}
