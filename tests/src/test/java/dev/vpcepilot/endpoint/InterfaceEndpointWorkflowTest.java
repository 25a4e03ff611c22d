package dev.vpcepilot.endpoint;

import static dev.vpcepilot.endpoint.WorkflowAssertions.failed;
import static dev.vpcepilot.endpoint.WorkflowAssertions.fieldNames;
import static dev.vpcepilot.endpoint.WorkflowAssertions.strings;
import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.moto.MotoServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * Issue 16: {@code "endpointType": "Interface"} through the real state machine and handlers against the AWS-faithful
 * emulator (which offers DynamoDB as both types and gives interface endpoints a network interface per subnet).
 * Every test starts from an empty emulator.
 */
@Workflow
class InterfaceEndpointWorkflowTest {

    static final List<String> OUTPUT_KEYS = List.of("region", "serviceName", "vpcId", "endpointType", "vpcEndpointId",
            "created", "owned", "subnetIds", "securityGroupIds", "networkInterfaceIds", "dnsNames", "endpointUrl",
            "endpoints", "claims", "verification", "cleanedUp", "cleanupDetail");
    private static final List<String> INTERFACE_PATH = List.of("Prepare", "CheckServiceAvailability", "ResolveVpc",
            "IsRelease", "CreateInterfaceEndpoint", "IsInterfaceAvailable", "VerifyInterfaceEndpoint",
            "InterfaceProbeHere", "InterfaceProbeNotHere", "WantsInterfaceCleanup", "SkipInterfaceCleanup",
            "BuildInterfaceOutput", "Succeeded");

    private static MotoServer moto;
    private static LocalWorkflow workflow;
    private MotoEc2 aws;

    @BeforeAll
    static void workflow() {
        moto = Moto.fresh();
        workflow = LocalWorkflow.builder(TestProject.root()).endpoint(moto.endpoint()).region("us-east-1")
                .timeScale(0).build();
    }

    @AfterAll
    static void closeWorkflow() {
        workflow.close();
    }

    @BeforeEach
    void emptyEmulator() {
        moto.reset();
        workflow.provision();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
    }

    @AfterEach
    void closeClients() {
        aws.close();
    }

    private static JsonNode succeeded(ExecutionResult result) {
        assertTrue(result.succeeded(), () -> "expected success, got " + result.error() + ": " + result.cause()
                + "\nstates: " + result.statesEntered());
        JsonNode output = result.output();
        assertEquals(OUTPUT_KEYS, fieldNames(output), output::toString);
        assertEquals("Interface", output.get("endpointType").asText());
        for (String flag : List.of("interfacesOk", "securityGroupsOk", "listTablesOk")) {
            assertTrue(output.path("verification").path(flag).asBoolean(), flag + ": " + output);
        }
        assertTrue(output.path("verification").path("probe").has("ran"), output::toString);
        return output;
    }

    private List<VpcEndpoint> liveInterfaceEndpoints(String vpcId) {
        return aws.liveEndpoints(vpcId).stream().filter(e -> e.vpcEndpointType() == VpcEndpointType.INTERFACE)
                .toList();
    }

    private Map<String, String> zonesOfSubnets(String vpcId) {
        return aws.ec2().describeSubnets(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .subnets().stream().collect(Collectors.toMap(Subnet::subnetId, Subnet::availabilityZone));
    }

    private List<SecurityGroup> ownedGroups(String vpcId) {
        return aws.ec2().describeSecurityGroups(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("tag:managed-by").values("vpce-pilot").build())).securityGroups();
    }

    private static Set<String> https(SecurityGroup group) {
        Set<String> cidrs = new TreeSet<>();
        for (IpPermission p : group.ipPermissions()) {
            assertEquals("tcp", p.ipProtocol(), "only TCP: " + group);
            assertEquals(443, p.fromPort(), "only 443: " + group);
            assertEquals(443, p.toPort(), "only 443: " + group);
            p.ipRanges().stream().map(IpRange::cidrIp).forEach(cidrs::add);
        }
        return cidrs;
    }

