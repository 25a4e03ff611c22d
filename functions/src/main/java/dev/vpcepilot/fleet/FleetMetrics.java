package dev.vpcepilot.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The fleet's CloudWatch metrics, one per status per run, as one CloudWatch Embedded Metric Format document
 * (namespace {@value #NAMESPACE}, dimension {@code Mode}; metric names {@code Compliant}, {@code Created}, ...): an
 * alarm on {@code Drifted} or {@code Failed} fires on a scheduled verify. The document must reach the log as a
 * top-level JSON line (printed to stdout, not through the Lambda logger, whose JSON format would wrap it).
 */
public final class FleetMetrics {

    public static final String NAMESPACE = "vpce-pilot/fleet";

    private FleetMetrics() {
    }

    public static ObjectNode document(FleetMode mode, FleetSummary summary, Instant at) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode document = json.objectNode();
        ObjectNode aws = document.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Mode");
        ArrayNode metrics = directive.putArray("Metrics");
        document.put("Mode", mode.wireName());
        for (ReportLine.Status status : ReportLine.Status.values()) {
            String name = metricName(status);
            metrics.addObject().put("Name", name).put("Unit", "Count");
            document.put(name, summary.count(status));
        }
        metrics.addObject().put("Name", "Targets").put("Unit", "Count");
        document.put("Targets", summary.targets());
        return document;
    }

    public static String metricName(ReportLine.Status status) {
        String wire = status.wireName();
        return Character.toUpperCase(wire.charAt(0)) + wire.substring(1);
    }
}
