package dev.vpcepilot.local.asl;

/**
 * Receives each {@link ProgressEvent} as it happens, one at a time: on the executing thread, or on the thread of
 * a Map's iteration or child execution (the execution passes its events on one after another).
 */
@FunctionalInterface
public interface ExecutionListener {

    ExecutionListener NONE = event -> { };

    void onEvent(ProgressEvent event);
}