    @Test
    void withDefaultsOneSubnetInEachZoneAndASecurityGroupOfItsOwnAdmittingOnlyHttpsFromTheVpc() {
        String vpcId = aws.defaultVpcId();
        Map<String, String> zones = zonesOfSubnets(vpcId);

        ExecutionResult result = workflow.run(json("{\"endpointType\":\"Interface\"}"));

        JsonNode output = succeeded(result);
        assertEquals(INTERFACE_PATH, result.statesEntered());
        assertTrue(output.get("created").asBoolean());
        assertTrue(output.get("owned").asBoolean());
        List<String> subnets = strings(output.get("subnetIds"));
        assertEquals(new TreeSet<>(zones.values()), subnets.stream().map(zones::get).collect(Collectors.toCollection(
                TreeSet::new)), "one subnet in each zone");
        assertEquals(subnets.size(), subnets.stream().map(zones::get).distinct().count(), "never two in one zone");
        VpcEndpoint endpoint = aws.endpoint(output.get("vpcEndpointId").asText()).orElseThrow();
        assertEquals(VpcEndpointType.INTERFACE, endpoint.vpcEndpointType());
        assertEquals(new TreeSet<>(subnets), new TreeSet<>(endpoint.subnetIds()));
        assertFalse(endpoint.privateDnsEnabled(), "DynamoDB's interface endpoints have no private DNS");
        assertEquals("vpce-pilot", MotoEc2.tagsOf(endpoint).get("managed-by"));
        assertEquals(new TreeSet<>(endpoint.networkInterfaceIds()), new TreeSet<>(strings(
                output.get("networkInterfaceIds"))));
        assertEquals("https://" + output.at("/dnsNames/regional").asText(), output.get("endpointUrl").asText());
        assertEquals(subnets.size(), output.at("/dnsNames/zonal").size());

        List<SecurityGroup> groups = ownedGroups(vpcId);
        assertEquals(1, groups.size(), groups.toString());
        assertEquals(List.of(groups.get(0).groupId()), strings(output.get("securityGroupIds")));
        String vpcCidr = aws.ec2().describeVpcs(r -> r.vpcIds(vpcId)).vpcs().get(0).cidrBlock();
        assertEquals(Set.of(vpcCidr), https(groups.get(0)));
    }

    @Test
    void aSecondRunReusesTheEndpointAndCreatesNothing() {
        JsonNode first = succeeded(workflow.run(json("{\"endpointType\":\"Interface\"}")));

        JsonNode second = succeeded(workflow.run(json("{\"endpointType\":\"Interface\"}")));

        assertFalse(second.get("created").asBoolean());
        assertEquals(first.get("vpcEndpointId"), second.get("vpcEndpointId"));
        assertEquals(first.get("subnetIds"), second.get("subnetIds"), "the same VPC, the same choice");
        assertEquals(List.of("standing"), strings(second.get("claims")));
        assertEquals(1, liveInterfaceEndpoints(aws.defaultVpcId()).size());
        assertEquals(1, ownedGroups(aws.defaultVpcId()).size());
    }

    @Test
    void explicitSubnetsAndAllowedCidrsAreWhatTheEndpointAndItsGroupGet() {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1b");

        JsonNode output = succeeded(workflow.run(json("{\"endpointType\":\"Interface\",\"vpcId\":\"" + place.vpcId()
                + "\",\"subnetIds\":[\"" + place.subnets().get(1) + "\"],\"allowedCidrs\":[\"192.168.0.0/16\"]}")));

        assertEquals(List.of(place.subnets().get(1)), strings(output.get("subnetIds")));
        VpcEndpoint endpoint = aws.endpoint(output.get("vpcEndpointId").asText()).orElseThrow();
        assertEquals(List.of(place.subnets().get(1)), endpoint.subnetIds());
        assertEquals(Set.of(place.cidr(), "192.168.0.0/16"), https(ownedGroups(place.vpcId()).get(0)));
    }

    @Test
    void aForeignInterfaceEndpointServesItsZoneAsItIsAndTheOtherZoneGetsOneOfOurs() {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1b");
        String theirs = aws.ec2().createSecurityGroup(r -> r.vpcId(place.vpcId()).groupName("theirs")
                .description("someone else's")).groupId();
        aws.ec2().authorizeSecurityGroupIngress(r -> r.groupId(theirs).ipPermissions(IpPermission.builder()
                .ipProtocol("tcp").fromPort(443).toPort(443).ipRanges(IpRange.builder().cidrIp(place.cidr()).build())
                .build()));
        String foreign = aws.ec2().createVpcEndpoint(r -> r.vpcId(place.vpcId()).serviceName(aws.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.INTERFACE).subnetIds(place.subnets().get(0)).securityGroupIds(theirs))
                .vpcEndpoint().vpcEndpointId();
        String input = "{\"endpointType\":\"Interface\",\"vpcId\":\"" + place.vpcId() + "\"";

        JsonNode output = succeeded(workflow.run(json(input + "}")));

        assertEquals(place.subnets().stream().sorted().toList(), strings(output.get("subnetIds")),
                "the foreign endpoint's subnet is chosen");
        assertTrue(output.get("vpcEndpointId").isNull(), "two endpoints serve: " + output);
        assertFalse(output.get("owned").asBoolean());
        Map<String, JsonNode> endpoints = Stream.of(output.get("endpoints")).flatMap(n -> {
            List<JsonNode> all = new java.util.ArrayList<>();
            n.forEach(all::add);
            return all.stream();
        }).collect(Collectors.toMap(e -> e.get("vpcEndpointId").asText(), e -> e));
        assertEquals(List.of(place.subnets().get(0)), strings(endpoints.get(foreign).get("subnetIds")));
        assertFalse(endpoints.get(foreign).get("owned").asBoolean());
        String ours = endpoints.keySet().stream().filter(id -> !id.equals(foreign)).findFirst().orElseThrow();
        assertEquals(List.of(place.subnets().get(1)), aws.endpoint(ours).orElseThrow().subnetIds());
        assertEquals(List.of(place.subnets().get(0)), aws.endpoint(foreign).orElseThrow().subnetIds(),
                "rule 1: the foreign endpoint is not modified");

        JsonNode cleaned = succeeded(workflow.run(json(input + ",\"cleanup\":true}")));

        assertTrue(aws.isLive(foreign), "a cleanup never deletes what vpce-pilot did not create: " + cleaned);
        assertTrue(aws.isLive(ours), "the standing use still claims ours: " + cleaned);
    }

