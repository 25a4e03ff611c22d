package dev.vpcepilot.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.template.CfnYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * target-role.yaml, the role the fleet assumes in each target account, read as CloudFormation gets it (no SAM
 * transform: it is a plain template): trusted by the fleet's role alone, under aws:PrincipalOrgID and (when set)
 * sts:ExternalId; granted exactly the EC2 calls the fleet's handlers make in a target, read from their call graph,
 * under the tag conditions of rule 1 in every region, and never ec2:DeleteVpcEndpoints. The checker rejects each
 * broken variant below, so it cannot pass by reading nothing.
 */
@Static
class TargetRoleIamTest {

    private static final String ROLE = "TargetRole";

    private static String text;
    private static JsonNode template;
    private static Set<String> expected;

    @BeforeAll
    static void read() throws IOException {
        Path root = TestProject.root();
        text = Files.readString(root.resolve("target-role.yaml"), StandardCharsets.UTF_8);
        template = CfnYaml.parse(text);
        CodeActions code = new CodeActions(root.resolve("functions/src/main/java"));
        expected = new TreeSet<>();
        // FleetRole's functions: what they call in a target goes through its role there; the lock table, the
        // report bucket, STS and Organizations are the fleet's own account's
        for (String handler : List.of("FleetPlanHandler", "FleetSurveyHandler", "FleetApplyHandler",
                "FleetCommitHandler")) {
            code.reach("dev.vpcepilot.handlers." + handler).actions().stream().filter(a -> a.startsWith("ec2:"))
                    .forEach(expected::add);
        }
    }

    @Test
    void theTargetRoleFollowsTheRules() {
        assertEquals(List.of(), IamPolicyChecker.checkTargetRole(template, ROLE, expected));
    }

    @Test
    void itGrantsWhatTheFleetCallsInATargetAndNeverADelete() {
        Set<String> fleetEc2 = TemplateIamTest.FLEET.values().stream().flatMap(Set::stream)
                .filter(a -> a.startsWith("ec2:")).collect(Collectors.toCollection(TreeSet::new));
        IamPolicyChecker.Role role = IamPolicyChecker.roles(template).get(ROLE);

        assertEquals(fleetEc2, expected, "the map of TemplateIamTest and the call graph agree");
        assertEquals(expected, role.allowedActions());
        assertFalse(role.allowedActions().contains("ec2:DeleteVpcEndpoints"));
    }

