package dev.vpcepilot.local.cli;

import dev.vpcepilot.fleet.FleetKeys;
import dev.vpcepilot.local.LocalWorkflow;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ./run-local --fleet --report FILE}: the report the fleet execution wrote to the emulator's S3 (also when
 * the execution failed past its tolerance), copied to a local file.
 */
final class FleetReportFile {

    /** The template's bucket of the fleet's reports. */
    static final String BUCKET = "FleetReportBucket";

    private FleetReportFile() {
    }

    static void copy(LocalWorkflow workflow, String executionName, Path file, PrintStream progress) {
        String bucket = workflow.bucketName(BUCKET);
        String key = FleetKeys.report(executionName);
        Optional<byte[]> report = workflow.object(bucket, key);
        if (report.isEmpty()) {
            progress.println(RunLocal.PREFIX + "no report was written (s3://" + bucket + "/" + key + "); " + file
                    + " is left as it was");
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, report.get());
            progress.println(RunLocal.PREFIX + "report s3://" + bucket + "/" + key + " copied to " + file);
        } catch (IOException e) {
            progress.println(RunLocal.PREFIX + "cannot write the report to " + file + ": " + e.getMessage());
        }
    }
}
