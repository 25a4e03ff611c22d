package dev.vpcepilot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary counts every status, blocked included, and the EMF document has one metric per status. */
class FleetMetricsTest {

    private static ReportLine line(String vpcId, ReportLine.Status status) {
        return new ReportLine("111111111111", "us-east-1", vpcId, status.wireName(), List.of(), null, null, List.of(),
                null);
    }

    @Test
    void blockedLinesAreCountedAndEmittedAsTheirOwnMetric() {
        FleetSummary summary = FleetSummary.of(List.of(line("vpc-1", ReportLine.Status.BLOCKED),
                line("vpc-2", ReportLine.Status.BLOCKED), line("vpc-3", ReportLine.Status.COMPLIANT),
                line("vpc-4", ReportLine.Status.DRIFTED)));

        assertEquals(List.of(4, 2, 1, 1, 0), List.of(summary.targets(), summary.blocked(), summary.compliant(),
                summary.drifted(), summary.failed()));
        ObjectNode document = FleetMetrics.document(FleetMode.VERIFY, summary, Instant.EPOCH);
        assertEquals(2, document.path("Blocked").asInt(), document.toString());
        List<String> names = new ArrayList<>();
        for (JsonNode metric : document.at("/_aws/CloudWatchMetrics/0/Metrics")) {
            names.add(metric.path("Name").asText());
        }
        assertEquals(List.of("Compliant", "Created", "Repaired", "Drifted", "Blocked", "Failed", "Skipped",
                "Targets"), names);
    }
}
