package dev.vpcepilot.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vpcepilot.contract.InterfaceVerification.DnsNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.DnsEntry;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

class InterfaceChecksTest {

    private static final String REGIONAL = "vpce-0abc-1x2y3z4w.dynamodb.us-east-1.vpce.amazonaws.com";

    private static VpcEndpoint endpoint(String id, List<String> enis, String... groups) {
        return VpcEndpoint.builder().vpcEndpointId(id).networkInterfaceIds(enis)
                .groups(java.util.Arrays.stream(groups).map(g -> SecurityGroupIdentifier.builder().groupId(g).build())
                        .toList())
                .dnsEntries(DnsEntry.builder().dnsName(REGIONAL).build(),
                        DnsEntry.builder().dnsName("vpce-0abc-1x2y3z4w-us-east-1b.dynamodb.us-east-1.vpce.amazonaws.com")
                                .build(),
                        DnsEntry.builder().dnsName("vpce-0abc-1x2y3z4w-us-east-1a.dynamodb.us-east-1.vpce.amazonaws.com")
                                .build())
                .build();
    }

    private static NetworkInterface eni(String id, String subnet, String status) {
        return NetworkInterface.builder().networkInterfaceId(id).subnetId(subnet).status(status).build();
    }

    private static SecurityGroup group(String id, IpPermission... permissions) {
        return SecurityGroup.builder().groupId(id).ipPermissions(permissions).build();
    }

    private static IpPermission permission(String protocol, Integer from, Integer to, String... cidrs) {
        return IpPermission.builder().ipProtocol(protocol).fromPort(from).toPort(to)
                .ipRanges(java.util.Arrays.stream(cidrs).map(c -> IpRange.builder().cidrIp(c).build()).toList())
                .build();
    }

    @Test
    void theRegionalNameIsTheEndpointUrlAndTheZonalNamesAreSorted() {
        DnsNames names = InterfaceChecks.dnsNames(endpoint("vpce-0abc", List.of()));

        assertEquals(REGIONAL, names.regional());
        assertEquals(List.of("vpce-0abc-1x2y3z4w-us-east-1a.dynamodb.us-east-1.vpce.amazonaws.com",
                "vpce-0abc-1x2y3z4w-us-east-1b.dynamodb.us-east-1.vpce.amazonaws.com"), names.zonal());
        assertEquals("https://" + REGIONAL, InterfaceChecks.endpointUrl(names));
        assertEquals(null, InterfaceChecks.endpointUrl(new DnsNames(null, List.of())));
    }

    @Test
    void everySubnetNeedsAnInterfaceInUseOfTheEndpointServingIt() {
        Map<String, VpcEndpoint> endpoints = Map.of("vpce-1", endpoint("vpce-1", List.of("eni-a", "eni-b")),
                "vpce-2", endpoint("vpce-2", List.of("eni-c")));
        Map<String, NetworkInterface> interfaces = Map.of("eni-a", eni("eni-a", "subnet-a", "in-use"),
                "eni-b", eni("eni-b", "subnet-b", "attaching"), "eni-c", eni("eni-c", "subnet-c", "in-use"));

        assertEquals(List.of(), InterfaceChecks.interfaceProblems(Map.of("subnet-a", "vpce-1"), endpoints,
                interfaces));
        assertEquals(List.of("subnet-b's network interface eni-b of vpce-1 is attaching, not in-use"),
                InterfaceChecks.interfaceProblems(Map.of("subnet-b", "vpce-1"), endpoints, interfaces));
        assertEquals(List.of("subnet-c has no network interface of vpce-1"),
                InterfaceChecks.interfaceProblems(Map.of("subnet-c", "vpce-1"), endpoints, interfaces));
        assertEquals(List.of("eni-c", "eni-a"), InterfaceChecks.interfacesIn(List.of("subnet-c", "subnet-a"),
                endpoints, interfaces));
        assertEquals(List.of("subnet-b"), InterfaceChecks.interfacesNotInUseYet(new java.util.TreeMap<>(Map.of(
                "subnet-a", "vpce-1", "subnet-b", "vpce-1", "subnet-c", "vpce-1")), endpoints, interfaces),
                "only an interface that exists and is not in use is waited for");
    }

    @Test
    void theGroupsMustAdmitTcp443FromEachVpcCidr() {
        Map<String, VpcEndpoint> endpoints = Map.of("vpce-1", endpoint("vpce-1", List.of(), "sg-1", "sg-2"));

        assertEquals(List.of(), InterfaceChecks.groupProblems(List.of("10.0.0.0/16", "10.1.0.0/16"), endpoints,
                Map.of("sg-1", group("sg-1", permission("tcp", 443, 443, "10.0.0.0/16")),
                        "sg-2", group("sg-2", permission("-1", null, null, "10.0.0.0/8")))));
        assertEquals(List.of(), InterfaceChecks.groupProblems(List.of("10.0.0.0/16"), endpoints,
                Map.of("sg-1", group("sg-1", permission("6", 0, 1024, "0.0.0.0/0")))));
        assertEquals(List.of("the security groups of vpce-1 (sg-1, sg-2) admit no TCP 443 from 10.1.0.0/16"),
                InterfaceChecks.groupProblems(List.of("10.0.0.0/16", "10.1.0.0/16"), endpoints,
                        Map.of("sg-1", group("sg-1", permission("tcp", 443, 443, "10.0.0.0/16"),
                                permission("tcp", 80, 80, "10.1.0.0/16"), permission("udp", 443, 443,
                                        "10.1.0.0/16")))));
    }
}
