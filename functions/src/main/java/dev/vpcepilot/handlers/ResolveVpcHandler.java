package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.ResolvedVpc;
import dev.vpcepilot.service.VpcResolver;
import java.util.List;

/** Step 2: the given or default VPC and the route tables to serve. */
public final class ResolveVpcHandler extends JsonStepHandler<ResolveVpcHandler.Input, ResolvedVpc> {

    public record Input(String vpcId, List<String> routeTableIds) {
    }

    private final VpcResolver resolver;

    public ResolveVpcHandler() {
        this(SharedClients.get());
    }

    public ResolveVpcHandler(AwsClients clients, FunctionSettings settings) {
        this(clients);
    }

    public ResolveVpcHandler(AwsClients clients) {
        this(new VpcResolver(clients.ec2()));
    }

    ResolveVpcHandler(VpcResolver resolver) {
        super(Input.class);
        this.resolver = resolver;
    }

    @Override
    protected ResolvedVpc handle(Input input, Context context) {
        ResolvedVpc vpc = resolver.resolve(input.vpcId(), input.routeTableIds());
        log(context).info("VPC " + vpc.vpcId() + (vpc.isDefault() ? " (default)" : "") + ", route tables "
                + vpc.routeTableIds());
        return vpc;
    }
}
