package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.model.ResolvedVpc;
import dev.vpcepilot.model.Verification;
import dev.vpcepilot.service.EndpointVerifier;

/** Step 4: the prefix-list routes are in place and DynamoDB answers. */
public final class VerifyEndpointHandler extends JsonStepHandler<VerifyEndpointHandler.Input, Verification> {

    public record Input(String serviceName, EndpointState endpoint, ResolvedVpc vpc) {
    }

    private final EndpointVerifier verifier;

    public VerifyEndpointHandler() {
        this(SharedClients.get());
    }

    public VerifyEndpointHandler(AwsClients clients) {
        this(new EndpointVerifier(clients.ec2(), clients.dynamoDb()));
    }

    VerifyEndpointHandler(EndpointVerifier verifier) {
        super(Input.class);
        this.verifier = verifier;
    }

    @Override
    protected Verification handle(Input input, Context context) {
        Verification result = verifier.verify(input.endpoint(), input.vpc());
        log(context, "Verified " + input.endpoint().vpcEndpointId() + ": prefix list " + result.prefixListId()
                + " routed in " + result.checkedRouteTableIds() + ", ListTables saw " + result.tableCount() + " tables");
        return result;
    }
}
