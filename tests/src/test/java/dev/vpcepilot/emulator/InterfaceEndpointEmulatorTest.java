package dev.vpcepilot.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.DnsEntry;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.NetworkInterfaceStatus;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.ServiceDetail;
import software.amazon.awssdk.services.ec2.model.ServiceTypeDetail;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * DynamoDB's interface endpoints (AWS PrivateLink) in the emulator patch, as EC2 answers them (each rule cites its AWS
 * page in aws_faithful_moto_server.py): DynamoDB offered as Gateway and as Interface; a network interface in use in
 * each subnet, with an address of the subnet; a Regional and a Zonal DNS name per zone; the VPC's default security
 * group when none is given; private DNS off, and refused when asked for; one subnet per zone; the parameters of one
 * type refused on the other; subnets and security groups changed by ModifyVpcEndpoint; the interfaces deleted with the
 * endpoint, and their security group not deletable before. The patch without these rules (moto 5.2.1 with the gateway
 * rules only) fails every test here but the last (filters, which moto already had and which must keep working with
 * both types in one VPC).
 */
@Integration
class InterfaceEndpointEmulatorTest {

    private static final String REGION = "us-east-1";
    private static final String VPC_CIDR = "10.60.0.0/16";
    private static final String DIFFERENT_ZONES =
            " VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.";

    private static MotoEc2 aws;
    private String vpcId;
    private String subnetA;
    private String subnetB;
    private String subnetC;
    private String secondInA;

