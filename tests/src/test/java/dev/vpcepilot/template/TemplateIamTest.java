package dev.vpcepilot.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.level.Static;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.template.CfnYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege, read from template.yaml after the SAM transform (what CloudFormation gets; no deploy needed):
 * every role the transform makes follows {@link IamRules} (rule 1's conditions among them), each function is
 * granted exactly what its code calls (the map below, which {@link #theMapIsWhatTheCodeCalls} derives again from
 * the sources), and the checker really rejects a template that breaks a rule (so it cannot pass by reading
 * nothing). Needs python3 with samtranslator (cfn-lint installs it, as .ci/run does); without it these tests fail
 * and say so.
 */
@Static
class TemplateIamTest {

    /** The lock client's calls (a library: {@link CodeActions#LIBRARY_ACTIONS}), for every handler that locks. */
    private static final Set<String> LOCK = Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
    /** VpcObserver: the endpoints and route tables of the scope, read under its lock. */
    private static final Set<String> OBSERVE = Set.of("ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables");
    /**
     * What goes with an interface endpoint (InterfaceWrites): its groups read while it exists, and those carrying the
     * ownership tag deleted after it.
     */
    private static final Set<String> INTERFACE_GROUP = Set.of("ec2:DescribeSecurityGroups", "ec2:DeleteSecurityGroup");
    /** SharedEndpoints' releases (cleanup, release, rollback, a stack's Delete): route tables leave, endpoints go. */
    private static final Set<String> RELEASE = Set.of("ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints");

    /** The fleet's reach into a target: its role in another account, this account's own clients otherwise. */
    private static final Set<String> ASSUME = Set.of("sts:AssumeRole");
    /**
     * The fleet's reads of one account-region in a few batched calls: VPCs, route tables and endpoints, and for the
     * subnets' data path their subnets, network ACLs and the service's prefix-list entries.
     */
    private static final Set<String> SURVEY = Set.of("ec2:DescribeVpcs", "ec2:DescribeRouteTables",
            "ec2:DescribeVpcEndpoints", "ec2:DescribeSubnets", "ec2:DescribeNetworkAcls",
            "ec2:GetManagedPrefixListEntries");

    /** The fleet's handlers: FleetRole serves the first four (IamRules.SHARED_ROLES). */
    static final Map<String, Set<String>> FLEET = Map.of(
            // FleetInputValidator calls nothing; FleetPlanner: Organizations' accounts, each account's enabled
            // regions (through its role), the targets written for the Map (FleetObjects.putJson)
            "dev.vpcepilot.handlers.FleetPlanHandler", union(ASSUME, Set.of("ec2:DescribeRegions",
                    "organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent",
                    "s3:PutObject")),
            // RegionSurvey, and the claims of every selected VPC in one BatchGetItem (VpcAssessor)
            "dev.vpcepilot.handlers.FleetSurveyHandler", union(ASSUME, SURVEY, Set.of("dynamodb:BatchGetItem")),
            // SharedEndpoints.ensure per VPC, as CreateEndpointHandler's
            "dev.vpcepilot.handlers.FleetApplyHandler", union(ASSUME, LOCK, OBSERVE, Set.of("ec2:CreateVpcEndpoint",
                    "ec2:CreateTags", "ec2:DeleteTags", "ec2:ModifyVpcEndpoint")),
            // the pending endpoints (one batched read), then SharedEndpoints.commitStanding per VPC: it verifies and
            // records, and has no release path (so neither ec2:ModifyVpcEndpoint nor ec2:DeleteVpcEndpoints)
            "dev.vpcepilot.handlers.FleetCommitHandler", union(ASSUME, LOCK, OBSERVE),
            // FleetReporter: the Map's manifest and results, then the report
            "dev.vpcepilot.handlers.FleetReportHandler", Set.of("s3:GetObject", "s3:PutObject"),
            // names a failed step's error from its input: no AWS call
            "dev.vpcepilot.handlers.DescribeFailureHandler", Set.of());

    /** The handler only interface endpoints use. */
    static final Map<String, Set<String>> INTERFACES = Map.of(
            // InterfaceReader: the endpoints, their interfaces and groups; then SharedEndpoints.commit on the interface
            // scope, whose release of subnets a stack's claim dropped deletes an endpoint's own group too
            "dev.vpcepilot.handlers.VerifyInterfaceEndpointHandler", union(LOCK, OBSERVE, RELEASE, INTERFACE_GROUP,
                    Set.of("dynamodb:ListTables", "ec2:DescribeNetworkInterfaces")));

    /** Per handler class, the actions its code calls. */
    static final Map<String, Set<String>> EXPECTED = withFleet(Map.of(
            // ServiceAvailabilityChecker (InputValidator calls nothing)
            "dev.vpcepilot.handlers.CheckServiceAvailabilityHandler", Set.of("ec2:DescribeVpcEndpointServices"),
            // VpcResolver; InterfacePlacer for an interface endpoint: the subnets, the VPC's CIDRs (DescribeVpcs), the
            // service's endpoints already there
            "dev.vpcepilot.handlers.ResolveVpcHandler", Set.of("ec2:DescribeVpcs", "ec2:DescribeRouteTables",
                    "ec2:DescribeSubnets", "ec2:DescribeVpcEndpoints"),
            // ListTablesProbe (rule 17: before any write), then SharedEndpoints.ensure: EndpointWriter creates (tagged at creation: ec2:CreateTags), extends, repairs,
            // sets policies and the holder's tags; it never deletes an endpoint. An interface endpoint's own security
            // group (InterfaceWrites): created tagged, opened on 443, found again by name, deleted if the endpoint
            // could not be created
            "dev.vpcepilot.handlers.CreateEndpointHandler", union(LOCK, OBSERVE, INTERFACE_GROUP, Set.of(
                    "ec2:CreateVpcEndpoint", "ec2:CreateTags", "ec2:DeleteTags", "ec2:ModifyVpcEndpoint",
                    "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "dynamodb:ListTables")),
            // EndpointStatusReader
            "dev.vpcepilot.handlers.GetEndpointStatusHandler", Set.of("ec2:DescribeVpcEndpoints"),
            // ListTablesProbe (when the create step did not ask), then SharedEndpoints.commit (a stack's claim that
            // shrinks releases route tables),
            // then DataPathReader: the VPC's subnets and network ACLs, the service's prefix-list entries
            "dev.vpcepilot.handlers.VerifyEndpointHandler", union(LOCK, OBSERVE, RELEASE,
                    Set.of("dynamodb:ListTables", "ec2:DescribeSubnets", "ec2:DescribeNetworkAcls",
                            "ec2:GetManagedPrefixListEntries")),
            "dev.vpcepilot.handlers.CleanupHandler", union(LOCK, OBSERVE, RELEASE, INTERFACE_GROUP),
            "dev.vpcepilot.handlers.ReleaseHandler", union(LOCK, OBSERVE, RELEASE, INTERFACE_GROUP),
            // SharedEndpoints.rollback (+ policies put back: ModifyVpcEndpoint; user tags put back: CreateTags and
            // DeleteTags), EndpointLookup.createdBy
            "dev.vpcepilot.handlers.RollbackHandler", union(LOCK, OBSERVE, RELEASE, INTERFACE_GROUP,
                    Set.of("ec2:CreateTags", "ec2:DeleteTags")),
            // InVpcProbe: one ListTables, which its role allows only under aws:SourceVpc
            "dev.vpcepilot.handlers.DataPathProbeHandler", Set.of("dynamodb:ListTables"),
            // StepFunctionsWorkflowRunner; EndpointHook: the default VPC (VpcResolver), EndpointLookup, and
            // SharedEndpoints.releaseStack / cancel, in an interface scope with the security groups vpce-pilot made
            // (Coordinators: InterfaceWrites)
            "dev.vpcepilot.handlers.CloudFormationHookHandler", union(LOCK, OBSERVE, RELEASE, INTERFACE_GROUP, Set.of(
                    "states:StartExecution", "states:DescribeExecution", "states:StopExecution",
                    "ec2:DescribeVpcs"))));

    private static Map<String, Set<String>> withFleet(Map<String, Set<String>> single) {
        Map<String, Set<String>> all = new LinkedHashMap<>(single);
        all.putAll(FLEET);
        all.putAll(INTERFACES);
        return Map.copyOf(all);
    }

    private static Path root;
    private static String templateText;
    private static JsonNode source;
    private static SamTransform sam;
    private static JsonNode transformed;
    private static Map<String, String> definitions;

    @BeforeAll
    static void read() throws IOException {
        root = TestProject.root();
        templateText = Files.readString(root.resolve("template.yaml"), StandardCharsets.UTF_8);
        source = CfnYaml.parse(templateText);
        sam = new SamTransform(root);
        transformed = sam.transform(templateText);
        definitions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> resource : (Iterable<Map.Entry<String, JsonNode>>)
                () -> source.path("Resources").fields()) {
            JsonNode uri = resource.getValue().path("Properties").path("DefinitionUri");
            if ("AWS::Serverless::StateMachine".equals(resource.getValue().path("Type").asText()) && uri.isTextual()) {
                definitions.put(resource.getKey(), Files.readString(root.resolve(uri.asText())));
            }
        }
    }

    // ---- the real template, as CloudFormation gets it ----

    static Stream<String> roles() throws IOException {
        read();
        return IamPolicyChecker.roles(transformed).keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void everyRoleFollowsTheRules(String role) {
        IamPolicyChecker.Role read = IamPolicyChecker.roles(transformed).get(role);
        boolean callsNothing = read.use() == IamRules.Use.FUNCTION && read.users().stream().allMatch(f -> EXPECTED
                .getOrDefault(source.path("Resources").path(f).path("Properties").path("Handler").asText()
                        .replaceFirst("::.*$", ""), Set.of("?")).isEmpty());
        assertEquals(callsNothing, read.statements().isEmpty(), role + " grants something if and only if its "
                + "principal calls AWS");

        List<String> problems = IamPolicyChecker.check(transformed, EXPECTED, definitions).stream()
                .filter(p -> p.startsWith(role + ":") || p.startsWith(role + " ")).toList();

        assertEquals(List.of(), problems);
    }

    @Test
    void theWholeTemplatePassesAndEveryPrincipalHasItsRole() {
        assertEquals(List.of(), IamPolicyChecker.check(transformed, EXPECTED, definitions));
        Map<String, IamPolicyChecker.Role> roles = IamPolicyChecker.roles(transformed);
        Set<String> sourceFunctions = new TreeSet<>();
        source.path("Resources").fields().forEachRemaining(r -> {
            if ("AWS::Serverless::Function".equals(r.getValue().path("Type").asText())) {
                sourceFunctions.add(r.getKey());
            }
        });
        Set<String> functionsWithRoles = roles.values().stream().filter(r -> r.use() == IamRules.Use.FUNCTION)
                .flatMap(r -> r.users().stream()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(sourceFunctions, functionsWithRoles, "every function of template.yaml has its role");
        assertEquals(EXPECTED.size(), sourceFunctions.size(), "one function per handler of the map");
        assertEquals(Set.of("FleetPlanFunction", "FleetSurveyFunction", "FleetApplyFunction", "FleetCommitFunction"),
                Set.copyOf(roles.get("FleetRole").users()), "the one shared role, and who shares it");
        assertEquals(1, roles.values().stream().filter(r -> r.users().size() > 1).count(), "no other is shared");
        assertEquals(Set.of("EndpointStateMachine", "FleetStateMachine"), roles.values().stream()
                .filter(r -> r.use() == IamRules.Use.STATE_MACHINE).map(IamPolicyChecker.Role::user)
                .collect(Collectors.toSet()));
        assertEquals(Set.of("EndpointStateMachineSchedule", "FleetStateMachineSchedule"), roles.values().stream()
                .filter(r -> r.use() == IamRules.Use.EVENT_RULE).map(IamPolicyChecker.Role::user)
                .collect(Collectors.toSet()), "the schedule's role, which SAM makes, is read too");
    }

    /** Rule 1 of docs/design.md, read where CloudFormation gets it: in each role that does the write. */
    @Test
    void theConditionsOfRuleOneAreInEveryRoleThatWritesEndpoints() {
        Map<String, List<IamRules.ConditionForm>> needed = Map.of(
                "ec2:DeleteVpcEndpoints", List.of(IamRules.OWNED),
                "ec2:ModifyVpcEndpoint", List.of(IamRules.OWNED),
                "ec2:CreateVpcEndpoint", List.of(IamRules.CREATE_OURS, IamRules.CREATE_OURS_IN_ANY_REGION),
                "ec2:DeleteTags", List.of(IamRules.HOLDER_TAGS),
                "ec2:CreateTags", List.of(IamRules.TAG_ON_CREATE, IamRules.HOLDER_TAGS));
        Map<String, Set<String>> writers = new LinkedHashMap<>();
        for (IamPolicyChecker.Role role : IamPolicyChecker.roles(transformed).values()) {
            for (IamPolicyChecker.Statement s : role.statements()) {
                for (String action : s.actions()) {
                    if (!needed.containsKey(action) || s.resources().stream().noneMatch(r -> r.contains(":vpc-endpoint/"))) {
                        continue;
                    }
                    for (IamRules.ConditionForm form : needed.get(action)) {
                        if (IamPolicyChecker.satisfies(s.condition(), form)) {
                            writers.computeIfAbsent(action + " " + form.name(), k -> new TreeSet<>()).add(role.user());
                        }
                    }
                    assertTrue(needed.get(action).stream().anyMatch(f -> IamPolicyChecker.satisfies(s.condition(), f)),
                            s.where() + ": " + action + " on endpoints under " + s.condition());
                }
            }
        }
        Set<String> deleters = Set.of("VerifyEndpointFunction", "VerifyInterfaceEndpointFunction", "CleanupFunction",
                "ReleaseFunction", "RollbackFunction", "CloudFormationHookFunction");
        assertEquals(deleters, writers.get("ec2:DeleteVpcEndpoints " + IamRules.OWNED.name()));
        assertEquals(union(deleters, Set.of("CreateEndpointFunction", "FleetRole")),
                writers.get("ec2:ModifyVpcEndpoint " + IamRules.OWNED.name()));
        assertEquals(Set.of("CreateEndpointFunction"), writers.get("ec2:CreateVpcEndpoint "
                + IamRules.CREATE_OURS.name()));
        assertEquals(Set.of("FleetRole"), writers.get("ec2:CreateVpcEndpoint "
                + IamRules.CREATE_OURS_IN_ANY_REGION.name()), "the fleet creates in any region, DynamoDB only");
        assertEquals(Set.of("CreateEndpointFunction", "FleetRole"), writers.get("ec2:CreateTags "
                + IamRules.TAG_ON_CREATE.name()));
        // the holder's tag changes, and the rollback that puts back what a failed run changed (rule 7)
        assertEquals(Set.of("CreateEndpointFunction", "FleetRole", "RollbackFunction"), writers.get("ec2:DeleteTags "
                + IamRules.HOLDER_TAGS.name()));
    }

    /**
     * Rule 1 for an interface endpoint's own security group: created only tagged as ours (aws:RequestTag), its tags
     * only in the create call, and opened or deleted only while it carries the ownership tag (aws:ResourceTag); and
     * only the roles whose code does it may.
     */
    @Test
    void securityGroupsAreCreatedOpenedAndDeletedOnlyWhenTaggedAsOurs() {
        Map<String, IamRules.ConditionForm> needed = Map.of(
                "ec2:CreateSecurityGroup", IamRules.CREATE_OUR_GROUP,
                "ec2:CreateTags", IamRules.TAG_GROUP_ON_CREATE,
                "ec2:AuthorizeSecurityGroupIngress", IamRules.OWNED,
                "ec2:DeleteSecurityGroup", IamRules.OWNED);
        Map<String, Set<String>> writers = new TreeMap<>();
        for (IamPolicyChecker.Role role : IamPolicyChecker.roles(transformed).values()) {
            for (IamPolicyChecker.Statement s : role.statements()) {
                for (String action : s.actions()) {
                    if (!needed.containsKey(action)
                            || s.resources().stream().noneMatch(r -> r.contains(":security-group/"))) {
                        continue;
                    }
                    assertTrue(IamPolicyChecker.satisfies(s.condition(), needed.get(action)),
                            s.where() + ": " + action + " on security groups under " + s.condition());
                    writers.computeIfAbsent(action, k -> new TreeSet<>()).add(role.user());
                }
            }
        }
        assertEquals(Map.of(
                "ec2:CreateSecurityGroup", Set.of("CreateEndpointFunction"),
                "ec2:CreateTags", Set.of("CreateEndpointFunction"),
                "ec2:AuthorizeSecurityGroupIngress", Set.of("CreateEndpointFunction"),
                "ec2:DeleteSecurityGroup", Set.of("CreateEndpointFunction", "VerifyInterfaceEndpointFunction",
                        "CleanupFunction", "RollbackFunction", "ReleaseFunction", "CloudFormationHookFunction")),
                writers);
    }

    @Test
    void theMapIsWhatTheCodeCalls() {
        CodeActions code = new CodeActions(root.resolve("functions/src/main/java"));
        Set<String> handlers = new TreeSet<>();
        source.path("Resources").forEach(resource -> {
            if ("AWS::Serverless::Function".equals(resource.path("Type").asText())) {
                handlers.add(resource.path("Properties").path("Handler").asText().replaceFirst("::.*$", ""));
            }
        });
        assertEquals(new TreeSet<>(EXPECTED.keySet()), handlers, "every function of the template is in the map");
        for (String handler : handlers) {
            CodeActions.Reach reach = code.reach(handler);
            assertEquals(List.of(), reach.unresolved(), handler + ": calls the check could not follow");
            assertEquals(new TreeSet<>(EXPECTED.get(handler)), reach.actions(), handler + " (classes it constructs: "
                    + reach.types() + ")");
        }
    }

    /** A class shared by handlers counts per method: what this handler reaches, not all the class could do. */
    @Test
    void aHandlerGetsOnlyTheCallsItReaches() {
        CodeActions code = new CodeActions(root.resolve("functions/src/main/java"));
        CodeActions.Reach create = code.reach("dev.vpcepilot.handlers.CreateEndpointHandler");

        assertTrue(create.types().contains("dev.vpcepilot.sharing.EndpointWriter"), create.types().toString());
        assertFalse(create.actions().contains("ec2:DeleteVpcEndpoints"),
                "EndpointWriter.delete is not reached from SharedEndpoints.ensure: " + create.actions());
        assertTrue(create.actions().containsAll(LOCK), "the lock client's calls count: " + create.actions());
        assertFalse(code.reach("dev.vpcepilot.handlers.GetEndpointStatusHandler").actions().contains(
                "dynamodb:GetItem"), "no lock, no lock table");
    }

    /**
     * The fleet never deletes an endpoint, proven twice: its commit's code does not reach ec2:DeleteVpcEndpoints
     * (SharedEndpoints.commitStanding has no release path, where the single-VPC verify's commit has one), and the
     * checker refuses the grant to FleetRole whatever the map says (IamRules.NEVER_DELETES).
     */
    @Test
    void theFleetsCommitReachesNoDelete() {
        CodeActions code = new CodeActions(root.resolve("functions/src/main/java"));

        Set<String> fleetCalls = new TreeSet<>();
        for (String handler : IamRules.SHARED_ROLES.get("FleetRole").users()) {
            String handlerClass = source.path("Resources").path(handler).path("Properties").path("Handler").asText()
                    .replaceFirst("::.*$", "");
            fleetCalls.addAll(code.reach(handlerClass).actions());
        }

        assertFalse(fleetCalls.contains("ec2:DeleteVpcEndpoints"), fleetCalls.toString());
        assertTrue(code.reach("dev.vpcepilot.handlers.VerifyEndpointHandler").actions()
                .contains("ec2:DeleteVpcEndpoints"), "the same analysis sees the single-VPC commit's release");
        assertFalse(IamPolicyChecker.roles(transformed).get("FleetRole").allowedActions()
                .contains("ec2:DeleteVpcEndpoints"));
    }

    /**
     * The probe inside the VPC: its role allows ListTables only under aws:SourceVpc = ProbeVpcId (IAM sets the key
     * only on requests that came through a VPC endpoint), nothing else but what SAM attaches to a function with
     * VpcConfig; the state machine may invoke it, under the same condition that deploys it.
     */
    @Test
    void theProbeListsTablesOnlyThroughAnEndpointOfItsVpcAndTheStateMachineMayInvokeIt() {
        Map<String, IamPolicyChecker.Role> roles = IamPolicyChecker.roles(transformed);
        IamPolicyChecker.Role probe = roles.get("DataPathProbeFunctionRole");
        assertEquals(List.of("DataPathProbeFunction"), probe.users());
        assertEquals(1, probe.statements().size(), probe.statements()::toString);
        IamPolicyChecker.Statement listTables = probe.statements().get(0);
        assertEquals(List.of("dynamodb:ListTables"), listTables.actions());
        assertEquals(CfnYaml.parse("StringEquals:\n  aws:SourceVpc: !Ref ProbeVpcId\n"), listTables.condition());
        assertEquals(Set.of(IamRules.BASIC_EXECUTION, IamRules.XRAY_WRITE, IamRules.VPC_ACCESS),
                Set.copyOf(probe.managed()));
        assertEquals("ProbeDeployed", transformed.path("Resources").path("DataPathProbeFunctionRole")
                .path("Condition").asText());

        JsonNode invokeProbe = null;
        for (JsonNode policy : transformed.path("Resources").path("EndpointStateMachineRole").path("Properties")
                .path("Policies")) {
            if (policy.toString().contains("\"DataPathProbeFunction\"")) {
                invokeProbe = policy;
            }
        }
        assertTrue(invokeProbe != null && invokeProbe.path("Fn::If").path(0).asText().equals("ProbeDeployed")
                && invokeProbe.path("Fn::If").path(2).equals(CfnYaml.parse("Ref: AWS::NoValue")),
                "the invoke permission exists only with the probe: " + invokeProbe);
    }

    @Test
    void withoutSamtranslatorTheCheckFailsAndSaysWhatToInstall() {
        // python3 -S: no site-packages, so neither samtranslator nor cfn-lint can be imported
        SamTransform withoutPackages = new SamTransform(root, List.of("python3", "-S"));

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> withoutPackages.transform(templateText));

        assertTrue(error.getMessage().contains("samtranslator is not importable")
                && error.getMessage().contains("pip install cfn-lint"), error.getMessage());
    }

    @Test
    void aTemplateWithoutRolesIsNotAPass() {
        JsonNode empty = CfnYaml.parse("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
        assertEquals(List.of("the template has no IAM role: nothing was checked"),
                IamPolicyChecker.check(empty, EXPECTED, definitions));
    }

    // ---- the checker rejects what breaks a rule (each a change of today's template.yaml, then the transform) ----

    private static final String ENDPOINT_ARN = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-endpoint/*";
    private static final String ROUTE_TABLE_ARN =
            "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:route-table/*";

    static Stream<Arguments> brokenTemplates() {
        return Stream.of(
                // rule 1: create
                broken("create without the DynamoDB service name", "Sid: CreateOnlyTaggedDynamoDbEndpoints",
                        at(18, "ec2:VpceServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb"), "",
                        "ec2:CreateVpcEndpoint on vpc-endpoint resources without the condition"),
                broken("create for another service", "Sid: CreateOnlyTaggedDynamoDbEndpoints",
                        "com.amazonaws.${AWS::Region}.dynamodb", "com.amazonaws.${AWS::Region}.s3",
                        "ec2:CreateVpcEndpoint on vpc-endpoint resources without the condition"),
                broken("create in a hard-coded region", "Sid: CreateOnlyTaggedDynamoDbEndpoints",
                        "!Sub com.amazonaws.${AWS::Region}.dynamodb", "com.amazonaws.us-east-1.dynamodb",
                        "ec2:CreateVpcEndpoint on vpc-endpoint resources without the condition"),
                broken("create of untagged endpoints", "Sid: CreateOnlyTaggedDynamoDbEndpoints",
                        at(18, "aws:RequestTag/managed-by: vpce-pilot"), "",
                        "ec2:CreateVpcEndpoint on vpc-endpoint resources without the condition"),
                broken("endpoints created in the unconditioned statement", "Sid: CreateInVpcsAndRouteTables",
                        at(16, "- !Sub " + ROUTE_TABLE_ARN), at(16, "- !Sub " + ROUTE_TABLE_ARN)
                                + at(16, "- !Sub " + ENDPOINT_ARN),
                        "CreateInVpcsAndRouteTables: ec2:CreateVpcEndpoint on vpc-endpoint resources without"),
                // rule 1: delete and modify
                broken("delete conditioned on another tag key", "  CleanupFunction:",
                        deleteStatement("StringEquals", "aws:ResourceTag/managed-by: vpce-pilot"),
                        deleteStatement("StringEquals", "aws:ResourceTag/owner: vpce-pilot"),
                        "CleanupFunctionRole statement DeleteOwnedEndpointsOnly: ec2:DeleteVpcEndpoints on "
                                + "vpc-endpoint resources without the condition"),
                broken("delete conditioned on another owner", "  RollbackFunction:",
                        deleteStatement("StringEquals", "aws:ResourceTag/managed-by: vpce-pilot"),
                        deleteStatement("StringEquals", "aws:ResourceTag/managed-by: someone-else"),
                        "RollbackFunctionRole statement DeleteOwnedEndpointsOnly: ec2:DeleteVpcEndpoints on "
                                + "vpc-endpoint resources without the condition"),
                broken("a delete without condition", "  ReleaseFunction:",
                        deleteStatement("StringEquals", "aws:ResourceTag/managed-by: vpce-pilot"),
                        deleteStatement(null, null),
                        "ReleaseFunctionRole statement DeleteOwnedEndpointsOnly: ec2:DeleteVpcEndpoints on "
                                + "vpc-endpoint resources without the condition"),
                broken("a delete under StringEqualsIfExists", "  CloudFormationHookFunction:",
                        deleteStatement("StringEquals", "aws:ResourceTag/managed-by: vpce-pilot"),
                        deleteStatement("StringEqualsIfExists", "aws:ResourceTag/managed-by: vpce-pilot"),
                        "CloudFormationHookFunctionRole statement DeleteOwnedEndpointsOnly: ec2:DeleteVpcEndpoints "
                                + "on vpc-endpoint resources without the condition"),
                broken("ModifyVpcEndpoint on every endpoint", "  VerifyEndpointFunction:",
                        "ec2:ModifyVpcEndpoint\n              Resource: !Sub " + ENDPOINT_ARN + "\n"
                                + at(14, "Condition:") + at(16, "StringEquals:")
                                + at(18, "aws:ResourceTag/managed-by: vpce-pilot"),
                        "ec2:ModifyVpcEndpoint\n              Resource: !Sub " + ENDPOINT_ARN + "\n",
                        "VerifyEndpointFunctionRole statement ModifyOwnedEndpointsOnly: ec2:ModifyVpcEndpoint on "
                                + "vpc-endpoint resources without the condition"),
                broken("ModifyVpcEndpoint on every resource", "  ReleaseFunction:",
                        "Resource: !Sub " + ROUTE_TABLE_ARN, "Resource: \"*\"",
                        "ReleaseFunctionRole statement ModifyRouteTablesOfOwnedEndpoints: ec2:ModifyVpcEndpoint on "
                                + "every resource"),
                broken("endpoints of another account", "  CleanupFunction:", ENDPOINT_ARN,
                        "arn:${AWS::Partition}:ec2:${AWS::Region}:*:vpc-endpoint/*",
                        "CleanupFunctionRole statement ModifyOwnedEndpointsOnly: ec2:ModifyVpcEndpoint on "
                                + "arn:${AWS::Partition}:ec2:${AWS::Region}:*:vpc-endpoint/*, which is none of"),
                broken("the route tables under the ownership condition", "  RollbackFunction:",
                        "Resource: !Sub " + ENDPOINT_ARN, "Resource:\n" + at(16, "- !Sub " + ENDPOINT_ARN)
                                + at(16, "- !Sub " + ROUTE_TABLE_ARN).stripTrailing(),
                        "RollbackFunctionRole statement ModifyOwnedEndpointsOnly: its condition is about the tags of "
                                + "one of [security-group, vpc-endpoint] but it names [route-table, vpc-endpoint]"),
                // rule 1: tags
                broken("tags outside creation", "Sid: TagOnCreateOnly",
                        at(14, "Condition:") + at(16, "StringEquals:") + at(18, "ec2:CreateAction: CreateVpcEndpoint"),
                        "", "TagOnCreateOnly: ec2:CreateTags on vpc-endpoint resources without the condition"),
                broken("the holder may remove the ownership tags", "Sid: HolderTagsOwnedEndpointsOnly",
                        at(16, "ForAllValues:StringNotLike:") + at(18, "aws:TagKeys:") + at(20, "- managed-by")
                                + at(20, "- vpce-pilot:*"), "",
                        "HolderTagsOwnedEndpointsOnly: ec2:DeleteTags on vpc-endpoint resources without the condition"),
                broken("the holder may remove vpce-pilot:* tags", "Sid: HolderTagsOwnedEndpointsOnly",
                        at(20, "- vpce-pilot:*"), "",
                        "HolderTagsOwnedEndpointsOnly: ec2:DeleteTags on vpc-endpoint resources without the condition"),
                broken("a DeleteTags without tags deletes them all", "Sid: HolderTagsOwnedEndpointsOnly",
                        at(16, "\"Null\":") + at(18, "aws:TagKeys: \"false\""), "",
                        "HolderTagsOwnedEndpointsOnly: ec2:DeleteTags on vpc-endpoint resources without the condition"),
                broken("the holder tags endpoints that are not ours", "Sid: HolderTagsOwnedEndpointsOnly",
                        at(18, "aws:ResourceTag/managed-by: vpce-pilot"), at(18, "aws:ResourceTag/owner: anyone"),
                        "HolderTagsOwnedEndpointsOnly: ec2:CreateTags on vpc-endpoint resources without the condition"),
                // actions and resources
                broken("Action \"*\"", "  CheckServiceAvailabilityFunction:", "Action: ec2:DescribeVpcEndpointServices",
                        "Action: \"*\"", "wildcard action *"),
                broken("a wildcard inside an action name", "  ResolveVpcFunction:", "- ec2:DescribeVpcs",
                        "- ec2:Describe*", "wildcard action ec2:Describe*"),
                broken("NotAction", "  CheckServiceAvailabilityFunction:", "Action: ec2:DescribeVpcEndpointServices",
                        "NotAction: iam:PassRole", "NotAction in an Allow"),
                broken("iam:PassRole", "Sid: RunTheWorkflow", "Action: states:StartExecution",
                        "Action: [states:StartExecution, iam:PassRole]", "iam:PassRole is never granted"),
                broken("the lock table actions on every table", "  CleanupFunction:", "Resource: !GetAtt LockTable.Arn",
                        "Resource: \"*\"", "CleanupFunctionRole statement ScopeLocksAndClaims: dynamodb:GetItem on "
                                + "every resource"),
                broken("the lock table actions on any table", "  VerifyEndpointFunction:",
                        "Resource: !GetAtt LockTable.Arn",
                        "Resource: !Sub arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*",
                        "VerifyEndpointFunctionRole statement ScopeLocksAndClaims: dynamodb:PutItem on"),
                broken("the lock item may be deleted", "  RollbackFunction:", "- dynamodb:UpdateItem",
                        "- dynamodb:UpdateItem\n" + " ".repeat(16) + "- dynamodb:DeleteItem",
                        "RollbackFunctionRole: granted dynamodb:DeleteItem"),
                broken("StartExecution of any state machine", "Sid: RunTheWorkflow",
                        "Resource: !Ref EndpointStateMachine", "Resource: \"*\"",
                        "RunTheWorkflow: states:StartExecution on every resource"),
                broken("an action the code never calls", "  ResolveVpcFunction:", "- ec2:DescribeVpcs",
                        "- ec2:DescribeVpcs\n" + " ".repeat(16) + "- ec2:DescribeNetworkAcls",
                        "ResolveVpcFunctionRole: granted ec2:DescribeNetworkAcls, which ResolveVpcFunction never calls"),
                broken("a delete for a function that never deletes", "  GetEndpointStatusFunction:",
                        "Action: ec2:DescribeVpcEndpoints", "Action: [ec2:DescribeVpcEndpoints, ec2:DeleteVpcEndpoints]",
                        "GetEndpointStatusFunctionRole: granted ec2:DeleteVpcEndpoints"),
                broken("a permission the code needs is missing", "  VerifyEndpointFunction:",
                        "Action: dynamodb:ListTables", "Action: dynamodb:DescribeTable",
                        "VerifyEndpointFunctionRole: missing dynamodb:ListTables"),
                // the probe inside the VPC: the state machine invokes it by the name the template gives it
                broken("the probe's invoke permission is missing", "  EndpointStateMachine:",
                        "FunctionName: !Ref DataPathProbeFunction", "FunctionName: !Ref ResolveVpcFunction",
                        "EndpointStateMachineRole: may invoke [CheckServiceAvailabilityFunction, CleanupFunction, "
                                + "CreateEndpointFunction, DescribeFailureFunction, GetEndpointStatusFunction, "
                                + "ReleaseFunction, ResolveVpcFunction, RollbackFunction, VerifyEndpointFunction, "
                                + "VerifyInterfaceEndpointFunction], its definition runs [CheckServiceAvailabilityFunction, "
                                + "CleanupFunction, CreateEndpointFunction, DataPathProbeFunction, DescribeFailureFunction, "
                                + "GetEndpointStatusFunction, ReleaseFunction, ResolveVpcFunction, RollbackFunction, "
                                + "VerifyEndpointFunction, VerifyInterfaceEndpointFunction]"),
                broken("a SAM policy template, expanded by the transform", "  GetEndpointStatusFunction:",
                        at(6, "Policies:"), at(6, "Policies:") + at(8, "- DynamoDBCrudPolicy:")
                                + at(12, "TableName: !Ref LockTable"),
                        "GetEndpointStatusFunctionRole: granted dynamodb:DeleteItem"),
                broken("a managed policy", "  CheckServiceAvailabilityFunction:", at(6, "Policies:"),
                        at(6, "Policies:") + at(8, "- AmazonEC2FullAccess"),
                        "CheckServiceAvailabilityFunctionRole: attaches the managed policies"),
                broken("a role of its own", "  ResolveVpcFunction:", at(6, "Policies:"),
                        at(6, "Role: arn:aws:iam::123456789012:role/admin") + at(6, "Policies:"),
                        "ResolveVpcFunction: its role (arn:aws:iam::123456789012:role/admin) is not a role of this"),
                broken("a function anyone may assume", "  ResolveVpcFunction:", at(6, "Policies:"),
                        at(6, "AssumeRolePolicyDocument:") + at(8, "Version: \"2012-10-17\"") + at(8, "Statement:")
                                + at(10, "- Effect: Allow") + at(12, "Action: sts:AssumeRole")
                                + at(12, "Principal: {AWS: \"*\"}") + at(6, "Policies:"),
                        "ResolveVpcFunctionRole: may be assumed by"),
                broken("a function the map does not know", "Resources:\n", "Resources:\n", "Resources:\n"
                                + at(2, "ExtraFunction:") + at(4, "Type: AWS::Serverless::Function")
                                + at(4, "Properties:") + at(6, "Handler: dev.vpcepilot.handlers.ExtraHandler::handle")
                                + at(6, "Policies:") + at(8, "- Statement:") + at(12, "- Effect: Allow")
                                + at(14, "Action: ec2:DescribeVpcs") + at(14, "Resource: \"*\""),
                        "no expected action set for the handler dev.vpcepilot.handlers.ExtraHandler"),
                broken("an IAM role resource", "Resources:\n", "Resources:\n", "Resources:\n"
                                + at(2, "AdminRole:") + at(4, "Type: AWS::IAM::Role") + at(4, "Properties:")
                                + at(6, "AssumeRolePolicyDocument: {}") + at(6, "Policies:")
                                + at(8, "- PolicyName: admin") + at(10, "PolicyDocument:") + at(12, "Statement:")
                                + at(14, "- Effect: Allow") + at(16, "Action: \"*\"") + at(16, "Resource: \"*\""),
                        "AdminRole: used by nothing this check knows"),
                // the state machine
                broken("the state machine may invoke the hook", "        - LambdaInvokePolicy:\n",
                        "        - LambdaInvokePolicy:\n", "        - LambdaInvokePolicy:\n"
                                + at(12, "FunctionName: !Ref CloudFormationHookFunction")
                                + "        - LambdaInvokePolicy:\n",
                        "EndpointStateMachineRole: may invoke [CheckServiceAvailabilityFunction, CleanupFunction, "
                                + "CloudFormationHookFunction"),
                broken("the state machine granted more", "Sid: DeliverExecutionLogs", "- logs:DescribeLogGroups",
                        "- logs:DescribeLogGroups\n" + " ".repeat(16) + "- dynamodb:DeleteTable",
                        "EndpointStateMachineRole statement DeliverExecutionLogs: dynamodb:DeleteTable has no "
                                + "resource rule"),
                // the fleet
                broken("the fleet may delete", "  FleetRole:", "Action: ec2:ModifyVpcEndpoint",
                        "Action: [ec2:ModifyVpcEndpoint, ec2:DeleteVpcEndpoints]",
                        "FleetRole: granted ec2:DeleteVpcEndpoints, which it is never granted"),
                broken("the fleet assumes any role", "Sid: AssumeTheTargetRolesOnly", "role/${FleetTargetRoleName}",
                        "role/*", "AssumeTheTargetRolesOnly: sts:AssumeRole on arn:${AWS::Partition}:iam::*:role/*, "
                                + "which is none of its resources"),
                broken("the fleet writes anywhere in the bucket", "Sid: WriteTheTargets",
                        "${FleetReportBucket.Arn}/fleet/*", "${FleetReportBucket.Arn}/*",
                        "WriteTheTargets: s3:PutObject on ${FleetReportBucket.Arn}/*, which is none of its resources"),
                broken("the fleet creates any service's endpoints", "  FleetRole:",
                        "ec2:VpceServiceName: com.amazonaws.*.dynamodb", "ec2:VpceServiceName: com.amazonaws.*",
                        "FleetRole statement CreateOnlyTaggedDynamoDbEndpoints: ec2:CreateVpcEndpoint on vpc-endpoint "
                                + "resources without the condition"),
                broken("the fleet creates under the single region's condition", "  FleetRole:",
                        at(18, "StringLike:") + at(20, "ec2:VpceServiceName: com.amazonaws.*.dynamodb"),
                        at(20, "ec2:VpceServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb"),
                        "FleetRole statement CreateOnlyTaggedDynamoDbEndpoints: ec2:CreateVpcEndpoint on vpc-endpoint "
                                + "resources without the condition"),
                broken("an unconditioned CreateTags in the fleet", "  FleetRole:",
                        at(16, "Condition:") + at(18, "StringEquals:") + at(20, "ec2:CreateAction: CreateVpcEndpoint"),
                        "", "FleetRole statement TagOnCreateOnly: ec2:CreateTags on vpc-endpoint resources without the "
                                + "condition"),
                broken("a single-VPC function in every region", "  CreateEndpointFunction:", ENDPOINT_ARN,
                        "arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:vpc-endpoint/*",
                        "CreateEndpointFunctionRole statement CreateOnlyTaggedDynamoDbEndpoints: ec2:CreateVpcEndpoint "
                                + "on arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:vpc-endpoint/* names every region"),
                broken("another function shares the fleet's role", "  DescribeFailureFunction:", at(6, "Timeout: 30"),
                        at(6, "Timeout: 30") + at(6, "Role: !GetAtt FleetRole.Arn"),
                        "the exception for FleetRole is for [FleetApplyFunction, FleetCommitFunction, "
                                + "FleetPlanFunction, FleetSurveyFunction] only"),
                broken("a function that calls nothing granted something", "  DescribeFailureFunction:",
                        at(6, "Timeout: 30"), at(6, "Timeout: 30") + at(6, "Policies:") + at(8, "- Statement:")
                                + at(12, "- Effect: Allow") + at(14, "Action: ec2:DescribeVpcs")
                                + at(14, "Resource: \"*\""),
                        "DescribeFailureFunctionRole: granted ec2:DescribeVpcs, which DescribeFailureFunction never "
                                + "calls"),
                broken("the fleet's state machine starts another", "Sid: RunTheMapsChildExecutions",
                        "stateMachine:${AWS::StackName}-fleet", "stateMachine:${AWS::StackName}-other",
                        "RunTheMapsChildExecutions: states:StartExecution on arn:${AWS::Partition}:states:"
                                + "${AWS::Region}:${AWS::AccountId}:stateMachine:${AWS::StackName}-other, which is not "
                                + "the state machine whose role this is"),
                broken("the fleet's state machine stops any execution", "Sid: WatchAndStopTheChildExecutions",
                        "execution:${AWS::StackName}-fleet/*", "execution:*",
                        "WatchAndStopTheChildExecutions: states:StopExecution on arn:${AWS::Partition}:states:"
                                + "${AWS::Region}:${AWS::AccountId}:execution:*, which is none of its resources"),
                broken("a Map that cannot stop its children", "Sid: WatchAndStopTheChildExecutions",
                        at(16, "- states:StopExecution"), "",
                        "FleetStateMachineRole: missing states:StopExecution, which FleetStateMachine calls"),
                broken("the Map's objects anywhere", "Sid: ReadTheTargetsWriteTheResults",
                        "Resource: !Sub ${FleetReportBucket.Arn}/fleet/*", "Resource: \"*\"",
                        "ReadTheTargetsWriteTheResults: s3:GetObject on every resource"),
                broken("the fleet's state machine invokes a single-VPC function",
                        "FunctionName: !Ref FleetReportFunction\n", "FunctionName: !Ref DescribeFailureFunction\n",
                        "FunctionName: !Ref DescribeFailureFunction\n" + at(8, "- LambdaInvokePolicy:")
                                + at(12, "FunctionName: !Ref CleanupFunction"),
                        "FleetStateMachineRole: may invoke [CleanupFunction, DescribeFailureFunction"),
                broken("tracing granted again in the fleet's state machine", "Sid: ReadTheTargetsWriteTheResults",
                        at(16, "- s3:AbortMultipartUpload"), at(16, "- s3:AbortMultipartUpload")
                                + at(16, "- xray:PutTraceSegments"),
                        "FleetStateMachineRole: granted xray:PutTraceSegments, which FleetStateMachine never calls "
                                + "itself"),
                broken("tracing granted again beside SAM's managed policy", "Sid: DeliverExecutionLogs",
                        "- logs:DescribeLogGroups", "- logs:DescribeLogGroups\n" + " ".repeat(16)
                                + "- xray:PutTraceSegments",
                        "EndpointStateMachineRole: granted xray:PutTraceSegments, which EndpointStateMachine never "
                                + "calls itself"));
    }

    /** One line of YAML at an indentation. */
    private static String at(int indent, String line) {
        return " ".repeat(indent) + line + "\n";
    }

    private static Arguments broken(String what, String anchor, String original, String replacement,
                                    String expectedProblem) {
        return Arguments.of(what, anchor, original, replacement, expectedProblem);
    }

    /** The DeleteOwnedEndpointsOnly statement of template.yaml, with a condition of one entry or none. */
    private static String deleteStatement(String operator, String entry) {
        return "Sid: DeleteOwnedEndpointsOnly\n" + at(14, "Effect: Allow") + at(14, "Action: ec2:DeleteVpcEndpoints")
                + at(14, "Resource: !Sub " + ENDPOINT_ARN)
                + (operator == null ? "" : at(14, "Condition:") + at(16, operator + ":") + at(18, entry));
    }

    private static Map<String, List<String>> brokenProblems;

    /** All broken templates through one transform (one Python process), checked once. */
    private static synchronized List<String> problemsOf(String what) {
        if (brokenProblems == null) {
            Map<String, String> texts = new LinkedHashMap<>();
            List<Arguments> cases = brokenTemplates().toList();
            for (int i = 0; i < cases.size(); i++) {
                Object[] c = cases.get(i).get();
                String text = replaceAfter(templateText, (String) c[1], (String) c[2], (String) c[3]);
                assertNotEquals(templateText, text, (String) c[0]);
                texts.put("case" + i, text);
            }
            Map<String, JsonNode> transformedCases = sam.transformAll(texts);
            brokenProblems = new LinkedHashMap<>();
            for (int i = 0; i < cases.size(); i++) {
                String name = (String) cases.get(i).get()[0];
                JsonNode template = transformedCases.get("case" + i);
                brokenProblems.put(name, IamPolicyChecker.check(template, EXPECTED, definitions));
            }
        }
        return brokenProblems.get(what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTemplates")
    void theCheckerRejectsABrokenTemplate(String what, String anchor, String original, String replacement,
                                          String expectedProblem) {
        List<String> problems = problemsOf(what);

        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedProblem)),
                what + ": expected a problem containing '" + expectedProblem + "', got " + problems);
    }

    /** Replaces the first {@code original} after {@code anchor}; fails if either is missing. */
    private static String replaceAfter(String text, String anchor, String original, String replacement) {
        int from = text.indexOf(anchor);
        assertTrue(from >= 0, "anchor not in template.yaml: " + anchor);
        int at = text.indexOf(original, from);
        assertTrue(at >= 0, "not in template.yaml after " + anchor + ": " + original);
        return text.substring(0, at) + replacement + text.substring(at + original.length());
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }
}
