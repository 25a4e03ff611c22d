package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The reads of an interface endpoint's verification, three calls: the serving endpoints, their network interfaces
 * and their security groups. Read only; {@link InterfaceChecks} judges them.
 */
public final class InterfaceReader {

    /**
     * What EC2 shows of the serving endpoints.
     *
     * @param endpoints  endpoint id -> the endpoint
     * @param interfaces network interface id -> the interface
     * @param groups     security group id -> the group
     */
    public record Read(Map<String, VpcEndpoint> endpoints, Map<String, NetworkInterface> interfaces,
                       Map<String, SecurityGroup> groups) {
    }

    private final Ec2Client ec2;

    public InterfaceReader(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public Read read(List<String> vpcEndpointIds) {
        Map<String, VpcEndpoint> endpoints = AwsCalls.call("EC2 DescribeVpcEndpoints", () -> ec2.describeVpcEndpoints(
                        r -> r.vpcEndpointIds(vpcEndpointIds)))
                .vpcEndpoints().stream().collect(Collectors.toMap(VpcEndpoint::vpcEndpointId, Function.identity(),
                        (a, b) -> a, TreeMap::new));
        List<String> eniIds = endpoints.values().stream().flatMap(e -> e.networkInterfaceIds().stream()).sorted()
                .toList();
        Map<String, NetworkInterface> interfaces = eniIds.isEmpty() ? Map.of()
                : AwsCalls.call("EC2 DescribeNetworkInterfaces", () -> ec2.describeNetworkInterfaces(r -> r
                        .networkInterfaceIds(eniIds))).networkInterfaces().stream()
                        .collect(Collectors.toMap(NetworkInterface::networkInterfaceId, Function.identity(),
                                (a, b) -> a, TreeMap::new));
        TreeSet<String> groupIds = endpoints.values().stream().flatMap(e -> e.groups().stream())
                .map(SecurityGroupIdentifier::groupId).collect(Collectors.toCollection(TreeSet::new));
        Map<String, SecurityGroup> groups = groupIds.isEmpty() ? Map.of()
                : AwsCalls.call("EC2 DescribeSecurityGroups", () -> ec2.describeSecurityGroups(r -> r
                        .groupIds(groupIds))).securityGroups().stream()
                        .collect(Collectors.toMap(SecurityGroup::groupId, Function.identity(), (a, b) -> a,
                                TreeMap::new));
        return new Read(endpoints, interfaces, groups);
    }
}
