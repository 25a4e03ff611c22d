package dev.vpcepilot.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.service.FailureDescriber;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fleet report, from what the Distributed Map wrote (its {@code ResultWriter} manifest and result files): one
 * line per VPC of each child that succeeded, one failed line with {@code vpcId} null for each child that failed
 * (its target could not be reached) or never started, and, for a selection by ids, a failed line for each id that
 * no target had. Written as JSON Lines next to the Map's results; the summary counts its lines.
 */
public final class FleetReporter {

    /** What the execution returns, and whether it fails. */
    public record Outcome(String mode, FleetSummary summary, ReportLocation report, boolean exceeded, String cause) {
    }

    public record ReportLocation(String bucket, String key) {
    }

    private static final Comparator<ReportLine> ORDER = Comparator
            .comparing((ReportLine l) -> Objects.requireNonNullElse(l.account(), "~"))
            .thenComparing(l -> Objects.requireNonNullElse(l.region(), "~"))
            .thenComparing(l -> Objects.requireNonNullElse(l.vpcId(), ""));

    private final FleetObjects objects;

    public FleetReporter(FleetObjects objects) {
        this.objects = objects;
    }

    /**
     * @param manifestKey the Map's {@code ResultWriterDetails.Key}
     * @param reportKey   where the report goes
     */
    public Outcome report(String manifestKey, String reportKey, TargetRequest request, double tolerated) {
        List<ReportLine> lines = lines(objects.getJson(manifestKey));
        if (request.selection() instanceof VpcSelection.Ids ids) {
            // the line of a target that failed as a whole names no VPC
            Set<String> seen = new TreeSet<>();
            lines.stream().map(ReportLine::vpcId).filter(Objects::nonNull).forEach(seen::add);
            boolean someUnreachable = lines.stream().anyMatch(l -> l.vpcId() == null);
            for (String id : ids.ids()) {
                if (!seen.contains(id)) {
                    lines.add(new ReportLine(null, null, id, ReportLine.Status.FAILED.wireName(), List.of(),
                            ReportLine.RouteTables.NONE, ReportLine.Subnets.NONE, List.of(), new FleetError("VpcNotFound", id + " is in none "
                            + "of the " + (someUnreachable ? "reachable " : "") + "targets (accounts x regions) of "
                            + "this run.")));
                }
            }
        }
        lines.sort(ORDER);
        objects.put(reportKey, jsonLines(lines), "application/x-ndjson");
        FleetSummary summary = FleetSummary.of(lines);
        boolean exceeded = summary.failedPercentage() > tolerated;
        String cause = exceeded ? summary.failed() + " of " + summary.targets() + " report lines failed ("
                + String.format(java.util.Locale.ROOT, "%.1f", summary.failedPercentage()) + "%), more than the "
                + "tolerated " + tolerated + "%. The report is at s3://" + objects.bucket() + "/" + reportKey + "."
                : null;
        return new Outcome(request.mode(), summary, new ReportLocation(objects.bucket(), reportKey), exceeded, cause);
    }

    private List<ReportLine> lines(JsonNode manifest) {
        List<ReportLine> lines = new ArrayList<>();
        JsonNode files = manifest.path("ResultFiles");
        for (String status : List.of("SUCCEEDED", "FAILED", "PENDING")) {
            for (JsonNode file : files.path(status)) {
                for (JsonNode record : objects.getJson(file.get("Key").asText())) {
                    lines.addAll(status.equals("SUCCEEDED") ? succeeded(record) : unfinished(record, status));
                }
            }
        }
        return lines;
    }

    private static List<ReportLine> succeeded(JsonNode record) {
        JsonNode output = parse(record.path("Output").asText("{}"));
        List<ReportLine> lines = new ArrayList<>();
        for (JsonNode line : output.path("lines")) {
            lines.add(Json.MAPPER.convertValue(line, ReportLine.class));
        }
        return lines;
    }

    private static List<ReportLine> unfinished(JsonNode record, String status) {
        JsonNode target = parse(record.path("Input").asText("{}")).path("target");
        String account = target.path("account").isTextual() ? target.get("account").asText() : null;
        String region = target.path("region").isTextual() ? target.get("region").asText() : null;
        FleetError error;
        if (status.equals("PENDING")) {
            error = new FleetError("NotStarted", "The fleet's Map ended before this target's child execution "
                    + "started.");
        } else {
            FailureDescriber.Described described = FailureDescriber.describe(record.path("Error").asText(null),
                    record.path("Cause").asText(null));
            error = new FleetError(described.error(), described.cause());
        }
        return List.of(ReportLine.unreachable(account, region, error));
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("A Map result record is not JSON", e);
        }
    }

    static byte[] jsonLines(List<ReportLine> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (ReportLine line : lines) {
                out.write(Json.MAPPER.writeValueAsBytes(line));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
