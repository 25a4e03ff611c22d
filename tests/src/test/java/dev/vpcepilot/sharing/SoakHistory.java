package dev.vpcepilot.sharing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The soak's clock (monotonic, in ms since the soak began) and every operation it made, in the order their answers
 * came in. Workers add to it at once.
 */
final class SoakHistory {

    private final long origin = System.nanoTime();
    private final List<SoakOperation> operations = new ArrayList<>();

    /** Milliseconds since the soak began. */
    long now() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    /** A time of the soak for a message: {@code +12.345 s}. */
    static String at(long millis) {
        return String.format(Locale.ROOT, "+%.3f s", millis / 1000.0);
    }

    synchronized void add(SoakOperation operation) {
        operations.add(operation);
    }

    synchronized List<SoakOperation> operations() {
        return List.copyOf(operations);
    }

    /** The operation that started this execution (a run, a fleet apply and its children, a hook's workflow). */
    synchronized Optional<SoakOperation> ofExecution(String executionArn) {
        return operations.stream().filter(o -> o.executions().contains(executionArn)).findFirst();
    }
}
