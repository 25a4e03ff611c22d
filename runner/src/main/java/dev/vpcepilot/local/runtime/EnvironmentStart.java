package dev.vpcepilot.local.runtime;

import java.time.Duration;

/**
 * How an execution environment started (its cold start): from starting its JVM to the runtime's first request for
 * an event, and for a SnapStart function the part before the runtime asked for its restore (the JVM, the handler's
 * class and constructor, and the {@code beforeCheckpoint} hooks that prime it).
 *
 * @param initializationType {@code snap-start} or {@code on-demand}
 * @param beforeCheckpoint   to the restore request (SnapStart), or null
 * @param initialised        to the first request for an event
 */
public record EnvironmentStart(String functionName, String initializationType, Duration beforeCheckpoint,
                               Duration initialised) {
}