    @Test
    void aCleanupDeletesTheEndpointAndTheSecurityGroupItMade() {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1c");

        ExecutionResult result = workflow.run(json("{\"endpointType\":\"Interface\",\"vpcId\":\"" + place.vpcId()
                + "\",\"cleanup\":true}"));

        JsonNode output = succeeded(result);
        assertTrue(output.get("created").asBoolean());
        assertTrue(output.get("cleanedUp").asBoolean(), output::toString);
        assertTrue(result.statesEntered().contains("CleanupInterface"), result.statesEntered()::toString);
        assertEquals(List.of(), liveInterfaceEndpoints(place.vpcId()));
        assertEquals(List.of(), ownedGroups(place.vpcId()), "the run's own group went with its endpoint");
    }

    @Test
    void aReleaseOfTheStandingUseDeletesWhatNobodyClaimsWithItsGroupAndLeavesTheGateway() {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1b");
        String vpc = "\"vpcId\":\"" + place.vpcId() + "\"";
        JsonNode gateway = WorkflowAssertions.succeeded(workflow.run(json("{" + vpc + "}")));
        JsonNode served = succeeded(workflow.run(json("{\"endpointType\":\"Interface\"," + vpc + "}")));
        String endpoint = served.get("vpcEndpointId").asText();

        ExecutionResult partly = workflow.run(json("{\"endpointType\":\"Interface\",\"release\":true," + vpc
                + ",\"subnetIds\":[\"" + place.subnets().get(0) + "\"]}"));

        assertTrue(partly.succeeded(), partly::toString);
        assertEquals(List.of(place.subnets().get(0)), strings(partly.output().get("releasedSubnetIds")));
        assertEquals(List.of(place.subnets().get(1)), aws.endpoint(endpoint).orElseThrow().subnetIds(),
                "the released subnet left the endpoint, the other stays");

        ExecutionResult all = workflow.run(json("{\"endpointType\":\"Interface\",\"release\":true," + vpc + "}"));

        assertTrue(all.succeeded(), all::toString);
        assertEquals(List.of("Prepare", "CheckServiceAvailability", "ResolveVpc", "IsRelease",
                "ReleaseInterfaceEndpoints", "BuildInterfaceReleaseOutput", "Succeeded"), all.statesEntered());
        assertEquals(List.of(endpoint), strings(all.output().get("deleted")));
        assertEquals(List.of(), liveInterfaceEndpoints(place.vpcId()));
        assertEquals(List.of(), ownedGroups(place.vpcId()), "the group went with its endpoint");
        assertTrue(aws.isLive(gateway.get("vpcEndpointId").asText()), "an interface release leaves the gateway");
    }

    @Test
    void aGatewayAndAnInterfaceEndpointSideBySideNeitherRunTouchesTheOther() {
        String vpcId = aws.defaultVpcId();
        JsonNode gateway = WorkflowAssertions.succeeded(workflow.run(json("{}")));
        String gatewayId = gateway.get("vpcEndpointId").asText();

        JsonNode tried = succeeded(workflow.run(json("{\"endpointType\":\"Interface\",\"cleanup\":true}")));

        assertTrue(tried.get("cleanedUp").asBoolean());
        assertTrue(aws.isLive(gatewayId), "the interface run's cleanup leaves the gateway endpoint");
        assertEquals(gatewayId, aws.prefixListRoutes(aws.mainRouteTableId(vpcId)).values().iterator().next());

        JsonNode kept = succeeded(workflow.run(json("{\"endpointType\":\"Interface\"}")));
        JsonNode gatewayTried = WorkflowAssertions.succeeded(workflow.run(json("{\"cleanup\":true}")));

        assertFalse(gatewayTried.get("created").asBoolean(), "the gateway run reuses the gateway endpoint");
        assertTrue(aws.isLive(kept.get("vpcEndpointId").asText()), "the gateway run leaves the interface endpoint");
        assertEquals(gatewayId, gatewayTried.get("vpcEndpointId").asText());
    }

