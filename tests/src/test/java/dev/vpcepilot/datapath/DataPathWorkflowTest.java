package dev.vpcepilot.datapath;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.cfn.LocalCustomResource;
import dev.vpcepilot.local.moto.MotoServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * The data path through the real state machine and handlers against moto_server: VPCs built in
 * the emulator with subnets on served, unserved and main route tables, a more specific route inside a prefix-list
 * CIDR, network ACL rules that deny the way out or the way back, and {@code requireDataPath} true and false. moto
 * seeds the DynamoDB prefix list with real CIDRs (52.94.0.0/22, 52.119.224.0/20, ...).
 */
@Workflow
class DataPathWorkflowTest {

    private static final Pattern GATEWAY_ID = Pattern.compile("<internetGatewayId>(igw-[0-9a-f]+)</internetGatewayId>");

    private static MotoServer moto;
    private static LocalWorkflow workflow;
    private MotoEc2 aws;
    private String vpcId;
    private String mainTable;
    private String mainSubnet;

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

    /** A VPC of its own with one subnet on the main table (implicitly: no association). */
    @BeforeEach
    void vpcWithASubnetOnTheMainTable() {
        moto = Moto.fresh();
        workflow.provision();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        vpcId = aws.createVpc("10.0.0.0/16");
        mainTable = aws.mainRouteTableId(vpcId);
        mainSubnet = aws.createSubnet(vpcId, "10.0.1.0/24");
    }

    @AfterEach
    void closeClients() {
        aws.close();
    }

    private ExecutionResult run(String extra) {
        return workflow.run(json("{\"vpcId\":\"" + vpcId + "\"" + extra + "}"));
    }

    private static JsonNode succeeded(ExecutionResult result) {
        assertTrue(result.succeeded(), () -> "expected success, got " + result.error() + ": " + result.cause()
                + "\nstates: " + result.statesEntered());
        JsonNode verification = result.output().get("verification");
        assertTrue(verification.get("routesOk").asBoolean());
        assertTrue(verification.get("dataPathOk").isBoolean(), verification::toString);
        return verification;
    }

    private static JsonNode subnet(JsonNode verification, String subnetId) {
        for (JsonNode subnet : verification.get("subnets")) {
            if (subnetId.equals(subnet.get("subnetId").asText())) {
                return subnet;
            }
        }
        throw new AssertionError(subnetId + " is not in " + verification);
    }

