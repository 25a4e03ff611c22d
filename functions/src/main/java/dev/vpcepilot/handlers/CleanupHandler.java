package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.model.CleanupResult;
import dev.vpcepilot.service.EndpointCleaner;

import software.amazon.awssdk.services.ec2.Ec2Client;

/** Step 5 (optional): deletes the endpoint if, and only if, this tool owns it. */
public final class CleanupHandler extends JsonStepHandler<CleanupHandler.Input, CleanupResult> {

    public record Input(String vpcEndpointId) {
    }

    private final Ec2Client ec2;

    public CleanupHandler() {
        this(SharedClients.get());
    }

    public CleanupHandler(AwsClients clients) {
        super(Input.class);
        this.ec2 = clients.ec2();
    }

    @Override
    protected CleanupResult handle(Input input, Context context) {
        if (input.vpcEndpointId() == null || !input.vpcEndpointId().startsWith("vpce-")) {
            throw new InvalidInput("Cleanup needs a vpcEndpointId ('vpce-...'), got " + input.vpcEndpointId());
        }
        return new EndpointCleaner(ec2, m -> log(context, m)).deleteIfOwned(input.vpcEndpointId());
    }
}