    @BeforeAll
    static void startEmulator() {
        var moto = Moto.fresh();
        assertTrue(moto.awsFaithful(), "these tests need aws_faithful_moto_server.py (a python3 that imports moto)");
        aws = new MotoEc2(moto.endpoint(), REGION);
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    @BeforeEach
    void freshVpcWithSubnetsInThreeZones() {
        Moto.fresh();
        vpcId = aws.createVpc(VPC_CIDR);
        subnetA = aws.createSubnet(vpcId, "10.60.1.0/24", REGION + "a");
        subnetB = aws.createSubnet(vpcId, "10.60.2.0/24", REGION + "b");
        subnetC = aws.createSubnet(vpcId, "10.60.3.0/24", REGION + "c");
        secondInA = aws.createSubnet(vpcId, "10.60.4.0/24", REGION + "a");
    }

    // ---- DescribeVpcEndpointServices

    @Test
    void dynamoDbIsOfferedAsAGatewayAndAsAnInterfaceOneServiceDetailPerType() {
        var answer = aws.ec2().describeVpcEndpointServices(r -> r.serviceNames(aws.dynamoDbService()));

        Map<String, ServiceDetail> byType = answer.serviceDetails().stream()
                .collect(Collectors.toMap(InterfaceEndpointEmulatorTest::onlyType, d -> d));
        assertEquals(Set.of("Gateway", "Interface"), byType.keySet());
        assertEquals(List.of("dynamodb." + REGION + ".amazonaws.com"), byType.get("Gateway").baseEndpointDnsNames(),
                "the gateway entry is moto's, unchanged");
        assertEquals(List.of("dynamodb." + REGION + ".vpce.amazonaws.com"),
                byType.get("Interface").baseEndpointDnsNames());
        assertNull(byType.get("Interface").privateDnsName(), "DynamoDB's interface endpoints have no private DNS");
        assertNotEquals(byType.get("Gateway").serviceId(), byType.get("Interface").serviceId());
        assertEquals(List.of(aws.dynamoDbService(), aws.dynamoDbService()), answer.serviceNames(),
                "one name per service detail");

        var interfaces = aws.ec2().describeVpcEndpointServices(r -> r.serviceNames(aws.dynamoDbService())
                .filters(Filter.builder().name("service-type").values("Interface").build())).serviceDetails();
        assertEquals(List.of("Interface"), interfaces.stream().map(InterfaceEndpointEmulatorTest::onlyType).toList());
    }

    // ---- CreateVpcEndpoint

    @Test
    void anInterfaceEndpointHasANetworkInterfaceInUseInEachSubnetWithAnAddressOfThatSubnet() throws Exception {
        VpcEndpoint endpoint = createInterface(r -> r.subnetIds(subnetA, subnetB));

        assertEquals("available", endpoint.stateAsString(), "as moto makes gateway endpoints");
        assertEquals(List.of(subnetA, subnetB), endpoint.subnetIds());
        assertEquals(2, endpoint.networkInterfaceIds().size());
        Map<String, NetworkInterface> bySubnet = interfacesBySubnet(endpoint);
        assertEquals(Set.of(subnetA, subnetB), bySubnet.keySet());
        assertInterfaceOf(endpoint, bySubnet.get(subnetA), "10.60.1.0");
        assertInterfaceOf(endpoint, bySubnet.get(subnetB), "10.60.2.0");
    }

    @Test
    void anInterfaceEndpointHasARegionalDnsNameAndAZonalOnePerSubnetInOneHostedZone() {
        VpcEndpoint endpoint = createInterface(r -> r.subnetIds(subnetA, subnetB));

        List<DnsEntry> entries = endpoint.dnsEntries();
        assertEquals(3, entries.size(), entries.toString());
        Matcher regional = Pattern.compile(Pattern.quote(endpoint.vpcEndpointId())
                + "-([a-z0-9]{8})\\.dynamodb\\." + REGION + "\\.vpce\\.amazonaws\\.com")
                .matcher(entries.get(0).dnsName());
        assertTrue(regional.matches(), "the Regional name first: " + entries.get(0).dnsName());
        String prefix = endpoint.vpcEndpointId() + "-" + regional.group(1);
        assertEquals(List.of(prefix + "-us-east-1a.dynamodb.us-east-1.vpce.amazonaws.com",
                        prefix + "-us-east-1b.dynamodb.us-east-1.vpce.amazonaws.com"),
                entries.subList(1, 3).stream().map(DnsEntry::dnsName).toList(), "a Zonal name per subnet's zone");
        Set<String> zones = entries.stream().map(DnsEntry::hostedZoneId).collect(Collectors.toSet());
        assertEquals(1, zones.size(), "one hosted zone: " + zones);
        assertTrue(zones.iterator().next().matches("Z[A-Z0-9]{12}"), zones.toString());
    }

    @Test
    void withoutSecurityGroupsTheVpcDefaultGroupIsUsedAndGivenOnesOtherwise() {
        String defaultGroup = defaultSecurityGroup();
        VpcEndpoint byDefault = createInterface(r -> r.subnetIds(subnetA));

        assertEquals(List.of(defaultGroup), endpointGroupIds(byDefault));
        assertEquals(List.of(defaultGroup), groupIds(interfacesBySubnet(byDefault).get(subnetA).groups()));

        String own = createSecurityGroup("endpoint-own");
        VpcEndpoint given = createInterface(r -> r.subnetIds(subnetB).securityGroupIds(own));
        assertEquals(List.of(own), endpointGroupIds(given));
        assertEquals(List.of(own), groupIds(interfacesBySubnet(given).get(subnetB).groups()));
    }

    @Test
    void privateDnsIsOffWhenNotAskedForAndRefusedWhenAskedFor() {
        assertFalse(createInterface(r -> r.subnetIds(subnetA)).privateDnsEnabled());
        assertFalse(createInterface(r -> r.subnetIds(subnetB).privateDnsEnabled(false)).privateDnsEnabled());

        assertRefused("InvalidParameter", "Private DNS can't be enabled because the service " + aws.dynamoDbService()
                + " does not provide a private DNS name.", () -> createInterface(r -> r.subnetIds(subnetC)
                .privateDnsEnabled(true)));
        assertEquals(2, aws.liveEndpoints(vpcId).size(), "the refused create made nothing");
    }

    @Test
    void twoSubnetsInOneZoneAreRefusedAndNothingIsMade() {
        assertRefused("DuplicateSubnetsInSameZone",
                "Found another VPC endpoint subnet in the availability zone of " + secondInA + "." + DIFFERENT_ZONES,
                () -> createInterface(r -> r.subnetIds(subnetA, subnetB, secondInA)));

        assertEquals(List.of(), aws.liveEndpoints(vpcId));
        assertEquals(List.of(), networkInterfacesOfVpc());
    }

    @Test
    void routeTablesOnAnInterfaceEndpointAreRefused() {
        String main = aws.mainRouteTableId(vpcId);

        assertRefused("InvalidParameter", "Route table IDs are only supported for Gateway type VPC Endpoint.",
                () -> createInterface(r -> r.subnetIds(subnetA).routeTableIds(main)));
        assertEquals(List.of(), aws.liveEndpoints(vpcId));
    }

    @Test
    void subnetsOrSecurityGroupsOnAGatewayEndpointAreRefused() {
        String main = aws.mainRouteTableId(vpcId);
        String group = createSecurityGroup("for-a-gateway");

        assertRefused("InvalidParameter",
                "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.",
                () -> createGateway(r -> r.routeTableIds(main).subnetIds(subnetA)));
        assertRefused("InvalidParameter", "Security group IDs are only supported for Interface type VPC Endpoints.",
                () -> createGateway(r -> r.routeTableIds(main).securityGroupIds(group)));
        assertEquals(List.of(), aws.liveEndpoints(vpcId));
        assertEquals(Map.of(), aws.prefixListRoutes(main), "no route was made");
    }

    // ---- ModifyVpcEndpoint

    @Test
    void modifyAddsAndRemovesSubnetsWithTheirNetworkInterfacesAndZonalNames() throws Exception {
        VpcEndpoint before = createInterface(r -> r.subnetIds(subnetA, subnetB));
        String interfaceInA = interfacesBySubnet(before).get(subnetA).networkInterfaceId();
        String id = before.vpcEndpointId();

        aws.ec2().modifyVpcEndpoint(r -> r.vpcEndpointId(id).addSubnetIds(subnetC).removeSubnetIds(subnetA));

        VpcEndpoint after = aws.endpoint(id).orElseThrow();
        assertEquals(Set.of(subnetB, subnetC), Set.copyOf(after.subnetIds()));
        Map<String, NetworkInterface> bySubnet = interfacesBySubnet(after);
        assertEquals(Set.of(subnetB, subnetC), bySubnet.keySet());
        assertInterfaceOf(after, bySubnet.get(subnetC), "10.60.3.0");
        assertFalse(networkInterfacesOfVpc().stream().anyMatch(n -> n.networkInterfaceId().equals(interfaceInA)),
                "the interface of the removed subnet is deleted");
        assertEquals(before.dnsEntries().get(0), after.dnsEntries().get(0), "the Regional name stays");
        assertEquals(Set.of("us-east-1b", "us-east-1c"), zonesOfZonalNames(after));

        String secondInB = aws.createSubnet(vpcId, "10.60.5.0/24", REGION + "b");
        assertRefused("DuplicateSubnetsInSameZone",
                "Found another VPC endpoint subnet in the availability zone of " + secondInB + "." + DIFFERENT_ZONES,
                () -> aws.ec2().modifyVpcEndpoint(r -> r.vpcEndpointId(id).addSubnetIds(subnetA, secondInB)));
        assertEquals(Set.of(subnetB, subnetC), Set.copyOf(aws.endpoint(id).orElseThrow().subnetIds()),
                "a refused modify changes nothing");
        assertEquals(2, networkInterfacesOfVpc().size());
    }

    @Test
    void modifyAddsAndRemovesSecurityGroupsOnTheNetworkInterfacesToo() {
        String defaultGroup = defaultSecurityGroup();
        String own = createSecurityGroup("endpoint-own");
        String id = createInterface(r -> r.subnetIds(subnetA, subnetB)).vpcEndpointId();

        aws.ec2().modifyVpcEndpoint(r -> r.vpcEndpointId(id).addSecurityGroupIds(own)
                .removeSecurityGroupIds(defaultGroup));

        VpcEndpoint after = aws.endpoint(id).orElseThrow();
        assertEquals(List.of(own), endpointGroupIds(after));
        for (NetworkInterface eni : interfacesBySubnet(after).values()) {
            assertEquals(List.of(own), groupIds(eni.groups()), eni.networkInterfaceId());
        }
    }

    @Test
    void routeTablesAddedToAnInterfaceEndpointAreRefused() {
        String id = createInterface(r -> r.subnetIds(subnetA)).vpcEndpointId();
        String main = aws.mainRouteTableId(vpcId);

        assertRefused("InvalidParameter", "Route table IDs are only supported for Gateway type VPC Endpoint.",
                () -> aws.ec2().modifyVpcEndpoint(r -> r.vpcEndpointId(id).addRouteTableIds(main)));
        assertEquals(List.of(), aws.endpoint(id).orElseThrow().routeTableIds());
    }

    // ---- DeleteVpcEndpoints, DeleteSecurityGroup

    @Test
    void aSecurityGroupInUseCannotBeDeletedUntilTheEndpointAndItsInterfacesAreGone() {
        String own = createSecurityGroup("endpoint-own");
        VpcEndpoint endpoint = createInterface(r -> r.subnetIds(subnetA, subnetB).securityGroupIds(own));

        assertRefused("DependencyViolation", "resource " + own + " has a dependent object",
                () -> aws.ec2().deleteSecurityGroup(r -> r.groupId(own)));

        aws.deleteEndpoint(endpoint.vpcEndpointId());
        assertEquals("deleted", aws.endpoint(endpoint.vpcEndpointId()).orElseThrow().stateAsString());
        assertEquals(List.of(), networkInterfacesOfVpc(), "the endpoint's interfaces went with it");
        aws.ec2().deleteSecurityGroup(r -> r.groupId(own));
    }

    // ---- DescribeVpcEndpoints' filters, with both types in one VPC

    @Test
    void theFiltersTheProjectUsesTellAGatewayAndAnInterfaceEndpointApart() {
        String gateway = createGateway(r -> r.routeTableIds(aws.mainRouteTableId(vpcId))).vpcEndpointId();
        String iface = createInterface(r -> r.subnetIds(subnetA)).vpcEndpointId();

        assertEquals(Set.of(gateway, iface), ids(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("service-name").values(aws.dynamoDbService()).build()));
        assertEquals(Set.of(iface), ids(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("vpc-endpoint-type").values("Interface").build()));
        assertEquals(Set.of(gateway), ids(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("vpc-endpoint-type").values("Gateway").build()));
        assertEquals(Set.of(gateway, iface), ids(
                Filter.builder().name("vpc-endpoint-state").values("available").build(),
                Filter.builder().name("vpc-id").values(vpcId).build()));
    }

    // ---- helpers

    private VpcEndpoint createInterface(Consumer<CreateVpcEndpointRequest.Builder> options) {
        return aws.ec2().createVpcEndpoint(r -> options.accept(r.vpcId(vpcId).serviceName(aws.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.INTERFACE))).vpcEndpoint();
    }

    private VpcEndpoint createGateway(Consumer<CreateVpcEndpointRequest.Builder> options) {
        return aws.ec2().createVpcEndpoint(r -> options.accept(r.vpcId(vpcId).serviceName(aws.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.GATEWAY))).vpcEndpoint();
    }

    private String createSecurityGroup(String name) {
        return aws.ec2().createSecurityGroup(r -> r.vpcId(vpcId).groupName(name).description(name)).groupId();
    }

    private String defaultSecurityGroup() {
        return aws.ec2().describeSecurityGroups(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("group-name").values("default").build())).securityGroups().get(0).groupId();
    }