    @Test
    void theOrganizationIsRequiredAndTheExternalIdOptional() {
        JsonNode parameters = template.path("Parameters");
        assertTrue(parameters.path("OrganizationId").path("Default").isMissingNode(), "no default: always set");
        assertFalse("".matches(parameters.path("OrganizationId").path("AllowedPattern").asText()));
        assertTrue("".matches(parameters.path("ExternalId").path("AllowedPattern").asText()));
    }

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                // the trust
                Arguments.of("a trust without PrincipalOrgID", "                aws:PrincipalOrgID: !Ref OrganizationId\n",
                        "", "TargetRole trust: without aws:PrincipalOrgID"),
                Arguments.of("PrincipalOrgID of a parameter that may be empty", "AllowedPattern: ^o-[a-z0-9]{10,32}$",
                        "AllowedPattern: ^(o-[a-z0-9]{10,32})?$", "TargetRole trust: without aws:PrincipalOrgID"),
                Arguments.of("a trust without ExternalId",
                        "                sts:ExternalId: !If [HasExternalId, !Ref ExternalId, !Ref AWS::NoValue]\n",
                        "", "TargetRole trust: without sts:ExternalId"),
                Arguments.of("an ExternalId that is never required",
                        "!If [HasExternalId, !Ref ExternalId, !Ref AWS::NoValue]",
                        "!If [HasExternalId, !Ref AWS::NoValue, !Ref AWS::NoValue]",
                        "TargetRole trust: without sts:ExternalId"),
                Arguments.of("a trust of anyone", "AWS: !Ref FleetRoleArn", "AWS: \"*\"",
                        "TargetRole trust: may be assumed by"),
                Arguments.of("a trust of the whole fleet account", "AWS: !Ref FleetRoleArn",
                        "AWS: !Sub arn:${AWS::Partition}:iam::111111111111:root", "TargetRole trust: may be assumed by"),
                Arguments.of("a trust under StringLike", "              StringEquals:\n                sts:ExternalId",
                        "              StringLike:\n                sts:ExternalId",
                        "TargetRole trust: a condition operator StringLike"),
                // the permissions
                Arguments.of("a Delete grant", "Action: ec2:ModifyVpcEndpoint",
                        "Action: [ec2:ModifyVpcEndpoint, ec2:DeleteVpcEndpoints]",
                        "TargetRole: granted ec2:DeleteVpcEndpoints, which it is never granted"),
                Arguments.of("an unconditioned CreateTags",
                        "                Condition:\n                  StringEquals:\n"
                                + "                    ec2:CreateAction: CreateVpcEndpoint\n", "",
                        "TargetRole statement TagOnCreateOnly: ec2:CreateTags on vpc-endpoint resources without the "
                                + "condition"),
                Arguments.of("the holder's tags without the Null guard",
                        "                  \"Null\":\n                    aws:TagKeys: \"false\"\n", "",
                        "TargetRole statement HolderTagsOwnedEndpointsOnly: ec2:DeleteTags on vpc-endpoint resources "
                                + "without the condition"),
                Arguments.of("endpoints of any service", "ec2:VpceServiceName: com.amazonaws.*.dynamodb",
                        "ec2:VpceServiceName: com.amazonaws.*",
                        "TargetRole statement CreateOnlyTaggedDynamoDbEndpoints: ec2:CreateVpcEndpoint on vpc-endpoint "
                                + "resources without the condition"),
                Arguments.of("modify of endpoints that are not ours",
                        "                Action: ec2:ModifyVpcEndpoint\n"
                                + "                Resource: !Sub arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:vpc-endpoint/*\n"
                                + "                Condition:\n                  StringEquals:\n"
                                + "                    aws:ResourceTag/managed-by: vpce-pilot\n",
                        "                Action: ec2:ModifyVpcEndpoint\n"
                                + "                Resource: !Sub arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:vpc-endpoint/*\n",
                        "TargetRole statement ModifyOwnedEndpointsOnly: ec2:ModifyVpcEndpoint on vpc-endpoint "
                                + "resources without the condition"),
                Arguments.of("endpoints of every account", "ec2:*:${AWS::AccountId}:vpc-endpoint/*",
                        "ec2:*:*:vpc-endpoint/*", "which is none of its resources"),
                Arguments.of("a read the fleet never makes", "                  - ec2:DescribeVpcs\n",
                        "                  - ec2:DescribeVpcs\n                  - ec2:DescribeSecurityGroups\n",
                        "TargetRole: granted ec2:DescribeSecurityGroups, which TargetRole never calls"),
                Arguments.of("prefix lists of every owner", "ec2:*:aws:prefix-list/*",
                        "ec2:*:*:prefix-list/*", "which is none of its resources"),
                Arguments.of("a managed policy", "      Policies:\n",
                        "      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess\n"
                                + "      Policies:\n", "TargetRole: attaches the managed policies"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void theCheckerRejectsABrokenTargetRole(String what, String original, String replacement, String expectedProblem) {
        assertTrue(text.contains(original), what + ": not in target-role.yaml: " + original);
        JsonNode broken = CfnYaml.parse(text.replaceFirst(java.util.regex.Pattern.quote(original),
                java.util.regex.Matcher.quoteReplacement(replacement)));

        List<String> problems = IamPolicyChecker.checkTargetRole(broken, ROLE, expected);

        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedProblem)),
                what + ": expected a problem containing '" + expectedProblem + "', got " + problems);
    }
}
