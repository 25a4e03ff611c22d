package dev.vpcepilot.local.asl;

/** Receives each {@link ProgressEvent} as it happens, on the executing thread. */
@FunctionalInterface
public interface ExecutionListener {

    ExecutionListener NONE = event -> { };

    void onEvent(ProgressEvent event);
}
