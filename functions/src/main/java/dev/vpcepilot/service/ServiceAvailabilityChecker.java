package dev.vpcepilot.service;

import java.util.Set;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.ServiceNotAvailable;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointServicesResponse;
import software.amazon.awssdk.services.ec2.model.ServiceDetail;
import software.amazon.awssdk.services.ec2.model.ServiceTypeDetail;

/**
 * The tutorial's {@code describe-vpc-endpoint-services}, asked for exactly one service name: is the service
 * offered in this region as a Gateway endpoint (the free kind that works through route tables)?
 */
public final class ServiceAvailabilityChecker {

    public static final String GATEWAY = "Gateway";

    private final Ec2Client ec2;

    public ServiceAvailabilityChecker(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** Returns the endpoint type to use ({@code Gateway}), or throws {@link ServiceNotAvailable}. */
    public String requireGateway(String serviceName) {
        DescribeVpcEndpointServicesResponse response = AwsCalls.callOr("EC2 DescribeVpcEndpointServices",
                () -> ec2.describeVpcEndpointServices(r -> r.serviceNames(serviceName)),
                Set.of("InvalidServiceName"), () -> {
                    throw notOffered(serviceName);
                });
        List<ServiceDetail> details = response.serviceDetails().stream()
                .filter(d -> serviceName.equals(d.serviceName()))
                .toList();
        if (details.isEmpty()) {
            throw notOffered(serviceName);
        }
        boolean gateway = details.stream()
                .flatMap(d -> d.serviceType().stream())
                .map(ServiceTypeDetail::serviceTypeAsString)
                .anyMatch(GATEWAY::equals);
        if (!gateway) {
            throw new ServiceNotAvailable(serviceName + " is offered in this region, but not as a Gateway endpoint; "
                    + "vpce-pilot manages Gateway endpoints only (route-table based, no hourly charge).");
        }
        return GATEWAY;
    }

    private static ServiceNotAvailable notOffered(String serviceName) {
        return new ServiceNotAvailable(serviceName + " is not offered as a VPC endpoint service in this region "
                + "(DescribeVpcEndpointServices does not list it).");
    }
}
