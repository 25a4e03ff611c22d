package dev.vpcepilot.sharing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The soak's clock (monotonic, in ms since the soak began), every operation it made, in the order their answers
 * came in, and the stacks whose Delete was sent (answered or not). Workers add to it at once.
 */
final class SoakHistory {

    private final long origin = System.nanoTime();
    private final Instant wallOrigin = Instant.now();
    private final List<SoakOperation> operations = new ArrayList<>();
    private final Set<String> deleting = new HashSet<>();

    /** Milliseconds since the soak began. */
    long now() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    /** A time of the soak for a message: {@code +12.345 s}. */
    static String at(long millis) {
        return String.format(Locale.ROOT, "+%.3f s", millis / 1000.0);
    }

    /** A stack's Delete is about to be sent: from now on its claim may go. */
    synchronized void deleting(String stackClaimant) {
        deleting.add(stackClaimant);
    }

    /** The stacks (claimant ids) whose Delete was sent. */
    synchronized Set<String> deletesSent() {
        return Set.copyOf(deleting);
    }

    /** A wall-clock time the product wrote (a claim's {@code updated}) as a time of the soak. */
    String at(Instant instant) {
        try {
            return at(Duration.between(wallOrigin, instant).toMillis()) + " (" + instant + ")";
        } catch (RuntimeException e) {
            return String.valueOf(instant);
        }
    }

    synchronized void add(SoakOperation operation) {
        operations.add(operation);
    }

    synchronized List<SoakOperation> operations() {
        return List.copyOf(operations);
    }
}
