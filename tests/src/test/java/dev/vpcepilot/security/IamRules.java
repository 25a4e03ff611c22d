package dev.vpcepilot.security;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * vpce-pilot's least-privilege rules as data (README "Safety", design.md section 3 rule 1), for
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

    /** A resource an action may be granted on; {@code ref}, if set, must name a resource of that CloudFormation type. */
    record ResourceRule(String type, Pattern pattern, String refType) {
        static ResourceRule ec2(String type) {
            return new ResourceRule(type, Pattern.compile("arn:" + ACCOUNT.formatted("ec2") + Pattern.quote(type)
                    + "/\\*"), null);
        }
    }

    private static final ResourceRule LOCK_TABLE = new ResourceRule("table",
            Pattern.compile("\\$\\{(?<ref>\\w+)\\.Arn}"), "AWS::DynamoDB::Table");
    private static final ResourceRule STATE_MACHINE = new ResourceRule("stateMachine",
            Pattern.compile("\\$\\{(?<ref>\\w+)}"), "AWS::StepFunctions::StateMachine");
    private static final ResourceRule EXECUTIONS = new ResourceRule("execution",
            Pattern.compile("arn:" + ACCOUNT.formatted("states") + "execution:\\$\\{(?<ref>\\w+)\\.Name}:\\*"),
            "AWS::StepFunctions::StateMachine");
    /** SAM's LambdaInvokePolicy: the function, its versions and aliases. */
    static final ResourceRule FUNCTION = new ResourceRule("function",
            Pattern.compile("arn:" + ACCOUNT.formatted("lambda") + "function:\\$\\{(?<ref>\\w+)}(\\*|:\\*)?"),
            "AWS::Lambda::Function");

    /** Every action the template may grant on named resources, and on which. */
    static final Map<String, List<ResourceRule>> RESOURCES = Map.ofEntries(
            Map.entry("ec2:CreateVpcEndpoint", List.of(ResourceRule.ec2("vpc-endpoint"), ResourceRule.ec2("vpc"),
                    ResourceRule.ec2("route-table"))),
            Map.entry("ec2:ModifyVpcEndpoint", List.of(ResourceRule.ec2("vpc-endpoint"),
                    ResourceRule.ec2("route-table"))),
            Map.entry("ec2:DeleteVpcEndpoints", List.of(ResourceRule.ec2("vpc-endpoint"))),
            Map.entry("ec2:CreateTags", List.of(ResourceRule.ec2("vpc-endpoint"))),
            Map.entry("ec2:DeleteTags", List.of(ResourceRule.ec2("vpc-endpoint"))),
            Map.entry("dynamodb:GetItem", List.of(LOCK_TABLE)),
            Map.entry("dynamodb:PutItem", List.of(LOCK_TABLE)),
            Map.entry("dynamodb:UpdateItem", List.of(LOCK_TABLE)),
            Map.entry("states:StartExecution", List.of(STATE_MACHINE)),
            Map.entry("states:DescribeExecution", List.of(EXECUTIONS)),
            Map.entry("states:StopExecution", List.of(EXECUTIONS)),
            Map.entry("lambda:InvokeFunction", List.of(FUNCTION)));

    /**
     * Actions without resource-level permissions (no resource type in the Service Authorization Reference): granted
     * on {@code "*"} only, and only reads or the logging and tracing plumbing. The Step Functions guide's "IAM
     * policies for logging to CloudWatch Logs" names the log-delivery actions on {@code "*"}.
     */
    static final Set<String> STAR_ONLY = Set.of("ec2:DescribeVpcEndpointServices", "ec2:DescribeVpcs",
            "ec2:DescribeRouteTables", "ec2:DescribeVpcEndpoints", "dynamodb:ListTables",
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups");

    /** What a state machine with {@code LoggingConfiguration} needs (the Step Functions guide, as above). */
    static final Set<String> LOG_DELIVERY = Set.of("logs:CreateLogDelivery", "logs:GetLogDelivery",
            "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies", "logs:DescribeLogGroups");

    /** Never granted: a role that can pass roles can hand itself (or any role) to a service it starts. */
    static final Set<String> FORBIDDEN_PREFIXES = Set.of("iam:");

    /**
     * The AWS managed policies SAM attaches, with what they grant (AWS Managed Policy Reference): a function always
     * gets AWSLambdaBasicExecutionRole (logs), and AWSXrayWriteOnlyAccess with {@code Tracing: Active}; a state
     * machine AWSXrayWriteOnlyAccess with {@code Tracing: Enabled}. No other managed policy is allowed.
     */
    static final String BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    static final String XRAY_WRITE = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess";
    static final Map<String, Set<String>> MANAGED_POLICIES = Map.of(
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

    /** Per action and resource type, the conditions one of which must hold (absent: none needed). */
    static final Map<String, List<ConditionForm>> CONDITIONS = Map.of(
            "ec2:CreateVpcEndpoint vpc-endpoint", List.of(CREATE_OURS),
            "ec2:ModifyVpcEndpoint vpc-endpoint", List.of(OWNED),
            "ec2:DeleteVpcEndpoints vpc-endpoint", List.of(OWNED),
            "ec2:CreateTags vpc-endpoint", List.of(TAG_ON_CREATE, HOLDER_TAGS),
            "ec2:DeleteTags vpc-endpoint", List.of(HOLDER_TAGS));

    /** The resource type those conditions are about: a conditioned statement names no other. */
    static final String CONDITIONED_TYPE = "vpc-endpoint";
}
