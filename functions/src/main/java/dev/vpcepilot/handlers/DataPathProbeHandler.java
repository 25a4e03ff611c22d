package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.ProbeResult;
import dev.vpcepilot.datapath.InVpcProbe;

/**
 * The probe inside the VPC (template's {@code DataPathProbeFunction}, deployed only with {@code ProbeSubnetIds}):
 * DynamoDB answers a request its role allows only through an endpoint of the VPC. Where it runs comes from its
 * environment ({@value FunctionSettings#PROBE_PLACEMENT}: {@code vpc} as the template sets it, {@code local} under
 * {@code ./run-local --probe}, which proves nothing about a network).
 */
public final class DataPathProbeHandler extends JsonStepHandler<DataPathProbeHandler.Input, ProbeResult> {

    public record Input(String vpcId) {
    }

    private final InVpcProbe probe;
    private final String where;

    public DataPathProbeHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public DataPathProbeHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.probe = new InVpcProbe(clients.dynamoDb());
        this.where = settings.probePlacement();
    }

    @Override
    protected ProbeResult handle(Input input, Context context) {
        int names = probe.listTables(input.vpcId());
        log(context).info("Probe (" + where + ") for " + input.vpcId() + ": DynamoDB answered ListTables ("
                + names + " name(s) on the first page)");
        return ProbeResult.answered(where);
    }
}