    private List<NetworkInterface> networkInterfacesOfVpc() {
        return aws.ec2().describeNetworkInterfaces(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId)
                .build())).networkInterfaces();
    }

    private Map<String, NetworkInterface> interfacesBySubnet(VpcEndpoint endpoint) {
        return aws.ec2().describeNetworkInterfaces(r -> r.networkInterfaceIds(endpoint.networkInterfaceIds()))
                .networkInterfaces().stream().collect(Collectors.toMap(NetworkInterface::subnetId, n -> n));
    }

    private Set<String> ids(Filter... filters) {
        return aws.ec2().describeVpcEndpoints(r -> r.filters(filters)).vpcEndpoints().stream()
                .map(VpcEndpoint::vpcEndpointId).collect(Collectors.toSet());
    }

    private static Set<String> zonesOfZonalNames(VpcEndpoint endpoint) {
        Pattern zonal = Pattern.compile("vpce-[0-9a-f]+-[a-z0-9]{8}-(" + REGION + "[a-z])\\..*");
        return endpoint.dnsEntries().stream().map(e -> zonal.matcher(e.dnsName())).filter(Matcher::matches)
                .map(m -> m.group(1)).collect(Collectors.toSet());
    }

    /** In use, requester-managed, of type vpc_endpoint, in its subnet ({@code network}/24), not a reserved address. */
    private static void assertInterfaceOf(VpcEndpoint endpoint, NetworkInterface eni, String network)
            throws UnknownHostException {
        assertEquals(NetworkInterfaceStatus.IN_USE, eni.status());
        assertEquals("vpc_endpoint", eni.interfaceTypeAsString());
        assertTrue(eni.requesterManaged());
        assertEquals("VPC Endpoint Interface " + endpoint.vpcEndpointId(), eni.description());
        byte[] address = InetAddress.getByName(eni.privateIpAddress()).getAddress();
        byte[] subnet = InetAddress.getByName(network).getAddress();
        assertEquals(List.of(subnet[0], subnet[1], subnet[2]), List.of(address[0], address[1], address[2]),
                eni.privateIpAddress() + " is in " + network + "/24");
        int host = address[3] & 0xff;
        assertTrue(host >= 4 && host <= 254, eni.privateIpAddress() + " is not one of the five reserved addresses");
    }

    private static void assertRefused(String code, String message, Executable call) {
        Ec2Exception e = assertThrows(Ec2Exception.class, call);
        assertEquals(400, e.statusCode());
        assertEquals(code, e.awsErrorDetails().errorCode());
        assertEquals(message, e.awsErrorDetails().errorMessage());
    }

    private static List<String> groupIds(List<GroupIdentifier> groups) {
        return groups.stream().map(GroupIdentifier::groupId).toList();
    }

    private static List<String> endpointGroupIds(VpcEndpoint endpoint) {
        return endpoint.groups().stream().map(SecurityGroupIdentifier::groupId).toList();
    }

    private static String onlyType(ServiceDetail detail) {
        assertEquals(1, detail.serviceType().size(), detail.toString());
        return detail.serviceType().stream().map(ServiceTypeDetail::serviceTypeAsString).findFirst().orElseThrow();
    }
}
