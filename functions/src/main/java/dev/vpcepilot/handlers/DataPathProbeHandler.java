package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.ProbeResult;
import dev.vpcepilot.datapath.InVpcProbe;
import java.net.URI;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The probe inside the VPC (template's {@code DataPathProbeFunction}, deployed only with {@code ProbeSubnetIds}):
 * DynamoDB answers a request its role allows only through an endpoint of the VPC. Where it runs comes from its
 * environment ({@value FunctionSettings#PROBE_PLACEMENT}: {@code vpc} as the template sets it, {@code local} under
 * {@code ./run-local --probe}, which proves nothing about a network).
 */
public final class DataPathProbeHandler extends JsonStepHandler<DataPathProbeHandler.Input, ProbeResult> {

    /**
     * @param endpointUrl an interface endpoint's URL to list tables through (what its clients name), or null: the
     *                    region's endpoint, which a gateway endpoint's route serves
     */
    public record Input(String vpcId, String endpointUrl) {
    }

    private final AwsClients clients;
    private final InVpcProbe probe;
    private final String where;

    public DataPathProbeHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    public DataPathProbeHandler(AwsClients clients, FunctionSettings settings) {
        super(Input.class);
        this.clients = clients;
        this.probe = new InVpcProbe(clients.dynamoDb());
        this.where = settings.probePlacement();
    }

    @Override
    protected ProbeResult handle(Input input, Context context) {
        int names;
        if (input.endpointUrl() == null || ProbeResult.LOCAL.equals(where)) {
            // (Locally the emulator stands in for the endpoint's URL, which names no host here.)
            names = probe.listTables(input.vpcId());
        } else {
            try (DynamoDbClient through = clients.dynamoDbThrough(URI.create(input.endpointUrl()))) {
                names = new InVpcProbe(through).listTables(input.vpcId());
            }
        }
        log(context).info("Probe (" + where + ") for " + input.vpcId()
                + (input.endpointUrl() == null ? "" : " through " + input.endpointUrl())
                + ": DynamoDB answered ListTables (" + names + " name(s) on the first page)");
        return ProbeResult.answered(where);
    }
}
