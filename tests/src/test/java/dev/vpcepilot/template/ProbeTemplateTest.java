package dev.vpcepilot.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.template.CfnYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe inside the VPC in template.yaml, read as CloudFormation would deploy it (after the SAM transform, with
 * the parameters a user gives: {@code scripts/sam-transform.py --parameter}): without ProbeVpcId and ProbeSubnetIds
 * there is no probe resource and the state machine's ProbeHere matches no VPC; with them the function is attached to
 * those subnets, its role lists tables only under {@code aws:SourceVpc} = ProbeVpcId, and unless
 * ProbeSecurityGroupIds names the security groups, the stack makes one that allows only TCP 443 out.
 */
@Static
class ProbeTemplateTest {

    private static final String VPC = "vpc-0123456789abcdef0";
    private static final String SUBNETS = "subnet-0123456789abcdef0,subnet-0123456789abcdef1";
    private static final String GROUPS = "sg-0123456789abcdef0,sg-0123456789abcdef1";

    private static String templateText;
    private static SamTransform sam;
    private static JsonNode withoutProbe;
    private static JsonNode withProbe;
    private static JsonNode withProbeInItsGroups;

    @BeforeAll
    static void deploy() throws IOException {
        templateText = Files.readString(TestProject.root().resolve("template.yaml"), StandardCharsets.UTF_8);
        sam = new SamTransform(TestProject.root());
        // the script decides conditions only when given a parameter: the default, stated
        withoutProbe = sam.deployed(templateText, Map.of("ProbeVpcId", ""));
        withProbe = sam.deployed(templateText, Map.of("ProbeVpcId", VPC, "ProbeSubnetIds", SUBNETS));
        withProbeInItsGroups = sam.deployed(templateText, Map.of("ProbeVpcId", VPC, "ProbeSubnetIds", SUBNETS,
                "ProbeSecurityGroupIds", GROUPS));
    }

    private static List<String> probeResources(JsonNode template) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = template.path("Resources").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.contains("Probe")) {
                names.add(name);
            }
        }
        return names;
    }

    private static JsonNode resource(JsonNode template, String logicalId) {
        JsonNode resource = template.path("Resources").path(logicalId);
        assertFalse(resource.isMissingNode(), logicalId + " is not in the stack");
        return resource.path("Properties");
    }

    private static JsonNode substitutions(JsonNode template) {
        return resource(template, "EndpointStateMachine").path("DefinitionSubstitutions");
    }

    @Test
    void withoutTheProbeParametersThereIsNoProbeResourceAndProbeHereMatchesNoVpc() {
        assertEquals(List.of(), probeResources(withoutProbe));
        assertEquals("", substitutions(withoutProbe).path("ProbeVpcId").asText("not a string"));
        assertFalse(resource(withoutProbe, "EndpointStateMachineRole").toString().contains("DataPathProbeFunction"),
                "no permission to invoke a probe that is not there");
    }

    @Test
    void withThemTheProbeIsAttachedToItsSubnetsInAGroupThatAllowsOnlyHttpsOut() {
        assertEquals(List.of("DataPathProbeFunction", "DataPathProbeFunctionAliaslive", "DataPathProbeFunctionRole",
                "DataPathProbeSecurityGroup"), probeResources(withProbe).stream()
                .filter(name -> !name.startsWith("DataPathProbeFunctionVersion")).sorted().toList());
        JsonNode function = resource(withProbe, "DataPathProbeFunction");
        assertEquals(CfnYaml.parse("SubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]\n"
                + "SecurityGroupIds: [!Ref DataPathProbeSecurityGroup]\n"), function.path("VpcConfig"));
        assertEquals("vpc", function.path("Environment").path("Variables").path("PROBE_PLACEMENT").asText());
        assertEquals("dev.vpcepilot.handlers.DataPathProbeHandler::handleRequest", function.path("Handler").asText());

        JsonNode group = resource(withProbe, "DataPathProbeSecurityGroup");
        assertEquals(VPC, group.path("VpcId").asText());
        assertEquals(1, group.path("SecurityGroupEgress").size(), group::toString);
        JsonNode egress = group.path("SecurityGroupEgress").get(0);
        assertEquals("tcp", egress.path("IpProtocol").asText());
        assertEquals(443, egress.path("FromPort").asInt());
        assertEquals(443, egress.path("ToPort").asInt());
        assertFalse(group.has("SecurityGroupIngress"), "nothing comes in");

        assertEquals(VPC, substitutions(withProbe).path("ProbeVpcId").asText());
    }

    @Test
    void itsRoleListsTablesOnlyUnderTheProbesSourceVpc() {
        JsonNode role = resource(withProbe, "DataPathProbeFunctionRole");
        assertEquals(1, role.path("Policies").size(), role::toString);
        JsonNode statements = role.path("Policies").get(0).path("PolicyDocument").path("Statement");
        assertEquals(1, statements.size(), statements::toString);
        JsonNode listTables = statements.get(0);
        assertEquals("dynamodb:ListTables", listTables.path("Action").asText());
        assertEquals("Allow", listTables.path("Effect").asText());
        assertEquals(CfnYaml.parse("StringEquals:\n  aws:SourceVpc: " + VPC + "\n"), listTables.path("Condition"));
        assertTrue(role.path("ManagedPolicyArns").toString().contains(
                "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"), role::toString);
        assertTrue(resource(withProbe, "EndpointStateMachineRole").toString().contains("\"DataPathProbeFunction\""),
                "the state machine may invoke the probe");
    }

    @Test
    void withItsOwnSecurityGroupsTheStackMakesNone() {
        assertFalse(withProbeInItsGroups.path("Resources").has("DataPathProbeSecurityGroup"));
        assertEquals(CfnYaml.parse("SecurityGroupIds: [sg-0123456789abcdef0, sg-0123456789abcdef1]\n")
                        .path("SecurityGroupIds"),
                resource(withProbeInItsGroups, "DataPathProbeFunction").path("VpcConfig").path("SecurityGroupIds"));
    }

    @Test
    void theVpcAndItsSubnetsAreGivenTogetherOrNotAtAll() {
        IllegalStateException vpcAlone = assertThrows(IllegalStateException.class,
                () -> sam.deployed(templateText, Map.of("ProbeVpcId", VPC)));
        assertTrue(vpcAlone.getMessage().contains("Set ProbeSubnetIds (the probe's subnets in ProbeVpcId) with "
                + "ProbeVpcId, or neither."), vpcAlone.getMessage());
        IllegalStateException subnetsAlone = assertThrows(IllegalStateException.class,
                () -> sam.deployed(templateText, Map.of("ProbeSubnetIds", SUBNETS)));
        assertTrue(subnetsAlone.getMessage().contains("Set ProbeVpcId (the VPC of ProbeSubnetIds) with "
                + "ProbeSubnetIds, or neither."), subnetsAlone.getMessage());
    }
}
