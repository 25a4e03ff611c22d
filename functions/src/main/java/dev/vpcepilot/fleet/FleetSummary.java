package dev.vpcepilot.fleet;

import java.util.List;

/** The counts of a fleet report, by status; {@code targets} counts its lines. */
public record FleetSummary(int targets, int compliant, int created, int repaired, int drifted, int blocked,
                           int failed, int skipped) {

    public static FleetSummary of(List<ReportLine> lines) {
        int[] counts = new int[ReportLine.Status.values().length];
        for (ReportLine line : lines) {
            counts[ReportLine.Status.valueOf(line.status().toUpperCase()).ordinal()]++;
        }
        return new FleetSummary(lines.size(), counts[ReportLine.Status.COMPLIANT.ordinal()],
                counts[ReportLine.Status.CREATED.ordinal()], counts[ReportLine.Status.REPAIRED.ordinal()],
                counts[ReportLine.Status.DRIFTED.ordinal()], counts[ReportLine.Status.BLOCKED.ordinal()],
                counts[ReportLine.Status.FAILED.ordinal()],
                counts[ReportLine.Status.SKIPPED.ordinal()]);
    }

    public int count(ReportLine.Status status) {
        return switch (status) {
            case COMPLIANT -> compliant;
            case CREATED -> created;
            case REPAIRED -> repaired;
            case DRIFTED -> drifted;
            case BLOCKED -> blocked;
            case FAILED -> failed;
            case SKIPPED -> skipped;
        };
    }

    /** The share of failed lines, in percent (0 for an empty report). */
    public double failedPercentage() {
        return targets == 0 ? 0 : failed * 100.0 / targets;
    }
}
