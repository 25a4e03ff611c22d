package dev.vpcepilot.fleet;

import static dev.vpcepilot.fleet.FleetWorld.HOME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.EventualConsistency;
import dev.vpcepilot.sharing.LeaseLedger;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * DynamoDB's interface endpoints (AWS PrivateLink) in the fleet, through {@code ./run-local --fleet --report FILE} on
 * moto_server, with the interface endpoints made directly in the emulator (which gives them network interfaces in
 * their subnets, as EC2 does): a VPC served only by someone else's interface endpoint, and one served by someone
 * else's gateway endpoint beside an interface endpoint tagged as vpce-pilot's. Every report line lists every endpoint
 * with its type; the first VPC is judged on its gateway coverage (drifted, then created: a gateway endpoint), the
 * second is compliant; apply creates one gateway endpoint and never changes, deletes or claims an interface endpoint,
 * and the commit does not count one as serving a route table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Workflow
class FleetInterfaceEndpointTest {

    private static final String REGION = "us-east-1";

    private static MotoServer moto;
    private static FaultProxy proxy;
    private static MotoEc2 aws;
    private static String interfaceOnlyVpc;
    private static String interfaceOnlyTable;
    private static String foreignInterface;
    private static String bothVpc;
    private static String bothTable;
    private static String foreignGateway;
    private static String ownedInterface;
    private static Map<String, VpcEndpoint> interfacesBefore;

    @TempDir
    static Path directory;

    @BeforeAll
    static void twoVpcsWithInterfaceEndpoints() throws Exception {
        moto = Moto.fresh();
        assertTrue(moto.awsFaithful(), "interface endpoints need aws_faithful_moto_server.py");
        proxy = FaultProxy.start(moto.endpoint());
        aws = new MotoEc2(moto.endpoint(), REGION);
        interfaceOnlyVpc = aws.createVpc("10.70.0.0/16");
        interfaceOnlyTable = aws.mainRouteTableId(interfaceOnlyVpc);
        foreignInterface = createInterface(interfaceOnlyVpc, List.of(
                aws.createSubnet(interfaceOnlyVpc, "10.70.1.0/24", REGION + "a"),
                aws.createSubnet(interfaceOnlyVpc, "10.70.2.0/24", REGION + "b")), Map.of("owner", "someone-else"));
        bothVpc = aws.createVpc("10.71.0.0/16");
        bothTable = aws.mainRouteTableId(bothVpc);
        foreignGateway = aws.createForeignEndpoint(bothVpc, List.of(bothTable));
        ownedInterface = createInterface(bothVpc, List.of(aws.createSubnet(bothVpc, "10.71.1.0/24", REGION + "a")),
                MotoEc2.ownedTags("arn:aws:states:us-east-1:123456789012:execution:vpce-pilot:interface-run"));
        interfacesBefore = interfaces();
    }

    @AfterAll
    static void close() {
        aws.close();
        proxy.close();
    }

