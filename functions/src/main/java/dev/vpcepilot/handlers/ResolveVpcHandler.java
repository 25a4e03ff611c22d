package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.contract.InterfacePlacement;
import dev.vpcepilot.contract.ResolvedVpc;
import dev.vpcepilot.service.InterfacePlacer;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.service.VpcResolver;
import java.util.List;

/**
 * Step 2: the given or default VPC and the route tables to serve; for an interface endpoint also the subnets
 * ({@link InterfacePlacer}).
 */
public final class ResolveVpcHandler extends JsonStepHandler<ResolveVpcHandler.Input, ResolvedVpc> {

    /**
     * @param endpointType  {@code Interface} for an interface endpoint; null or {@code Gateway} otherwise
     * @param serviceName   the service (Interface: its endpoints already in the VPC are reused)
     * @param subnetIds     Interface: the requested subnets, or null
     * @param serviceZones  Interface: the zones the service is offered in
     */
    public record Input(String vpcId, List<String> routeTableIds, String endpointType, String serviceName,
                        List<String> subnetIds, List<String> serviceZones) {
    }

    private final VpcResolver resolver;
    private final InterfacePlacer placer;

    public ResolveVpcHandler() {
        this(SharedClients.get());
    }

    public ResolveVpcHandler(AwsClients clients, FunctionSettings settings) {
        this(clients);
    }

    public ResolveVpcHandler(AwsClients clients) {
        this(new VpcResolver(clients.ec2()), new InterfacePlacer(clients.ec2()));
    }

    ResolveVpcHandler(VpcResolver resolver, InterfacePlacer placer) {
        super(Input.class);
        this.resolver = resolver;
        this.placer = placer;
    }

    @Override
    protected ResolvedVpc handle(Input input, Context context) {
        ResolvedVpc vpc = resolver.resolve(input.vpcId(), input.routeTableIds());
        log(context).info("VPC " + vpc.vpcId() + (vpc.isDefault() ? " (default)" : "") + ", route tables "
                + vpc.routeTableIds());
        if (!EndpointType.INTERFACE.awsName().equals(input.endpointType())) {
            return vpc;
        }
        InterfacePlacement placement = placer.place(vpc.vpcId(), input.serviceName(), input.serviceZones(),
                input.subnetIds(), vpc.routeTables());
        log(context).info("Interface endpoint subnets " + placement.subnetIds() + ", VPC CIDRs "
                + placement.vpcCidrs());
        return vpc.withInterfaces(placement);
    }
}