    private String defaultAcl() {
        return aws.ec2().describeNetworkAcls(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("default").values("true").build())).networkAcls().get(0).networkAclId();
    }

    private void aclEntry(String aclId, int rule, boolean egress, String cidr, int from, int to, String action) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("NetworkAclId", aclId);
        entry.put("RuleNumber", Integer.toString(rule));
        entry.put("Protocol", "6");
        entry.put("RuleAction", action);
        entry.put("Egress", Boolean.toString(egress));
        entry.put("CidrBlock", cidr);
        entry.put("PortRange.From", Integer.toString(from));
        entry.put("PortRange.To", Integer.toString(to));
        aws.query("CreateNetworkAclEntry", entry);
    }

    private String internetGateway() {
        Matcher m = GATEWAY_ID.matcher(aws.query("CreateInternetGateway", Map.of()));
        assertTrue(m.find());
        aws.query("AttachInternetGateway", Map.of("InternetGatewayId", m.group(1), "VpcId", vpcId));
        return m.group(1);
    }

    @Test
    void aSubnetImplicitlyOnTheServedMainTableIsReachable() {
        JsonNode verification = succeeded(run(""));
        assertTrue(verification.get("dataPathOk").asBoolean());
        assertEquals(1, verification.get("subnets").size(), verification::toString);
        JsonNode subnet = subnet(verification, mainSubnet);
        assertEquals(mainTable, subnet.get("routeTableId").asText());
        assertEquals("reachable", subnet.get("verdict").asText());
        assertTrue(subnet.get("detail").asText().contains(mainTable + " (main) routes pl-"), subnet::toString);
        assertTrue(subnet.get("detail").asText().contains("52.94.0.0/22"), subnet::toString);
        assertTrue(subnet.get("detail").asText().contains("allows TCP 443 out and TCP 1024-65535 back"),
                subnet::toString);
    }

    @Test
    void aSubnetOnATableTheInputDidNotAskForIsUnservedAndDoesNotCount() {
        String otherTable = aws.createAssociatedRouteTable(vpcId, "10.0.2.0/24");
        String otherSubnet = aws.routeTable(otherTable).associations().get(0).subnetId();
        for (boolean required : List.of(false, true)) {
            ExecutionResult result = run(",\"routeTableIds\":[\"" + mainTable + "\"],\"requireDataPath\":"
                    + required);
            JsonNode verification = succeeded(result);
            assertTrue(verification.get("dataPathOk").asBoolean(), "only subnets on served tables count");
            assertEquals("reachable", subnet(verification, mainSubnet).get("verdict").asText());
            JsonNode other = subnet(verification, otherSubnet);
            assertEquals(otherTable, other.get("routeTableId").asText(), "its explicit association decides");
            assertEquals("unserved", other.get("verdict").asText());
            assertEquals(otherTable + " has no route to " + result.output().get("prefixListId").asText(),
                    other.get("detail").asText());
        }
    }

    @Test
    void aMoreSpecificRouteInsideAPrefixListCidrOverridesTheEndpoint() {
        String igw = internetGateway();
        aws.query("CreateRoute", Map.of("RouteTableId", mainTable, "DestinationCidrBlock", "52.94.0.0/24",
                "GatewayId", igw));
        JsonNode verification = succeeded(run(""));
        assertFalse(verification.get("dataPathOk").asBoolean());
        JsonNode subnet = subnet(verification, mainSubnet);
        assertEquals("overridden", subnet.get("verdict").asText());
        assertTrue(subnet.get("detail").asText().contains("routes 52.94.0.0/24 to " + igw + ": more specific than "),
                subnet::toString);

        ExecutionResult required = run(",\"requireDataPath\":true");
        assertBlockedWithoutUndo(required, "overridden");
    }

    @Test
    void aNetworkAclDenyingHttpsOutBeforeItsAllowBlocksTheWayOut() {
        // the default ACL allows everything at rule 100; rule 90 comes first
        aclEntry(defaultAcl(), 90, true, "52.119.224.0/20", 443, 443, "deny");
        JsonNode verification = succeeded(run(",\"requireDataPath\":false"));
        assertFalse(verification.get("dataPathOk").asBoolean());
        JsonNode subnet = subnet(verification, mainSubnet);
        assertEquals("nacl-egress", subnet.get("verdict").asText());
        assertTrue(subnet.get("detail").asText().startsWith(defaultAcl() + " outbound rule 90 (deny 52.119.224.0/20) "
                + "denies TCP 443 to pl-"), subnet::toString);

        assertBlockedWithoutUndo(run(",\"requireDataPath\":true"), "nacl-egress");
    }

    @Test
    void aNetworkAclDenyingTheReturnTrafficBlocksTheWayBack() {
        aclEntry(defaultAcl(), 50, false, "52.94.0.0/22", 1024, 65535, "deny");
        JsonNode verification = succeeded(run(""));
        assertFalse(verification.get("dataPathOk").asBoolean());
        JsonNode subnet = subnet(verification, mainSubnet);
        assertEquals("nacl-ingress", subnet.get("verdict").asText());
        assertTrue(subnet.get("detail").asText().contains("inbound rule 50 (deny 52.94.0.0/22) denies the return "
                + "traffic, TCP to ports 1024-65535"), subnet::toString);

        assertBlockedWithoutUndo(run(",\"requireDataPath\":true"), "nacl-ingress");
    }

    /**
     * DataPathBlocked names the subnet and why, goes through no rollback, and leaves the endpoint and the standing
     * claim: the next run reuses the endpoint.
     */
    private void assertBlockedWithoutUndo(ExecutionResult result, String verdict) {
        assertFalse(result.succeeded());
        assertNull(result.output());
        assertEquals("DataPathBlocked", result.error(), result::cause);
        assertTrue(result.cause().startsWith("1 subnet on the served route tables cannot reach the service through "
                + "the endpoint: " + mainSubnet + " (" + mainTable + "): " + verdict + ", "), result.cause());
        assertTrue(result.cause().endsWith("The endpoint is kept and claimed: what blocks the path is not this run's "
                + "to change."), result.cause());
        assertFalse(result.cause().contains("errorMessage"), result.cause());
        assertTrue(result.statesEntered().contains("DataPathBlocked"), result.statesEntered()::toString);
        assertFalse(result.statesEntered().contains("HandleFailure"), result.statesEntered()::toString);
        assertEquals(1, aws.liveEndpoints(vpcId).size(), "the endpoint stays");
        JsonNode next = run("").output();
        assertFalse(next.get("created").asBoolean(), "the next run reuses it");
        assertEquals("standing", next.get("claims").get(0).asText());
    }

    private LocalCustomResource.Answer create(String requestId, String requireDataPath) {
        ObjectNode request = (ObjectNode) json("{\"RequestType\":\"Create\",\"RequestId\":\"" + requestId + "\","
                + "\"ResponseURL\":\"https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x\","
                + "\"StackId\":\"arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/"
                + "5b6b1a40-0000-11ef-9c5a-0a1b2c3d4e5f\",\"LogicalResourceId\":\"DynamoDbEndpoint\","
                + "\"ResourceType\":\"Custom::DynamoDbVpcEndpoint\",\"ResourceProperties\":{\"ServiceToken\":\"t\","
                + "\"VpcId\":\"" + vpcId + "\",\"RequireDataPath\":\"" + requireDataPath + "\"}}");
        try (LocalCustomResource hook = LocalCustomResource.inProcess(TestProject.root(), workflow, moto.endpoint(),
                Optional.empty(), 0, line -> { })) {
            return hook.handle(request);
        }
    }

    @Test
    void theCustomResourcesRequireDataPathFailsTheCreateWithoutUndoingTheEndpoint() {
        aclEntry(defaultAcl(), 90, true, "52.94.0.0/22", 443, 443, "deny");
        LocalCustomResource.Answer required = create("a0000000-0000-4000-8000-000000000001", "true");
        assertFalse(required.success(), required.response()::toString);
        String reason = required.response().path("Reason").asText();
        assertTrue(reason.contains("DataPathBlocked"), reason);
        assertTrue(reason.contains(mainSubnet + " (" + mainTable + "): nacl-egress"), reason);
        assertEquals(1, aws.liveEndpoints(vpcId).size(), "the execution undid nothing");

        LocalCustomResource.Answer reported = create("a0000000-0000-4000-8000-000000000002", "false");
        assertTrue(reported.success(), reported.response()::toString);
        assertEquals(aws.liveEndpoints(vpcId).get(0).vpcEndpointId(),
                reported.response().path("PhysicalResourceId").asText(), "the kept endpoint is reused");
    }
}
