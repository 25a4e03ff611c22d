package dev.vpcepilot.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.template.CfnYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * Least privilege, read from template.yaml itself (no deploy needed): the rules of {@link IamPolicyChecker} hold
 * for every function and the state machine, each function is granted exactly what its code calls (the map below,
 * which {@link #theMapIsWhatTheCodeCalls} derives again from the sources), and the checker really rejects a
 * template that breaks any rule (so the checks cannot pass by reading nothing).
 */
class TemplateIamTest {

    /** Per handler class, the actions its services call (see each service's SDK calls). */
    static final Map<String, Set<String>> EXPECTED = Map.of(
            // InputValidator (no AWS call), ServiceAvailabilityChecker
            "dev.vpcepilot.handlers.CheckServiceAvailabilityHandler", Set.of("ec2:DescribeVpcEndpointServices"),
            // VpcResolver
            "dev.vpcepilot.handlers.ResolveVpcHandler", Set.of("ec2:DescribeVpcs", "ec2:DescribeRouteTables"),
            // EndpointManager (+ EndpointDeleter for converge); tags on create need ec2:CreateTags
            "dev.vpcepilot.handlers.CreateEndpointHandler", Set.of("ec2:DescribeVpcEndpoints",
                    "ec2:CreateVpcEndpoint", "ec2:CreateTags", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints"),
            // EndpointStatusReader
            "dev.vpcepilot.handlers.GetEndpointStatusHandler", Set.of("ec2:DescribeVpcEndpoints"),
            // EndpointVerifier
            "dev.vpcepilot.handlers.VerifyEndpointHandler", Set.of("ec2:DescribeRouteTables", "dynamodb:ListTables"),
            // EndpointCleaner + EndpointDeleter
            "dev.vpcepilot.handlers.CleanupHandler", Set.of("ec2:DescribeVpcEndpoints", "ec2:DeleteVpcEndpoints"),
            "dev.vpcepilot.handlers.RollbackHandler", Set.of("ec2:DescribeVpcEndpoints", "ec2:DeleteVpcEndpoints"),
            // StepFunctionsWorkflowRunner, EndpointHook (tags for the stack), EndpointCleaner + EndpointDeleter
            "dev.vpcepilot.handlers.CloudFormationHookHandler", Set.of("states:StartExecution",
                    "states:DescribeExecution", "states:StopExecution", "ec2:DescribeVpcEndpoints", "ec2:CreateTags",
                    "ec2:DeleteVpcEndpoints"));

    private static Path root;
    private static String templateText;
    private static JsonNode template;

    @BeforeAll
    static void read() throws IOException {
        String property = System.getProperty("vpcepilot.projectRoot");
        root = (property == null || property.isBlank() ? Path.of("..") : Path.of(property))
                .toAbsolutePath().normalize();
        templateText = Files.readString(root.resolve("template.yaml"), StandardCharsets.UTF_8);
        template = CfnYaml.parse(templateText);
    }

    // ---- the real template ----

    static Stream<String> principals() throws IOException {
        read();
        return IamPolicyChecker.principals(template).stream().map(IamPolicyChecker.Principal::logicalId);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("principals")
    void everyFunctionAndTheStateMachineFollowTheRules(String logicalId) {
        IamPolicyChecker.Principal principal = IamPolicyChecker.byLogicalId(template).get(logicalId);
        assertFalse(principal.statements().isEmpty(), logicalId + " is granted something: the check saw it");

        List<String> problems = IamPolicyChecker.check(template, EXPECTED).stream()
                .filter(p -> p.startsWith(logicalId + ":") || p.startsWith(logicalId + " ")).toList();

        assertEquals(List.of(), problems);
    }

    @Test
    void theWholeTemplatePassesAndEveryPrincipalWasRead() {
        assertEquals(List.of(), IamPolicyChecker.check(template, EXPECTED));
        Map<String, IamPolicyChecker.Principal> principals = IamPolicyChecker.byLogicalId(template);
        long functions = principals.values().stream().filter(p -> p.type().equals("AWS::Serverless::Function")).count();
        long stateMachines = principals.values().stream()
                .filter(p -> p.type().equals("AWS::Serverless::StateMachine")).count();
        assertEquals(EXPECTED.size(), functions, "one function per handler: " + principals.keySet());
        assertEquals(1, stateMachines);
        // the safety-relevant statements are where the README says
        for (String deleter : List.of("CreateEndpointFunction", "CleanupFunction", "RollbackFunction",
                "CloudFormationHookFunction")) {
            assertTrue(principals.get(deleter).allowedActions().contains("ec2:DeleteVpcEndpoints"), deleter);
        }
        Set<String> everyAction = principals.values().stream().flatMap(p -> p.allowedActions().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(everyAction.containsAll(Set.of("ec2:CreateVpcEndpoint", "ec2:CreateTags", "lambda:InvokeFunction",
                "states:StartExecution", "dynamodb:ListTables")), everyAction.toString());
    }

    @Test
    void theStateMachineMayInvokeExactlyTheFunctionsItsDefinitionUses() {
        IamPolicyChecker.Principal machine = IamPolicyChecker.byLogicalId(template).get("EndpointStateMachine");
        Set<String> invokable = machine.statements().stream()
                .filter(s -> s.actions().contains("lambda:InvokeFunction"))
                .flatMap(s -> s.resources().stream())
                .filter(r -> !r.endsWith(":*"))
                .map(r -> r.substring("function:".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> substituted = new TreeSet<>();
        template.path("Resources").path("EndpointStateMachine").path("Properties").path("DefinitionSubstitutions")
                .forEach(v -> {
                    String ref = v.path("Ref").asText("").replaceFirst("\\.Alias$", "");
                    String type = template.path("Resources").path(ref).path("Type").asText();
                    if ("AWS::Serverless::Function".equals(type)) {
                        substituted.add(ref);
                    }
                });
        assertEquals(substituted, invokable, "no function the workflow does not run (the hook is not invokable)");
        assertFalse(invokable.contains("CloudFormationHookFunction"));
    }

    @Test
    void theMapIsWhatTheCodeCalls() {
        CodeActions code = new CodeActions(root.resolve("functions/src/main/java"));
        Set<String> handlers = new TreeSet<>();
        template.path("Resources").forEach(resource -> {
            if ("AWS::Serverless::Function".equals(resource.path("Type").asText())) {
                handlers.add(resource.path("Properties").path("Handler").asText().replaceFirst("::.*$", ""));
            }
        });
        assertEquals(new TreeSet<>(EXPECTED.keySet()), handlers, "every function of the template is in the map");
        for (String handler : handlers) {
            assertEquals(new TreeSet<>(EXPECTED.get(handler)), code.actions(handler),
                    handler + " (classes reached: " + code.reachable(handler.substring(handler.lastIndexOf('.') + 1))
                            + ")");
        }
    }

    // ---- the checker rejects what breaks a rule ----

    static Stream<Arguments> brokenTemplates() {
        String endpointArns = at(14, "Resource:")
                + at(16, "- !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-endpoint/*")
                + at(16, "- !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:route-table/*");
        return Stream.of(
                broken("Action \"*\"", "  CheckServiceAvailabilityFunction:", "Action: ec2:DescribeVpcEndpointServices",
                        "Action: \"*\"", "wildcard action *"),
                broken("Action ec2:*", "  CheckServiceAvailabilityFunction:", "Action: ec2:DescribeVpcEndpointServices",
                        "Action: ec2:*", "wildcard action ec2:*"),
                broken("a wildcard inside an action name", "  ResolveVpcFunction:", "- ec2:DescribeVpcs",
                        "- ec2:Describe*", "wildcard action ec2:Describe*"),
                broken("a wildcard action on the state machine", "  EndpointStateMachine:", "- xray:GetSamplingTargets",
                        "- xray:*", "wildcard action xray:*"),
                broken("NotAction", "  CheckServiceAvailabilityFunction:", "Action: ec2:DescribeVpcEndpointServices",
                        "NotAction: iam:PassRole", "NotAction in an Allow"),
                broken("an unconditioned delete", "  CleanupFunction:",
                        at(14, "Condition:") + at(16, "StringEquals:")
                                + at(18, "aws:ResourceTag/managed-by: vpce-pilot"), "",
                        "CleanupFunction statement DeleteOwnedOnly: ec2:DeleteVpcEndpoints without Condition"),
                broken("a delete conditioned on another owner", "  RollbackFunction:",
                        "aws:ResourceTag/managed-by: vpce-pilot", "aws:ResourceTag/managed-by: someone-else",
                        "RollbackFunction statement DeleteOwnedOnly: ec2:DeleteVpcEndpoints without Condition"),
                broken("one more delete, conditioned with StringLike *", "  CloudFormationHookFunction:",
                        "- Sid: DeleteOwnedOnly", "- Sid: Sneaky\n" + at(14, "Effect: Allow")
                                + at(14, "Action: ec2:DeleteVpcEndpoints") + at(14, "Resource: \"*\"")
                                + at(14, "Condition:") + at(16, "StringLike:")
                                + at(18, "aws:ResourceTag/managed-by: \"*\"") + " ".repeat(12)
                                + "- Sid: DeleteOwnedOnly",
                        "CloudFormationHookFunction statement Sneaky: ec2:DeleteVpcEndpoints without Condition"),
                broken("a create of untagged endpoints", "Sid: CreateOnlyTaggedEndpoints",
                        at(14, "Condition:") + at(16, "StringEquals:")
                                + at(18, "aws:RequestTag/managed-by: vpce-pilot"), "",
                        "CreateOnlyTaggedEndpoints: ec2:CreateVpcEndpoint on vpc-endpoint resources without Condition"),
                broken("a create on every resource", "Sid: CreateInVpcsAndRouteTables",
                        at(14, "Resource:")
                                + at(16, "- !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/*")
                                + at(16, "- !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}"
                                        + ":route-table/*"),
                        at(14, "Resource: \"*\""),
                        "CreateInVpcsAndRouteTables: ec2:CreateVpcEndpoint on vpc-endpoint resources without "
                                + "Condition"),
                broken("an unconditioned CreateTags", "Sid: TagOnCreateOnly",
                        at(14, "Condition:") + at(16, "StringEquals:") + at(18, "ec2:CreateAction: CreateVpcEndpoint"),
                        "", "TagOnCreateOnly: ec2:CreateTags without Condition"),
                broken("CreateTags on every resource", "Sid: MarkOwnedEndpointsForTheirStack",
                        "Resource: !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-endpoint/*",
                        "Resource: \"*\"", "MarkOwnedEndpointsForTheirStack: ec2:CreateTags on *"),
                broken("ModifyVpcEndpoint on every resource", "Sid: AddRouteTablesAndPolicy", endpointArns,
                        at(14, "Resource: \"*\""), "ec2:ModifyVpcEndpoint on Resource \"*\""),
                broken("an action the code never calls", "  ResolveVpcFunction:", "- ec2:DescribeVpcs",
                        "- ec2:DescribeVpcs\n" + " ".repeat(16) + "- ec2:DescribeVpcEndpoints",
                        "ResolveVpcFunction: granted ec2:DescribeVpcEndpoints, which its code never calls"),
                broken("a delete for a function that never deletes", "  GetEndpointStatusFunction:",
                        "Action: ec2:DescribeVpcEndpoints",
                        "Action: [ec2:DescribeVpcEndpoints, ec2:DeleteVpcEndpoints]",
                        "GetEndpointStatusFunction: granted ec2:DeleteVpcEndpoints"),
                broken("a state machine granted more", "  EndpointStateMachine:", "- xray:GetSamplingTargets",
                        "- xray:GetSamplingTargets\n" + " ".repeat(16) + "- dynamodb:DeleteTable",
                        "EndpointStateMachine: granted dynamodb:DeleteTable"),
                broken("a permission the code needs is missing", "  VerifyEndpointFunction:",
                        "Action: dynamodb:ListTables", "Action: dynamodb:DescribeTable",
                        "VerifyEndpointFunction: missing dynamodb:ListTables"),
                broken("a managed policy", "  CheckServiceAvailabilityFunction:", at(6, "Policies:"),
                        at(6, "Policies:") + at(8, "- AmazonEC2FullAccess"),
                        "uses the managed policy AmazonEC2FullAccess"),
                broken("a policy template the check cannot expand", "  GetEndpointStatusFunction:", at(6, "Policies:"),
                        at(6, "Policies:") + at(8, "- EC2DescribePolicy: {}"),
                        "uses the policy template EC2DescribePolicy"),
                broken("a role of its own", "  ResolveVpcFunction:", at(6, "Policies:"),
                        at(6, "Role: arn:aws:iam::123456789012:role/admin") + at(6, "Policies:"),
                        "ResolveVpcFunction: has a Role"),
                broken("a function the map does not know", "Resources:\n", "Resources:\n", "Resources:\n"
                        + at(2, "ExtraFunction:") + at(4, "Type: AWS::Serverless::Function") + at(4, "Properties:")
                        + at(6, "Handler: dev.vpcepilot.handlers.ExtraHandler::handleRequest") + at(6, "Policies:")
                        + at(8, "- Statement:") + at(12, "- Effect: Allow") + at(14, "Action: ec2:DescribeVpcs")
                        + at(14, "Resource: \"*\""),
                        "no expected action set for its handler dev.vpcepilot.handlers.ExtraHandler"),
                broken("an IAM role resource", "Resources:\n", "Resources:\n", "Resources:\n"
                        + at(2, "AdminRole:") + at(4, "Type: AWS::IAM::Role") + at(4, "Properties:")
                        + at(6, "AssumeRolePolicyDocument: {}") + at(6, "Policies:") + at(8, "- PolicyName: admin")
                        + at(10, "PolicyDocument:") + at(12, "Statement:") + at(14, "- Effect: Allow")
                        + at(16, "Action: \"*\"") + at(16, "Resource: \"*\""),
                        "AdminRole: wildcard action *"));
    }

    /** One line of YAML at an indentation. */
    private static String at(int indent, String line) {
        return " ".repeat(indent) + line + "\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void theCheckerRejectsABrokenTemplate(String what, String anchor, String original, String replacement,
                                          String expectedProblem) {
        String text = replaceAfter(templateText, anchor, original, replacement);
        assertNotEquals(templateText, text);

        List<String> problems = IamPolicyChecker.check(CfnYaml.parse(text), EXPECTED);

        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedProblem)),
                what + ": expected a problem containing '" + expectedProblem + "', got " + problems);
    }

    @Test
    void aTemplateWithoutAnyPermissionIsNotAPass() {
        JsonNode empty = CfnYaml.parse("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
        assertFalse(IamPolicyChecker.check(empty, EXPECTED).isEmpty());
    }

    private static Arguments broken(String what, String anchor, String original, String replacement,
                                    String expectedProblem) {
        return Arguments.of(what, anchor, original, replacement, expectedProblem);
    }

    /** Replaces the first {@code original} after {@code anchor}; fails if either is missing. */
    private static String replaceAfter(String text, String anchor, String original, String replacement) {
        int from = text.indexOf(anchor);
        assertTrue(from >= 0, "anchor not in template.yaml: " + anchor);
        int at = text.indexOf(original, from);
        assertTrue(at >= 0, "not in template.yaml after " + anchor + ": " + original);
        return text.substring(0, at) + replacement + text.substring(at + original.length());
    }
}
