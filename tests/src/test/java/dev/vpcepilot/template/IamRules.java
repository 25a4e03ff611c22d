package dev.vpcepilot.template;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * vpce-pilot's least-privilege rules as data (README "Safety", docs/design.md rule 1), for
 * {@link IamPolicyChecker}. Adding a principal or an action is a line here, not code: a new action needs its
 * resource rule (or its place in {@link #STAR_ONLY}), a new kind of role its entry in {@link Use}.
 *
 * <p>Resources and condition values are compared as {@link Intrinsics#render} writes them: pseudo parameters stay
 * {@code ${AWS::Region}}, a {@code Ref}/{@code GetAtt} becomes {@code ${Name}}/{@code ${Name.Attribute}}. So an ARN
 * must name this stack's partition, region and account, and a condition on the region must follow the stack's.
 *
 * <p>Resource types and condition keys: Service Authorization Reference, "Actions, resources, and condition keys for
 * Amazon EC2" (docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html): CreateVpcEndpoint
 * authorizes vpc-endpoint* (keys aws:RequestTag/${TagKey}, aws:TagKeys, ec2:VpceServiceName, ec2:VpceServiceOwner),
 * vpc* and, optionally, route-table, security-group, subnet; ModifyVpcEndpoint vpc-endpoint* (aws:ResourceTag)
 * and route-table, security-group, subnet; DeleteVpcEndpoints vpc-endpoint* (aws:ResourceTag, ec2:VpceServiceName);
 * CreateTags and DeleteTags the tagged resource, whose type (vpc-endpoint) carries aws:RequestTag, aws:ResourceTag
 * and aws:TagKeys, and CreateTags ec2:CreateAction. A condition key is evaluated on every resource of the request,
 * so a route table (which has no ownership tag) needs a statement of its own, as AWS's ElastiCacheServiceRolePolicy
 * does it (its vpc-endpoint statements conditioned, a NotResource statement for the rest).
 */
final class IamRules {

    private IamRules() {
    }

    static final String OWNER_TAG = "managed-by";
    static final String OWNER = "vpce-pilot";

    /** What a role is for, and the only service that may assume it. */
    enum Use {
        FUNCTION("lambda.amazonaws.com"),
        STATE_MACHINE("states.amazonaws.com"),
        EVENT_RULE("events.amazonaws.com");

        final String servicePrincipal;

        Use(String servicePrincipal) {
            this.servicePrincipal = servicePrincipal;
        }
    }

    private static final String ACCOUNT = "\\$\\{AWS::Partition}:%s:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:";
    /** This account in this region, or (the group {@code anyRegion}) in every region: see {@link #CROSS_REGION_ROLES}. */
    private static final String ACCOUNT_ANY_REGION =
            "\\$\\{AWS::Partition}:%s:(\\$\\{AWS::Region}|(?<anyRegion>\\*)):\\$\\{AWS::AccountId}:";

    /**
     * A resource an action may be granted on; {@code ref}, if set, must name a resource of that CloudFormation type
     * ({@link #PARAMETER}: a parameter of the template); the group {@code self}, if the pattern has one, must name the
     * state machine whose role it is.
     */
    record ResourceRule(String type, Pattern pattern, String refType) {
        static ResourceRule ec2(String type) {
            return new ResourceRule(type, Pattern.compile("arn:" + ACCOUNT_ANY_REGION.formatted("ec2")
                    + Pattern.quote(type) + "/\\*"), null);
        }

        boolean has(String group) {
            return pattern.pattern().contains("(?<" + group + ">");
        }
    }

    /** The refType of a rule whose {@code ref} names a parameter of the template. */
    static final String PARAMETER = "Parameter";

    private static final ResourceRule LOCK_TABLE = new ResourceRule("table",
            Pattern.compile("\\$\\{(?<ref>\\w+)\\.Arn}"), "AWS::DynamoDB::Table");
    private static final ResourceRule STATE_MACHINE = new ResourceRule("stateMachine",
            Pattern.compile("\\$\\{(?<ref>\\w+)}"), "AWS::StepFunctions::StateMachine");
    private static final ResourceRule EXECUTIONS = new ResourceRule("execution",
            Pattern.compile("arn:" + ACCOUNT.formatted("states") + "execution:\\$\\{(?<ref>\\w+)\\.Name}:\\*"),
            "AWS::StepFunctions::StateMachine");
    /**
     * A state machine's own children: a Distributed Map starts child executions of the state machine that runs it
     * and watches and stops them (Step Functions Developer Guide, "IAM policies for using Distributed Map states",
     * docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html). By name: a reference to itself
     * would be a circular dependency. The children's ARNs are execution:name/label:id.
     */
    private static final ResourceRule ITSELF = new ResourceRule("stateMachine (itself)",
            Pattern.compile("arn:" + ACCOUNT.formatted("states") + "stateMachine:(?<self>[^/*]+)"), null);
    private static final ResourceRule ITS_CHILD_EXECUTIONS = new ResourceRule("execution (its children)",
            Pattern.compile("arn:" + ACCOUNT.formatted("states") + "execution:(?<self>[^/*]+)/\\*"), null);
    /** The fleet's objects in the template's report bucket: under fleet/ only. */
    static final String FLEET_PREFIX = "fleet/";
    private static final ResourceRule FLEET_OBJECTS = new ResourceRule("object (" + FLEET_PREFIX + "*)",
            Pattern.compile("\\$\\{(?<ref>\\w+)\\.Arn}/" + Pattern.quote(FLEET_PREFIX) + "\\*"), "AWS::S3::Bucket");
    /**
     * The target roles: the one role name (a parameter) in any account; the accounts vary, the name does not
     * (the parameter's AllowedPattern must refuse wildcards).
     */
    private static final ResourceRule TARGET_ROLES = new ResourceRule("role (the target role's name)",
            Pattern.compile("arn:\\$\\{AWS::Partition}:iam::\\*:role/\\$\\{(?<ref>\\w+)}"), PARAMETER);

    /**
     * The prefix lists AWS owns (the service's, read by GetManagedPrefixListEntries, whose resource type is
     * prefix-list*): their ARNs name the owner {@code aws} in place of an account, in the stack's region or (the
     * group {@code anyRegion}, {@link #CROSS_REGION_ROLES} only) in every region.
     */
    private static final ResourceRule AWS_MANAGED_PREFIX_LISTS = new ResourceRule("prefix-list (AWS-managed)",
            Pattern.compile("arn:\\$\\{AWS::Partition}:ec2:(\\$\\{AWS::Region}|(?<anyRegion>\\*))"
                    + ":aws:prefix-list/\\*"), null);

    /** SAM's LambdaInvokePolicy: the function, its versions and aliases. */
    static final ResourceRule FUNCTION = new ResourceRule("function",
            Pattern.compile("arn:" + ACCOUNT.formatted("lambda") + "function:\\$\\{(?<ref>\\w+)}(\\*|:\\*)?"),
            "AWS::Lambda::Function");

    /** Every action the template may grant on named resources, and on which. */
    static final Map<String, List<ResourceRule>> RESOURCES = Map.ofEntries(
            Map.entry("ec2:CreateVpcEndpoint", List.of(ResourceRule.ec2("vpc-endpoint"), ResourceRule.ec2("vpc"),
                    ResourceRule.ec2("route-table"), ResourceRule.ec2("subnet"), ResourceRule.ec2("security-group"))),
            Map.entry("ec2:ModifyVpcEndpoint", List.of(ResourceRule.ec2("vpc-endpoint"),
                    ResourceRule.ec2("route-table"), ResourceRule.ec2("subnet"))),
            Map.entry("ec2:DeleteVpcEndpoints", List.of(ResourceRule.ec2("vpc-endpoint"))),
            Map.entry("ec2:CreateTags", List.of(ResourceRule.ec2("vpc-endpoint"), ResourceRule.ec2("security-group"))),
            // An interface endpoint's own security group (CreateSecurityGroup authorizes security-group* and vpc*;
            // AuthorizeSecurityGroupIngress and DeleteSecurityGroup security-group*, with aws:ResourceTag)
            Map.entry("ec2:CreateSecurityGroup", List.of(ResourceRule.ec2("security-group"), ResourceRule.ec2("vpc"))),
            Map.entry("ec2:AuthorizeSecurityGroupIngress", List.of(ResourceRule.ec2("security-group"))),
            Map.entry("ec2:DeleteSecurityGroup", List.of(ResourceRule.ec2("security-group"))),
            Map.entry("ec2:DeleteTags", List.of(ResourceRule.ec2("vpc-endpoint"))),
            Map.entry("ec2:GetManagedPrefixListEntries", List.of(AWS_MANAGED_PREFIX_LISTS)),
            Map.entry("dynamodb:GetItem", List.of(LOCK_TABLE)),
            Map.entry("dynamodb:PutItem", List.of(LOCK_TABLE)),
            Map.entry("dynamodb:UpdateItem", List.of(LOCK_TABLE)),
            Map.entry("dynamodb:BatchGetItem", List.of(LOCK_TABLE)),
            Map.entry("states:StartExecution", List.of(STATE_MACHINE, ITSELF)),
            Map.entry("states:DescribeExecution", List.of(EXECUTIONS, ITS_CHILD_EXECUTIONS)),
            Map.entry("states:StopExecution", List.of(EXECUTIONS, ITS_CHILD_EXECUTIONS)),
            Map.entry("lambda:InvokeFunction", List.of(FUNCTION)),
            Map.entry("sts:AssumeRole", List.of(TARGET_ROLES)),
            Map.entry("s3:GetObject", List.of(FLEET_OBJECTS)),
            Map.entry("s3:PutObject", List.of(FLEET_OBJECTS)),
            Map.entry("s3:ListMultipartUploadParts", List.of(FLEET_OBJECTS)),
            Map.entry("s3:AbortMultipartUpload", List.of(FLEET_OBJECTS)));

    /**
     * Actions without resource-level permissions (no resource type in the Service Authorization Reference): granted
     * on {@code "*"} only, and only reads or the logging and tracing plumbing. The Step Functions guide's "IAM
     * policies for logging to CloudWatch Logs" names the log-delivery actions on {@code "*"}.
     */
    static final Set<String> STAR_ONLY = Set.of("ec2:DescribeVpcEndpointServices", "ec2:DescribeVpcs",
            "ec2:DescribeRouteTables", "ec2:DescribeVpcEndpoints", "ec2:DescribeRegions", "dynamodb:ListTables",
            "ec2:DescribeSubnets", "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups",
            "ec2:DescribeNetworkInterfaces",
            "organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent",
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups");

    /** What a state machine with {@code LoggingConfiguration} needs (the Step Functions guide, as above). */
    static final Set<String> LOG_DELIVERY = Set.of("logs:CreateLogDelivery", "logs:GetLogDelivery",
            "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies", "logs:DescribeLogGroups");

    /**
     * What a Distributed Map needs of its state machine's role (the Developer Guide page above): to start, watch
     * and stop its children; to read its items ({@code ItemReader} with s3:getObject); to write its results
     * ({@code ResultWriter} with s3:putObject: "IAM policies for ResultWriter", the same page).
     */
    static final Set<String> DISTRIBUTED_MAP = Set.of("states:StartExecution", "states:DescribeExecution",
            "states:StopExecution");
    static final Set<String> ITEM_READER_S3 = Set.of("s3:GetObject");
    static final Set<String> RESULT_WRITER_S3 = Set.of("s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload");

    /** A role several principals share: a named exception to one role per principal, and why. */
    record SharedRole(Set<String> users, String why) {
    }

    /**
     * FleetRole: the fleet's plan, survey, apply and commit functions. The Distributed Map's child steps act on
     * the same targets, and every target role (target-role.yaml) trusts exactly one principal ARN; the plan reaches
     * the same targets for their regions. Its grants are exactly the union of what those handlers' code calls.
     */
    static final Map<String, SharedRole> SHARED_ROLES = Map.of("FleetRole", new SharedRole(Set.of(
            "FleetPlanFunction", "FleetSurveyFunction", "FleetApplyFunction", "FleetCommitFunction"),
            "the Distributed Map's child steps act on the same targets, whose roles trust one principal"));

    /**
     * Roles that act in every region of their account (the fleet's, and the target role it assumes): their EC2
     * ARNs may name region {@code *} and their create's service name is any region's DynamoDB
     * ({@link #CREATE_OURS_IN_ANY_REGION}). No other role may.
     */
    static final Set<String> CROSS_REGION_ROLES = Set.of("FleetRole", "TargetRole");

    /**
     * Roles never granted ec2:DeleteVpcEndpoints, whatever a map of their code says: the fleet creates, repairs and
     * claims as the standing use, and the standing claim only grows (SharedEndpoints.commitStanding).
     */
    static final Set<String> NEVER_DELETES = Set.of("FleetRole", "TargetRole");

    /** Never granted: a role that can pass roles can hand itself (or any role) to a service it starts. */
    static final Set<String> FORBIDDEN_PREFIXES = Set.of("iam:");

    /**
     * The AWS managed policies SAM attaches, with what they grant (AWS Managed Policy Reference): a function always
     * gets AWSLambdaBasicExecutionRole (logs), and AWSXrayWriteOnlyAccess with {@code Tracing: Active}; a state
     * machine AWSXrayWriteOnlyAccess with {@code Tracing: Enabled}; a function with {@code VpcConfig} (the probe)
     * AWSLambdaVPCAccessExecutionRole, its network interfaces (Lambda Developer Guide, VPC access, required
     * permissions). No other managed policy is allowed.
     */
    static final String BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    static final String XRAY_WRITE = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess";
    static final String VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
    static final Map<String, Set<String>> MANAGED_POLICIES = Map.of(
            VPC_ACCESS, Set.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"),
            BASIC_EXECUTION, Set.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
            XRAY_WRITE, Set.of("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                    "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"));

    /** How a condition entry must read: exactly these values, or at least these (a negated operator: more is less). */
    enum Match { EXACTLY, AT_LEAST }

    record Entry(String operator, String key, List<String> values, Match match) {
    }

    /** A condition that makes a grant safe; a statement's Condition satisfies it if it holds every entry. */
    record ConditionForm(String name, List<Entry> entries) {
    }

    static final ConditionForm OWNED = new ConditionForm("owned by vpce-pilot", List.of(
            new Entry("StringEquals", "aws:ResourceTag/" + OWNER_TAG, List.of(OWNER), Match.EXACTLY)));
    static final ConditionForm CREATE_OURS = new ConditionForm("tagged as ours at creation, DynamoDB only", List.of(
            new Entry("StringEquals", "aws:RequestTag/" + OWNER_TAG, List.of(OWNER), Match.EXACTLY),
            new Entry("StringEquals", "ec2:VpceServiceName", List.of("com.amazonaws.${AWS::Region}.dynamodb"),
                    Match.EXACTLY)));
    /**
     * {@link #CREATE_OURS} for a role that crosses regions: StringLike com.amazonaws.*.dynamodb. AWS names the
     * region's DynamoDB service com.amazonaws.&lt;region&gt;.dynamodb, and an endpoint service of someone else's
     * com.amazonaws.vpce.&lt;region&gt;.vpce-svc-&lt;id&gt;, which does not end in .dynamodb.
     */
    static final ConditionForm CREATE_OURS_IN_ANY_REGION = new ConditionForm(
            "tagged as ours at creation, DynamoDB of any region", List.of(
            new Entry("StringEquals", "aws:RequestTag/" + OWNER_TAG, List.of(OWNER), Match.EXACTLY),
            new Entry("StringLike", "ec2:VpceServiceName", List.of("com.amazonaws.*.dynamodb"), Match.EXACTLY)));
    static final ConditionForm TAG_ON_CREATE = new ConditionForm("tag on create", List.of(
            new Entry("StringEquals", "ec2:CreateAction", List.of("CreateVpcEndpoint"), Match.EXACTLY)));
    /**
     * The holder's own tags on an endpoint of ours, never the ownership tags. {@code Null aws:TagKeys false}: a
     * ForAllValues condition is true when the request names no tag keys (IAM User Guide, "Multivalued context key
     * examples"), and a DeleteTags without tags deletes every user tag (EC2 API Reference, DeleteTags).
     */
    static final ConditionForm HOLDER_TAGS = new ConditionForm("the holder's tags, not ours", List.of(
            new Entry("StringEquals", "aws:ResourceTag/" + OWNER_TAG, List.of(OWNER), Match.EXACTLY),
            new Entry("ForAllValues:StringNotLike", "aws:TagKeys", List.of(OWNER_TAG, "vpce-pilot:*"),
                    Match.AT_LEAST),
            new Entry("Null", "aws:TagKeys", List.of("false"), Match.EXACTLY)));

    /** A security group of ours: tagged as owned in its create call. */
    static final ConditionForm CREATE_OUR_GROUP = new ConditionForm("security group tagged as ours at creation",
            List.of(new Entry("StringEquals", "aws:RequestTag/" + OWNER_TAG, List.of(OWNER), Match.EXACTLY)));
    static final ConditionForm TAG_GROUP_ON_CREATE = new ConditionForm("security group tag on create", List.of(
            new Entry("StringEquals", "ec2:CreateAction", List.of("CreateSecurityGroup"), Match.EXACTLY)));

    /** Per action and resource type, the conditions one of which must hold (absent: none needed). */
    static final Map<String, List<ConditionForm>> CONDITIONS = Map.of(
            "ec2:CreateVpcEndpoint vpc-endpoint", List.of(CREATE_OURS),
            "ec2:ModifyVpcEndpoint vpc-endpoint", List.of(OWNED),
            "ec2:DeleteVpcEndpoints vpc-endpoint", List.of(OWNED),
            "ec2:CreateTags vpc-endpoint", List.of(TAG_ON_CREATE, HOLDER_TAGS),
            "ec2:DeleteTags vpc-endpoint", List.of(HOLDER_TAGS),
            "ec2:CreateSecurityGroup security-group", List.of(CREATE_OUR_GROUP),
            "ec2:CreateTags security-group", List.of(TAG_GROUP_ON_CREATE),
            "ec2:AuthorizeSecurityGroupIngress security-group", List.of(OWNED),
            "ec2:DeleteSecurityGroup security-group", List.of(OWNED));

    /** The conditions for a role: one that crosses regions creates under {@link #CREATE_OURS_IN_ANY_REGION}. */
    static List<ConditionForm> conditions(String action, String type, boolean crossRegion) {
        if (crossRegion && (action + " " + type).equals("ec2:CreateVpcEndpoint vpc-endpoint")) {
            return List.of(CREATE_OURS_IN_ANY_REGION);
        }
        return CONDITIONS.get(action + " " + type);
    }

    /**
     * The resource types those conditions are about (the tagged ones: endpoints, and interface endpoints' security
     * groups): a conditioned statement names one of them and no other type.
     */
    static final Set<String> CONDITIONED_TYPES = Set.of("vpc-endpoint", "security-group");
}
