package dev.vpcepilot.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads every IAM permission a SAM template grants (the {@code Policies} of each {@code AWS::Serverless::Function}
 * and {@code AWS::Serverless::StateMachine}, with the SAM policy templates expanded, plus any IAM resource) and
 * checks it against vpce-pilot's least-privilege rules (design.md section 6, README "Safety"):
 * <ol>
 *   <li>no {@code NotAction}/{@code NotResource} in an Allow, and no wildcard in any action name ({@code *},
 *       {@code ec2:*}, {@code ec2:Describe*});</li>
 *   <li>{@code ec2:DeleteVpcEndpoints} only under {@code StringEquals aws:ResourceTag/managed-by: vpce-pilot};</li>
 *   <li>{@code ec2:CreateVpcEndpoint} on {@code vpc-endpoint} resources only under
 *       {@code StringEquals aws:RequestTag/managed-by: vpce-pilot};</li>
 *   <li>{@code ec2:CreateTags} only on {@code vpc-endpoint} resources and only under {@code StringEquals}
 *       {@code ec2:CreateAction} (tag on create) or {@code aws:ResourceTag/managed-by: vpce-pilot};</li>
 *   <li>no EC2 action that changes something on {@code Resource: "*"};</li>
 *   <li>each function is granted exactly the actions its code calls (keyed by its Handler class), the state
 *       machine exactly what its definition and its logging and tracing need; a principal the checker cannot
 *       see through (a {@code Role}, a managed policy, an unknown policy template) is a problem too.</li>
 * </ol>
 * {@link #check} returns the problems, one readable line each; an empty list means the template passed.
 */
final class IamPolicyChecker {

    static final String OWNER_KEY_RESOURCE = "aws:ResourceTag/managed-by";
    static final String OWNER_KEY_REQUEST = "aws:RequestTag/managed-by";
    static final String OWNER_VALUE = "vpce-pilot";
    private static final Pattern ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9]+");
    private static final Set<String> EC2_WRITE_PREFIXES = Set.of("Create", "Delete", "Modify", "Replace", "Associate",
            "Disassociate", "Attach", "Detach", "Accept", "Reject", "Reset");

    /** One Allow or Deny statement, with its resources as text ({@code Fn::Sub} templates kept as written). */
    record Statement(String principal, String sid, String effect, List<String> actions, List<String> resources,
                     JsonNode condition, boolean notAction, boolean notResource) {
        String where() {
            return principal + (sid == null ? "" : " statement " + sid);
        }
    }

    /** A function or the state machine, and what it is granted. */
    record Principal(String logicalId, String type, String handler, List<Statement> statements,
                     List<String> unreadable) {
        Set<String> allowedActions() {
            Set<String> actions = new TreeSet<>();
            statements.stream().filter(s -> "Allow".equals(s.effect())).forEach(s -> actions.addAll(s.actions()));
            return actions;
        }
    }

    private IamPolicyChecker() {
    }

    /**
     * @param expectedByHandler the actions each function's code calls, by handler class ({@code a.b.C}, without
     *                          {@code ::method})
     */
    static List<String> check(JsonNode template, Map<String, Set<String>> expectedByHandler) {
        List<String> problems = new ArrayList<>();
        List<Principal> principals = principals(template);
        if (principals.isEmpty()) {
            problems.add("the template grants nothing to any function or state machine: nothing was checked");
        }
        for (Principal principal : principals) {
            principal.unreadable().forEach(u -> problems.add(principal.logicalId() + ": " + u));
            for (Statement statement : principal.statements()) {
                problems.addAll(statementProblems(statement));
            }
            problems.addAll(scopeProblems(principal, template, expectedByHandler));
        }
        return problems;
    }

    /** Every function and state machine of the template (and IAM resources), with their statements. */
    static List<Principal> principals(JsonNode template) {
        List<Principal> principals = new ArrayList<>();
        JsonNode globalFunction = template.path("Globals").path("Function");
        for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> resource = it.next();
            String id = resource.getKey();
            String type = resource.getValue().path("Type").asText();
            JsonNode properties = resource.getValue().path("Properties");
            List<Statement> statements = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            switch (type) {
                case "AWS::Serverless::Function" -> {
                    for (JsonNode scope : List.of(globalFunction, properties)) {
                        if (scope.has("Role")) {
                            unreadable.add("has a Role: its permissions are outside what this check can see");
                        }
                        readPolicies(id, scope.path("Policies"), template, statements, unreadable);
                    }
                    String handler = properties.path("Handler").asText(globalFunction.path("Handler").asText(""));
                    principals.add(new Principal(id, type, handler.replaceFirst("::.*$", ""), statements, unreadable));
                }
                case "AWS::Serverless::StateMachine" -> {
                    if (properties.has("Role")) {
                        unreadable.add("has a Role: its permissions are outside what this check can see");
                    }
                    readPolicies(id, properties.path("Policies"), template, statements, unreadable);
                    principals.add(new Principal(id, type, null, statements, unreadable));
                }
                case "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> {
                    JsonNode documents = type.equals("AWS::IAM::Role") ? properties.path("Policies")
                            : properties;
                    for (JsonNode document : documents.isArray() ? documents : List.of(documents)) {
                        readStatements(id, document.path("PolicyDocument").path("Statement"), statements);
                    }
                    if (properties.has("ManagedPolicyArns")) {
                        unreadable.add("attaches managed policies: their permissions are outside this check");
                    }
                    principals.add(new Principal(id, type, null, statements, unreadable));
                }
                default -> {
                    // not a principal
                }
            }
        }
        return principals;
    }

    private static void readPolicies(String principal, JsonNode policies, JsonNode template, List<Statement> out,
                                     List<String> unreadable) {
        if (policies.isMissingNode() || policies.isNull()) {
            return;
        }
        for (JsonNode policy : policies.isArray() ? policies : List.of(policies)) {
            if (policy.isTextual()) {
                unreadable.add("uses the managed policy " + policy.asText()
                        + ": its permissions are outside this check");
            } else if (policy.has("Statement")) {
                readStatements(principal, policy.get("Statement"), out);
            } else if (policy.size() == 1 && policy.has("LambdaInvokePolicy")) {
                // SAM expands it to lambda:InvokeFunction on the function (and its versions and aliases)
                JsonNode name = policy.get("LambdaInvokePolicy").path("FunctionName");
                String function = name.path("Ref").asText(null);
                if (function == null || !"AWS::Serverless::Function".equals(
                        template.path("Resources").path(function).path("Type").asText())) {
                    unreadable.add("LambdaInvokePolicy names " + name + ", not a function of this template");
                    continue;
                }
                out.add(new Statement(principal, "LambdaInvokePolicy(" + function + ")", "Allow",
                        List.of("lambda:InvokeFunction"),
                        List.of("function:" + function, "function:" + function + ":*"),
                        null, false, false));
            } else {
                unreadable.add("uses the policy template " + policy.fieldNames().next()
                        + ", which this check does not know how to expand");
            }
        }
    }

    private static void readStatements(String principal, JsonNode statements, List<Statement> out) {
        for (JsonNode s : statements.isArray() ? statements : List.of(statements)) {
            out.add(new Statement(principal, s.path("Sid").asText(null), s.path("Effect").asText(""),
                    texts(s.has("Action") ? s.get("Action") : s.path("NotAction")),
                    texts(s.has("Resource") ? s.get("Resource") : s.path("NotResource")),
                    s.has("Condition") ? s.get("Condition") : null, s.has("NotAction"), s.has("NotResource")));
        }
    }

    /** A string or list of strings; an intrinsic function as its template text ({@code Fn::Sub}) or JSON. */
    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return texts;
        }
        for (JsonNode item : node.isArray() ? node : List.of(node)) {
            if (item.isTextual()) {
                texts.add(item.asText());
            } else if (item.has("Fn::Sub")) {
                JsonNode sub = item.get("Fn::Sub");
                texts.add(substitute(sub.isArray() ? sub.get(0).asText() : sub.asText()));
            } else {
                texts.add(item.toString());
            }
        }
        return texts;
    }

    /**
     * An {@code Fn::Sub} template as the ARN it becomes: the partition, region and account of a stack, and any other
     * variable as {@code *} (it may be anything, so the rules treat it as a wildcard).
     */
    static String substitute(String template) {
        return template.replace("${AWS::Partition}", "aws").replace("${AWS::Region}", "us-east-1")
                .replace("${AWS::AccountId}", "123456789012").replaceAll("\\$\\{[^}]*}", "*");
    }

    // ---- the rules ----

    private static List<String> statementProblems(Statement s) {
        List<String> problems = new ArrayList<>();
        if (!"Allow".equals(s.effect())) {
            return problems; // a Deny only takes away
        }
        if (s.notAction()) {
            problems.add(s.where() + ": NotAction in an Allow grants every other action");
        }
        if (s.notResource()) {
            problems.add(s.where() + ": NotResource in an Allow grants every other resource");
        }
        if (s.actions().isEmpty()) {
            problems.add(s.where() + ": an Allow without actions");
        }
        for (String action : s.actions()) {
            if (action.contains("*") || action.contains("?")) {
                problems.add(s.where() + ": wildcard action " + action + " (name each action)");
            } else if (!ACTION.matcher(action).matches()) {
                problems.add(s.where() + ": '" + action + "' is not a service:Action name");
            }
            if (action.startsWith("ec2:") && isEc2Write(action) && s.resources().contains("*")) {
                problems.add(s.where() + ": " + action + " on Resource \"*\"");
            }
        }
        if (s.actions().contains("ec2:DeleteVpcEndpoints")
                && !stringEquals(s.condition(), OWNER_KEY_RESOURCE, OWNER_VALUE)) {
            problems.add(s.where() + ": ec2:DeleteVpcEndpoints without Condition StringEquals "
                    + OWNER_KEY_RESOURCE + ": " + OWNER_VALUE);
        }
        if (s.actions().contains("ec2:CreateVpcEndpoint")
                && s.resources().stream().anyMatch(r -> covers(r, "vpc-endpoint"))
                && !stringEquals(s.condition(), OWNER_KEY_REQUEST, OWNER_VALUE)) {
            problems.add(s.where() + ": ec2:CreateVpcEndpoint on vpc-endpoint resources without Condition StringEquals "
                    + OWNER_KEY_REQUEST + ": " + OWNER_VALUE);
        }
        if (s.actions().contains("ec2:CreateTags")) {
            if (!stringEquals(s.condition(), "ec2:CreateAction", "CreateVpcEndpoint")
                    && !stringEquals(s.condition(), OWNER_KEY_RESOURCE, OWNER_VALUE)) {
                problems.add(s.where() + ": ec2:CreateTags without Condition StringEquals ec2:CreateAction: "
                        + "CreateVpcEndpoint or " + OWNER_KEY_RESOURCE + ": " + OWNER_VALUE);
            }
            for (String resource : s.resources()) {
                if (!resourceType(resource).equals("vpc-endpoint/*")) {
                    problems.add(s.where() + ": ec2:CreateTags on " + resource + " (only vpc-endpoint resources)");
                }
            }
        }
        return problems;
    }

    private static List<String> scopeProblems(Principal principal, JsonNode template,
                                              Map<String, Set<String>> expectedByHandler) {
        List<String> problems = new ArrayList<>();
        Set<String> expected;
        switch (principal.type()) {
            case "AWS::Serverless::Function" -> {
                expected = expectedByHandler.get(principal.handler());
                if (expected == null) {
                    problems.add(principal.logicalId() + ": no expected action set for its handler "
                            + principal.handler() + " (add what its code calls to the checker's map)");
                    return problems;
                }
            }
            case "AWS::Serverless::StateMachine" -> expected = stateMachineNeeds(template,
                    template.path("Resources").path(principal.logicalId()).path("Properties"));
            default -> {
                problems.add(principal.logicalId() + ": an IAM resource of the template that no expected action set "
                        + "covers");
                return problems;
            }
        }
        Set<String> granted = principal.allowedActions();
        for (String action : granted) {
            if (!expected.contains(action)) {
                problems.add(principal.logicalId() + ": granted " + action + ", which its code never calls");
            }
        }
        for (String action : expected) {
            if (!granted.contains(action)) {
                problems.add(principal.logicalId() + ": missing " + action + ", which its code calls");
            }
        }
        return problems;
    }

    /**
     * What a state machine needs: to invoke the functions its definition's Task states name (through
     * DefinitionSubstitutions), to deliver its logs when Logging is set (the actions AWS documents for
     * CloudWatch Logs delivery) and to send traces when Tracing is enabled.
     */
    static Set<String> stateMachineNeeds(JsonNode template, JsonNode properties) {
        Set<String> needs = new LinkedHashSet<>();
        boolean invokesFunctions = false;
        for (Iterator<JsonNode> it = properties.path("DefinitionSubstitutions").elements(); it.hasNext(); ) {
            String ref = it.next().path("Ref").asText("").replaceFirst("\\.Alias$", "");
            if ("AWS::Serverless::Function".equals(template.path("Resources").path(ref).path("Type").asText())) {
                invokesFunctions = true;
            }
        }
        if (invokesFunctions) {
            needs.add("lambda:InvokeFunction");
        }
        if (properties.has("Logging")) {
            needs.addAll(List.of("logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"));
        }
        if (properties.path("Tracing").path("Enabled").asBoolean(false)) {
            needs.addAll(List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                    "xray:GetSamplingTargets"));
        }
        return needs;
    }

    /** Whether the Condition has exactly {@code StringEquals {key: value}} (a string or a one-element list). */
    static boolean stringEquals(JsonNode condition, String key, String value) {
        if (condition == null) {
            return false;
        }
        JsonNode values = condition.path("StringEquals").path(key);
        if (values.isTextual()) {
            return values.asText().equals(value);
        }
        return values.isArray() && values.size() == 1 && values.get(0).asText().equals(value);
    }

    private static boolean isEc2Write(String action) {
        String name = action.substring(action.indexOf(':') + 1);
        return EC2_WRITE_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The resource part of an ARN template ({@code vpc-endpoint/*}), or the text itself ({@code *}). */
    static String resourceType(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length == 6 ? parts[5] : arn;
    }

    /** Whether a Resource entry can match a resource of the given EC2 type. */
    static boolean covers(String resource, String ec2Type) {
        if (resource.equals("*")) {
            return true;
        }
        String[] parts = resource.split(":", 6);
        if (parts.length < 6) {
            return true; // not an ARN this check understands: assume the worst
        }
        if (!parts[2].equals("ec2") && !parts[2].contains("*")) {
            return false;
        }
        String glob = parts[5];
        String regex = ("\\Q" + glob.replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q") + "\\E");
        return (ec2Type + "/vpce-0123456789abcdef0").matches(regex);
    }

    /** The statements of one principal, by logical id (for tests and messages). */
    static Map<String, Principal> byLogicalId(JsonNode template) {
        Map<String, Principal> map = new LinkedHashMap<>();
        principals(template).forEach(p -> map.put(p.logicalId(), p));
        return map;
    }
}
