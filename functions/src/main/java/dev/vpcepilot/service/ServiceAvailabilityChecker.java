package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.ServiceNotAvailable;
import dev.vpcepilot.sharing.EndpointType;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointServicesResponse;
import software.amazon.awssdk.services.ec2.model.ServiceDetail;
import software.amazon.awssdk.services.ec2.model.ServiceTypeDetail;

/**
 * The tutorial's {@code describe-vpc-endpoint-services}, asked for exactly one service name: is the service
 * offered in this region with the requested endpoint type? Since 2024 EC2 lists DynamoDB twice, once per type; the
 * entry of the requested type decides (never the order EC2 lists them in), and its zones are where an interface
 * endpoint may place network interfaces.
 */
public final class ServiceAvailabilityChecker {

    public static final String GATEWAY = EndpointType.GATEWAY.awsName();

    private final Ec2Client ec2;

    public ServiceAvailabilityChecker(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /**
     * What EC2 offers of the service with one endpoint type.
     *
     * @param type              the type as EC2 spells it
     * @param availabilityZones the zones the service is offered in with that type (sorted)
     */
    public record Offer(String type, List<String> availabilityZones) {
    }

    /** Returns the endpoint type to use ({@code Gateway}), or throws {@link ServiceNotAvailable}. */
    public String requireGateway(String serviceName) {
        return require(serviceName, EndpointType.GATEWAY).type();
    }

    /** The service's offer with {@code type}, or {@link ServiceNotAvailable} naming the type. */
    public Offer require(String serviceName, EndpointType type) {
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
        List<ServiceDetail> ofType = details.stream()
                .filter(d -> d.serviceType().stream().map(ServiceTypeDetail::serviceTypeAsString)
                        .anyMatch(type.awsName()::equals))
                .toList();
        if (ofType.isEmpty()) {
            Set<String> offered = new TreeSet<>();
            details.forEach(d -> d.serviceType().forEach(t -> offered.add(t.serviceTypeAsString())));
            throw new ServiceNotAvailable(serviceName + " is offered in this region, but not as "
                    + (type == EndpointType.INTERFACE ? "an " : "a ") + type.awsName()
                    + " endpoint (EC2 offers it as " + String.join(", ", offered) + "). Allowed: \"endpointType\": "
                    + "one of the types offered.");
        }
        Set<String> zones = new TreeSet<>();
        ofType.forEach(d -> zones.addAll(d.availabilityZones()));
        return new Offer(type.awsName(), List.copyOf(zones));
    }

    private static ServiceNotAvailable notOffered(String serviceName) {
        return new ServiceNotAvailable(serviceName + " is not offered as a VPC endpoint service in this region "
                + "(DescribeVpcEndpointServices does not list it).");
    }
}