    private static String createInterface(String vpcId, List<String> subnetIds, Map<String, String> tags) {
        List<Tag> list = new ArrayList<>();
        tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
        return aws.ec2().createVpcEndpoint(r -> r.vpcId(vpcId).serviceName(aws.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.INTERFACE).subnetIds(subnetIds)
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VPC_ENDPOINT).tags(list)
                        .build())).vpcEndpoint().vpcEndpointId();
    }

    /** The two interface endpoints as EC2 describes them now, by id. */
    private static Map<String, VpcEndpoint> interfaces() {
        return Map.of(foreignInterface, aws.endpoint(foreignInterface).orElseThrow(),
                ownedInterface, aws.endpoint(ownedInterface).orElseThrow());
    }

    private record Fleet(RunLocal.Run run, JsonNode output, Map<String, JsonNode> lines) {
        JsonNode line(String vpcId) {
            JsonNode line = lines.get(HOME + "/" + REGION + "/" + vpcId);
            assertTrue(line != null, vpcId + " is not in " + lines.keySet());
            return line;
        }
    }

    private static Fleet fleet(String mode) throws Exception {
        Path report = Files.createTempFile(directory, "report", ".jsonl");
        Files.delete(report);
        proxy.reset();
        String input = "{\"accounts\": [\"" + HOME + "\"], \"regions\": [\"" + REGION + "\"], \"mode\": \"" + mode
                + "\", \"vpcs\": {\"ids\": [\"" + interfaceOnlyVpc + "\", \"" + bothVpc + "\"]}}";
        RunLocal.Run run = RunLocal.script().outputIn(directory).timeScale("0").timeout(Duration.ofSeconds(300))
                .arguments("--fleet", "--endpoint-url", proxy.endpoint().toString(), "--region", REGION,
                        "--input-json", input, "--report", report.toString()).run();
        assertEquals(0, run.exitCode(), run.stderr());
        return new Fleet(run, TestProject.json(run.stdout()), FleetWorld.lines(report));
    }

    /** Each endpoint of a report line as "id type owned [route tables]". */
    private static List<String> endpoints(JsonNode line) {
        List<String> endpoints = new ArrayList<>();
        line.path("endpoints").forEach(e -> endpoints.add(e.path("vpcEndpointId").asText() + " "
                + e.path("type").asText() + " " + e.path("owned").asBoolean() + " " + e.path("routeTableIds")));
        return endpoints;
    }

    @Test
    @Order(1)
    void aVerifyListsEveryEndpointWithItsTypeAndJudgesEachVpcOnItsGatewayCoverage() throws Exception {
        Fleet verify = fleet("verify");

        JsonNode interfaceOnly = verify.line(interfaceOnlyVpc);
        assertEquals("drifted", interfaceOnly.path("status").asText(), interfaceOnly.toString());
        assertEquals(List.of(foreignInterface + " Interface false []"), endpoints(interfaceOnly));
        assertEquals("[\"" + interfaceOnlyTable + "\"]", interfaceOnly.at("/routeTables/missing").toString());
        assertEquals("[\"create an endpoint for " + interfaceOnlyTable + "\"]",
                interfaceOnly.path("actions").toString());
        assertEquals(0, interfaceOnly.at("/subnets/reachable").asInt(), "an interface endpoint routes no subnet");

        JsonNode both = verify.line(bothVpc);
        assertEquals("compliant", both.path("status").asText(), both.toString());
        assertEquals(List.of(foreignGateway + " Gateway false [\"" + bothTable + "\"]",
                ownedInterface + " Interface true []"), endpoints(both));
        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy), "verify is read only");
    }

    @Test
    @Order(2)
    void anApplyCreatesAGatewayEndpointAndNeverTouchesAnInterfaceEndpoint() throws Exception {
        Fleet apply = fleet("apply");

        JsonNode interfaceOnly = apply.line(interfaceOnlyVpc);
        assertEquals("created", interfaceOnly.path("status").asText(), interfaceOnly.toString());
        assertEquals("compliant", apply.line(bothVpc).path("status").asText(), apply.line(bothVpc).toString());
        assertEquals(1, proxy.count("ec2:CreateVpcEndpoint"), proxy.counts().toString());
        assertEquals(0, proxy.count("ec2:ModifyVpcEndpoint"), proxy.counts().toString());
        assertEquals(0, proxy.count("ec2:DeleteVpcEndpoints"), proxy.counts().toString());
        assertEquals(0, proxy.count("ec2:CreateTags") + proxy.count("ec2:DeleteTags"), proxy.counts().toString());
        assertEquals(interfacesBefore, interfaces(), "the interface endpoints are as they were");

        List<VpcEndpoint> created = aws.liveEndpoints(interfaceOnlyVpc).stream()
                .filter(e -> !e.vpcEndpointId().equals(foreignInterface)).toList();
        assertEquals(1, created.size(), created.toString());
        assertEquals(VpcEndpointType.GATEWAY, created.get(0).vpcEndpointType(), "apply creates gateway endpoints only");
        assertEquals(List.of(interfaceOnlyTable), created.get(0).routeTableIds());
        assertEquals(List.of(created.get(0).vpcEndpointId() + " Gateway true [\"" + interfaceOnlyTable + "\"]",
                foreignInterface + " Interface false []"), endpoints(interfaceOnly), "the commit's endpoints, and "
                + "the interface endpoint as the survey listed it");

        Instant now = Instant.now();
        Map<Scope, ClaimsDocument> ledger = LeaseLedger.readMany(aws.dynamoDb(), "vpce-pilot-local-LockTable",
                List.of(scope(interfaceOnlyVpc), scope(bothVpc)), EventualConsistency.SLEEP);
        assertEquals(List.of(interfaceOnlyTable), ledger.get(scope(interfaceOnlyVpc)).liveClaims(now).get("standing")
                .routeTableIds());
        assertEquals(List.of(bothTable), ledger.get(scope(bothVpc)).liveClaims(now).get("standing").routeTableIds());
        for (ClaimsDocument claims : ledger.values()) {
            assertFalse(claims.endpoints().containsKey(foreignInterface), claims.toString());
            assertFalse(claims.endpoints().containsKey(ownedInterface), claims.toString());
        }
    }

    @Test
    @Order(3)
    void theNextVerifyIsCompliantWithTheInterfaceEndpointsStillListed() throws Exception {
        Fleet verify = fleet("verify");

        assertEquals("compliant", verify.line(interfaceOnlyVpc).path("status").asText());
        assertEquals("compliant", verify.line(bothVpc).path("status").asText());
        assertEquals(List.of("Gateway", "Interface"), types(verify.line(interfaceOnlyVpc)));
        assertEquals(List.of("Gateway", "Interface"), types(verify.line(bothVpc)));
        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy));
        assertEquals(interfacesBefore, interfaces());
    }

    private static Scope scope(String vpcId) {
        return new Scope(HOME, REGION, vpcId, aws.dynamoDbService());
    }

    private static List<String> types(JsonNode line) {
        List<String> types = new ArrayList<>();
        line.path("endpoints").forEach(e -> types.add(e.path("type").asText()));
        return types;
    }
}
