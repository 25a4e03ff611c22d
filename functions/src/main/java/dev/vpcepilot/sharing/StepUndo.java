package dev.vpcepilot.sharing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rule 7 inside one locked step ("a failed run undoes exactly what it did"): the EC2 writes the step has made so far,
 * put back in reverse order when a later write fails (refused, throttled past its retries, or busy). A failed step
 * records no claims (LeaseLedger), and the state machine's retry of the step decides again from what EC2 shows: without
 * this, the retry would find the first writes done, take them for the endpoint's own state, and the run's rollback
 * would not know to undo them (a policy changed, then tagging throttled, stayed changed). The rules are numbered in
 * docs/design.md section 3.
 */
final class StepUndo {

    private final EndpointWriter writer;
    private final Consumer<String> log;
    private final Deque<Runnable> undo = new ArrayDeque<>();

    StepUndo(EndpointWriter writer, Consumer<String> log) {
        this.writer = writer;
        this.log = log;
    }

    void policyChanged(String vpcEndpointId, String previous) {
        undo.push(() -> writer.restorePolicy(vpcEndpointId, previous));
    }

    void retagged(String vpcEndpointId, SharingRules.TagChange change, Map<String, String> previous) {
        SharingRules.TagChange back = change.undoTo(previous);
        undo.push(() -> writer.retag(vpcEndpointId, back.set(), back.remove()));
    }

    void routeTablesAdded(String vpcEndpointId, List<String> routeTableIds) {
        undo.push(() -> writer.removeRouteTables(vpcEndpointId, routeTableIds));
    }

    /** Puts back what was written, newest first; what cannot be put back is added to the failure and logged. */
    void undoAfter(RuntimeException failure) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
                log.accept("Could not undo a write of the failed step: " + e.getMessage());
            }
        }
    }
}
