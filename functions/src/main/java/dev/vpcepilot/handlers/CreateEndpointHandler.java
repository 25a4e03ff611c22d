package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.service.EndpointManager;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.ec2.Ec2Client;

/** Step 3: reuse or create the endpoint, then converge duplicates. */
public final class CreateEndpointHandler extends JsonStepHandler<CreateEndpointHandler.Input, EndpointState> {

    public record Input(String serviceName, String vpcId, List<String> routeTableIds, String policyDocument,
                        Map<String, String> tags, String executionId) {
    }

    private final Ec2Client ec2;

    public CreateEndpointHandler() {
        this(SharedClients.get());
    }

    public CreateEndpointHandler(AwsClients clients) {
        super(Input.class);
        this.ec2 = clients.ec2();
    }

    @Override
    protected EndpointState handle(Input input, Context context) {
        EndpointManager manager = new EndpointManager(ec2, Clock.systemUTC(), m -> log(context, m));
        return manager.ensure(new EndpointManager.Request(input.serviceName(), input.vpcId(), input.routeTableIds(),
                input.policyDocument(), input.tags() == null ? Map.of() : input.tags(), input.executionId()));
    }
}
