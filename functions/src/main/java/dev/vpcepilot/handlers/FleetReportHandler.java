package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.fleet.FleetMetrics;
import dev.vpcepilot.fleet.FleetMode;
import dev.vpcepilot.fleet.FleetObjects;
import dev.vpcepilot.fleet.FleetReporter;
import dev.vpcepilot.fleet.TargetRequest;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Fleet step 3: the report from the Map's results, its summary and metrics, and whether the failures exceed the
 * tolerance (the state machine then fails as FleetFailureThresholdExceeded, the report written).
 */
public final class FleetReportHandler extends JsonStepHandler<FleetReportHandler.Input, FleetReporter.Outcome> {

    /** @param manifestKey the Map's {@code ResultWriterDetails.Key} */
    public record Input(String manifestKey, String reportKey, TargetRequest request,
                        double toleratedFailurePercentage) {
    }

    private final AwsClients clients;
    private final String bucket;
    private final PrintStream metrics;

    public FleetReportHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public FleetReportHandler(AwsClients clients, FunctionSettings settings) {
        this(clients, settings, System.out);
    }

    /** @param metrics where the Embedded Metric Format document is printed (stdout in Lambda) */
    public FleetReportHandler(AwsClients clients, FunctionSettings settings, PrintStream metrics) {
        super(Input.class);
        this.clients = clients;
        this.bucket = settings.fleetBucket();
        this.metrics = metrics;
    }

    @Override
    protected FleetReporter.Outcome handle(Input input, Context context) {
        FleetReporter.Outcome outcome = new FleetReporter(new FleetObjects(clients.s3(), bucket)).report(
                input.manifestKey(), input.reportKey(), input.request(), input.toleratedFailurePercentage());
        metrics.println(FleetMetrics.document(FleetMode.of(outcome.mode()), outcome.summary(), Instant.now()));
        log(context).info("Fleet report " + outcome.summary() + " at s3://" + bucket + "/" + input.reportKey());
        return outcome;
    }
}
