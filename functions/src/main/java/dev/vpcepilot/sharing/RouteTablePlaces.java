package dev.vpcepilot.sharing;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointBusy;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/** A gateway endpoint's places: route tables, which EC2 gives the service's prefix-list route to the endpoint. */
final class RouteTablePlaces implements EndpointPlaces {

    private final Ec2Client ec2;
    private final WriteFence fence;
    private final Consumer<String> log;

    RouteTablePlaces(Ec2Client ec2, WriteFence fence, Consumer<String> log) {
        this.ec2 = ec2;
        this.fence = fence;
        this.log = log;
    }

    /**
     * @throws EndpointBusy if a route table was given a route to the service meanwhile by a writer outside
     *                      vpce-pilot (EC2's {@code RouteAlreadyExists}): the step is retried and decides again
     */
    @Override
    public VpcEndpoint create(CreateVpcEndpointRequest.Builder request, Scope scope, List<String> routeTableIds,
                              String executionArn) {
        CreateVpcEndpointRequest create = request.vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds(routeTableIds)
                .build();
        fence.beforeWrite("EC2 CreateVpcEndpoint for " + routeTableIds);
        VpcEndpoint created = AwsCalls.callOr("EC2 CreateVpcEndpoint",
                () -> ec2.createVpcEndpoint(create).vpcEndpoint(), Set.of("RouteAlreadyExists"), () -> {
                    throw new EndpointBusy("A route table of " + routeTableIds + " was given a route to "
                            + scope.serviceName() + " by a writer outside vpce-pilot while this step decided; the "
                            + "step is retried and decides again.");
                });
        log.accept("Created " + created.vpcEndpointId() + " in " + scope.vpcId() + " for " + routeTableIds);
        return created;
    }

    @Override
    public void add(ModifyVpcEndpointRequest.Builder request, List<String> routeTableIds) {
        request.addRouteTableIds(routeTableIds);
    }

    @Override
    public void remove(ModifyVpcEndpointRequest.Builder request, List<String> routeTableIds) {
        request.removeRouteTableIds(routeTableIds);
    }

    @Override
    public List<String> beforeDelete(List<String> vpcEndpointIds) {
        return List.of();
    }

    @Override
    public void afterDelete(List<String> belongings) {
        // A gateway endpoint has nothing of its own besides its routes, which EC2 removes with it.
    }
}
