package dev.vpcepilot.sharing;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One operation of the soak ({@link ClaimsLedgerSoakTest}) and what it answered.
 *
 * @param actor      who did it (a worker, direct or through the throttling proxy, or the end phase)
 * @param kind       what it was
 * @param tables     VPC -> the route tables it was for (a fleet apply: every route table of each VPC it selected)
 * @param claimant   for a stack's Create and Delete, the stack's claimant id ({@code stack:<stack id>|<logical id>})
 * @param physicalId for a Create, the physical id it answered; for a Delete, the one it was sent
 * @param start      when it was started, in ms since the soak began ({@link SoakHistory#now()})
 * @param end        when its answer was in
 * @param outcome    what it answered
 * @param detail     the error name or the hook's reason when it failed, the exit code when the outcome is unknown
 * @param executions the ARNs of the executions it started, as its output and progress name them
 */
record SoakOperation(String actor, Kind kind, Map<String, List<String>> tables, String claimant, String physicalId,
                     long start, long end, Outcome outcome, String detail, Set<String> executions) {

    enum Kind {
        RUN("run without cleanup"),
        CLEANUP_RUN("run with cleanup"),
        RELEASE("release"),
        CREATE("stack Create"),
        DELETE("stack Delete"),
        FLEET_APPLY("fleet apply");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * What an operation answered: success (exit 0, the hook's SUCCESS), failure (exit 1 with an error document, the
     * hook's FAILED), or unknown (it crashed, outlived its time, or the hook's answer never came): then it may or
     * may not have changed the claims.
     */
    enum Outcome {
        SUCCEEDED, FAILED, UNKNOWN
    }

    SoakOperation {
        tables = Map.copyOf(tables);
        executions = Set.copyOf(executions);
    }

    boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }

    /** The route tables of one VPC it was for (none: not for that VPC). */
    List<String> tablesIn(String vpcId) {
        return tables.getOrDefault(vpcId, List.of());
    }

    /** For a message: who, what, on which route tables, when, and what it answered. */
    String describe() {
        return actor + "'s " + kind + (claimant == null ? "" : " of " + claimant) + " on " + tables + " ["
                + SoakHistory.at(start) + " .. " + SoakHistory.at(end) + "] " + outcome
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
