package dev.vpcepilot.sharing;

import java.util.function.Supplier;

/** One writer at a time per {@link Scope}, across executions, stacks, schedules and Lambda containers. */
public interface ScopeLock {

    /**
     * Runs {@code work} holding the scope's lock and releases it afterwards, however {@code work} ends.
     *
     * @throws dev.vpcepilot.errors.EndpointBusy when the lock is not granted in time (the state machine retries)
     */
    <T> T holding(Scope scope, Supplier<T> work);
}