    @Test
    void throughRunLocalTheOutputIsTheInterfaceContractAndTheCleanupLeavesNothing() {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1b");

        RunLocal.Run run = RunLocal.script().endpoint(moto.endpoint()).inputJson("{\"endpointType\":\"Interface\","
                + "\"vpcId\":\"" + place.vpcId() + "\",\"cleanup\":true}").run();

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(OUTPUT_KEYS, fieldNames(run.doc()), run::toString);
        assertEquals(place.subnets().stream().sorted().toList(), strings(run.doc().get("subnetIds")));
        assertTrue(run.doc().get("cleanedUp").asBoolean(), run::toString);
        assertTrue(run.stderr().contains("-> CreateInterfaceEndpoint (Task)"), run::toString);
        assertFalse(run.doc().at("/verification/probe/ran").asBoolean(), "no probe deployed: " + run);
        assertEquals(List.of(), liveInterfaceEndpoints(place.vpcId()));
        assertEquals(List.of(), ownedGroups(place.vpcId()));
    }

    @Test
    void groupsThatDoNotAdmitHttpsFromTheVpcFailTheVerificationAndTheRunRollsBackLeavingTheGroupsAlone() {
        MotoEc2.Place place = aws.place("us-east-1a");
        String closed = aws.ec2().createSecurityGroup(r -> r.vpcId(place.vpcId()).groupName("closed")
                .description("admits nothing")).groupId();

        ExecutionResult result = workflow.run(json("{\"endpointType\":\"Interface\",\"vpcId\":\"" + place.vpcId()
                + "\",\"securityGroupIds\":[\"" + closed + "\"]}"));

        String cause = failed(result, "VerificationFailed");
        assertTrue(cause.contains("admit no TCP 443 from " + place.cidr()), cause);
        assertTrue(cause.contains("Rolled back vpce-"), cause);
        assertEquals(List.of(), liveInterfaceEndpoints(place.vpcId()), "rule 7: what the run created is gone");
        assertEquals(1, aws.ec2().describeSecurityGroups(r -> r.groupIds(closed)).securityGroups().size(),
                "rule 1: a group the run did not make is never deleted");
    }

    @Test
    void withTheProbeDeployedItListsTablesThroughTheEndpointsUrlLocallyTheEmulatorStandsIn() {
        RunLocal.Run run = RunLocal.script().endpoint(moto.endpoint()).arguments("--probe")
                .inputJson("{\"endpointType\":\"Interface\",\"cleanup\":true}").run();

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(json("{\"ran\":true,\"listTablesOk\":true,\"where\":\"local\"}"),
                run.doc().at("/verification/probe"), run::toString);
        assertTrue(run.stderr().contains("-> ProbeInterfaceDataPath (Task)"), run::toString);
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("routeTableIds with Interface", "\"routeTableIds\":[\"rtb-01234567\"]",
                        "routeTableIds applies to Gateway endpoints only"),
                Arguments.of("a subnet of another VPC", "\"subnetIds\":[\"OTHER\"]", "not a subnet of the VPC"),
                Arguments.of("two subnets in one zone", "\"subnetIds\":[\"A1\",\"A2\"]", "both in us-east-1a"),
                Arguments.of("allowedCidrs with securityGroupIds",
                        "\"allowedCidrs\":[\"10.0.0.0/8\"],\"securityGroupIds\":[\"sg-01234567\"]",
                        "allowedCidrs opens the security group"),
                Arguments.of("a CIDR that is not a network", "\"allowedCidrs\":[\"10.0.0.1/8\"]",
                        "not the block's network address"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputsAreInvalidInputAndNothingIsCreated(String what, String keys, String expected) {
        MotoEc2.Place place = aws.place("us-east-1a", "us-east-1a");
        MotoEc2.Place other = aws.place("us-east-1b");
        String input = ("{\"endpointType\":\"Interface\",\"vpcId\":\"" + place.vpcId() + "\"," + keys + "}")
                .replace("OTHER", other.subnets().get(0)).replace("A1", place.subnets().get(0))
                .replace("A2", place.subnets().get(1));

        String cause = failed(workflow.run(json(input)), "InvalidInput");

        assertTrue(cause.contains(expected), cause);
        assertEquals(List.of(), liveInterfaceEndpoints(place.vpcId()));
        assertEquals(List.of(), ownedGroups(place.vpcId()));
    }
}
