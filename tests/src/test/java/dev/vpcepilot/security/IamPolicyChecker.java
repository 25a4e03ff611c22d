package dev.vpcepilot.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * Reads every IAM role of a template after the SAM transform (what CloudFormation gets: {@link SamTransform}) and
 * checks it against {@link IamRules}:
 * <ol>
 *   <li>each role is used by a function, a state machine or an event rule of the template, and only that service
 *       may assume it; no IAM users, groups or keys; no function whose role is not in the template;</li>
 *   <li>no NotAction/NotResource in an Allow, no wildcard in an action name, no {@code iam:} action
 *       ({@code iam:PassRole});</li>
 *   <li>every action on the resources its rule allows (ARNs of this stack's account and region, or references to
 *       the template's own table, state machine, functions), {@code "*"} only for actions without resource-level
 *       permissions;</li>
 *   <li>rule 1: Modify and Delete of endpoints only on the ownership tag, Create of endpoints only with the request
 *       tag and the region's DynamoDB service name, tags only at creation or the holder's own (never the ownership
 *       tags); a conditioned statement names endpoints only;</li>
 *   <li>exactly the actions needed: a function what its code calls (by handler class), a state machine invoking
 *       exactly the functions its definition runs plus log delivery, an event rule starting its target; the
 *       managed policies SAM attaches for logs and tracing and no other.</li>
 * </ol>
 * {@link #check} returns the problems, one readable line each, starting with the role's logical id.
 */
final class IamPolicyChecker {

    /** One statement of a role, resources and condition values rendered by {@link Intrinsics}. */
    record Statement(String where, String effect, List<String> actions, List<String> resources, JsonNode condition,
                     boolean notAction, boolean notResource) {
    }

    /** A role, what uses it and what it is granted. */
    record Role(String logicalId, IamRules.Use use, String user, List<Statement> statements, List<String> managed,
                JsonNode trust) {
        Set<String> allowedActions() {
            Set<String> actions = new TreeSet<>();
            statements.stream().filter(s -> "Allow".equals(s.effect())).forEach(s -> actions.addAll(s.actions()));
            return actions;
        }
    }

    private final JsonNode resources;
    private final Map<String, Set<String>> expectedByHandler;
    private final Map<String, String> definitions;
    private final List<String> problems = new ArrayList<>();

    private IamPolicyChecker(JsonNode transformed, Map<String, Set<String>> expectedByHandler,
                             Map<String, String> definitions) {
        this.resources = transformed.path("Resources");
        this.expectedByHandler = expectedByHandler;
        this.definitions = definitions;
    }

    /**
     * @param expectedByHandler what each function's code calls, by handler class (without {@code ::method})
     * @param definitions       each state machine's definition (logical id → ASL text), to know what it invokes
     */
    static List<String> check(JsonNode transformed, Map<String, Set<String>> expectedByHandler,
                              Map<String, String> definitions) {
        IamPolicyChecker checker = new IamPolicyChecker(transformed, expectedByHandler, definitions);
        checker.checkAll();
        return checker.problems;
    }

    /** The roles of a transformed template, by logical id. */
    static Map<String, Role> roles(JsonNode transformed) {
        return new IamPolicyChecker(transformed, Map.of(), Map.of()).readRoles();
    }

    private void checkAll() {
        Map<String, Role> roles = readRoles();
        if (roles.isEmpty()) {
            problems.add("the template has no IAM role: nothing was checked");
        }
        for (Map.Entry<String, JsonNode> resource : fields(resources)) {
            String type = resource.getValue().path("Type").asText();
            if (Set.of("AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::AccessKey").contains(type)) {
                problems.add(resource.getKey() + ": a " + type + " has no place in this template");
            }
        }
        for (Role role : roles.values()) {
            if (role.use() == null) {
                problems.add(role.logicalId() + ": used by nothing this check knows (a function, a state machine, "
                        + "an event rule)");
                continue;
            }
            checkTrust(role);
            role.statements().forEach(this::checkStatement);
            checkScope(role);
        }
    }

    // ---- reading ----

    private Map<String, Role> readRoles() {
        Map<String, IamRules.Use> uses = new LinkedHashMap<>();
        Map<String, String> users = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> resource : fields(resources)) {
            JsonNode properties = resource.getValue().path("Properties");
            switch (resource.getValue().path("Type").asText()) {
                case "AWS::Lambda::Function" -> use(resource.getKey(), properties.path("Role"), IamRules.Use.FUNCTION,
                        uses, users);
                case "AWS::StepFunctions::StateMachine" -> use(resource.getKey(), properties.path("RoleArn"),
                        IamRules.Use.STATE_MACHINE, uses, users);
                case "AWS::Events::Rule" -> properties.path("Targets").forEach(target -> {
                    if (target.has("RoleArn")) {
                        use(resource.getKey(), target.path("RoleArn"), IamRules.Use.EVENT_RULE, uses, users);
                    }
                });
                default -> {
                    // not a user of roles
                }
            }
        }
        Map<String, Role> roles = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> resource : fields(resources)) {
            if (!"AWS::IAM::Role".equals(resource.getValue().path("Type").asText())) {
                continue;
            }
            String id = resource.getKey();
            JsonNode properties = resource.getValue().path("Properties");
            List<Statement> statements = new ArrayList<>();
            properties.path("Policies").forEach(policy -> read(id, policy.path("PolicyName").asText("?"),
                    policy.path("PolicyDocument"), statements));
            for (Map.Entry<String, JsonNode> other : fields(resources)) {
                String type = other.getValue().path("Type").asText();
                JsonNode attached = other.getValue().path("Properties");
                if ((type.equals("AWS::IAM::Policy") || type.equals("AWS::IAM::ManagedPolicy"))
                        && Intrinsics.renderAll(attached.path("Roles")).contains("${" + id + "}")) {
                    read(id, other.getKey(), attached.path("PolicyDocument"), statements);
                }
            }
            List<String> managed = Intrinsics.renderAll(properties.path("ManagedPolicyArns")).stream()
                    .map(arn -> arn.replace("${AWS::Partition}", "aws")).toList();
            roles.put(id, new Role(id, uses.get(id), users.get(id), statements, managed,
                    properties.path("AssumeRolePolicyDocument")));
        }
        return roles;
    }

    private void use(String user, JsonNode roleArn, IamRules.Use use, Map<String, IamRules.Use> uses,
                     Map<String, String> users) {
        Matcher role = java.util.regex.Pattern.compile("\\$\\{(\\w+)\\.Arn}").matcher(Intrinsics.render(roleArn));
        if (!role.matches() || !"AWS::IAM::Role".equals(resources.path(role.group(1)).path("Type").asText())) {
            problems.add(user + ": its role (" + Intrinsics.render(roleArn) + ") is not a role of this template, so "
                    + "its permissions are outside this check");
            return;
        }
        if (uses.containsKey(role.group(1))) {
            problems.add(role.group(1) + ": shared by " + users.get(role.group(1)) + " and " + user
                    + " (each principal has a role of its own)");
        }
        uses.put(role.group(1), use);
        users.put(role.group(1), user);
    }

    private static void read(String role, String policy, JsonNode document, List<Statement> out) {
        int index = 0;
        for (JsonNode s : document.path("Statement").isArray() ? document.path("Statement")
                : List.of(document.path("Statement"))) {
            String where = role + " statement " + s.path("Sid").asText(policy + "#" + index++);
            out.add(new Statement(where, s.path("Effect").asText(""),
                    Intrinsics.renderAll(s.has("Action") ? s.get("Action") : s.path("NotAction")),
                    Intrinsics.renderAll(s.has("Resource") ? s.get("Resource") : s.path("NotResource")),
                    s.has("Condition") ? s.get("Condition") : null, s.has("NotAction"), s.has("NotResource")));
        }
    }

    // ---- the rules ----

    private void checkTrust(Role role) {
        JsonNode statements = role.trust().path("Statement");
        if (!statements.isArray() || statements.isEmpty()) {
            problems.add(role.logicalId() + ": no trust policy");
            return;
        }
        for (JsonNode s : statements) {
            boolean ok = "Allow".equals(s.path("Effect").asText())
                    && Intrinsics.renderAll(s.path("Action")).equals(List.of("sts:AssumeRole"))
                    && s.path("Principal").size() == 1
                    && Intrinsics.renderAll(s.path("Principal").path("Service"))
                    .equals(List.of(role.use().servicePrincipal));
            if (!ok) {
                problems.add(role.logicalId() + ": may be assumed by " + s.path("Principal") + " (only "
                        + role.use().servicePrincipal + " may assume the role of a " + role.use() + ")");
            }
        }
    }

    private void checkStatement(Statement s) {
        if (!"Allow".equals(s.effect())) {
            return; // a Deny only takes away
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
        Set<String> types = new TreeSet<>();
        for (String action : s.actions()) {
            if (action.contains("*") || action.contains("?")) {
                problems.add(s.where() + ": wildcard action " + action + " (name each action)");
                continue;
            }
            if (IamRules.FORBIDDEN_PREFIXES.stream().anyMatch(action::startsWith)) {
                problems.add(s.where() + ": " + action + " is never granted (iam:PassRole would let the role hand "
                        + "a role to a service it starts)");
                continue;
            }
            if (IamRules.STAR_ONLY.contains(action)) {
                if (!s.resources().equals(List.of("*"))) {
                    problems.add(s.where() + ": " + action + " has no resource-level permissions: Resource \"*\"");
                }
                continue;
            }
            List<IamRules.ResourceRule> rules = IamRules.RESOURCES.get(action);
            if (rules == null) {
                problems.add(s.where() + ": " + action + " has no resource rule in IamRules (add one, or list it "
                        + "among the actions without resource-level permissions)");
                continue;
            }
            for (String resource : s.resources()) {
                Optional<String> type = resourceType(s, action, resource, rules);
                type.ifPresent(t -> {
                    types.add(t);
                    List<IamRules.ConditionForm> forms = IamRules.CONDITIONS.get(action + " " + t);
                    if (forms != null && forms.stream().noneMatch(f -> satisfies(s.condition(), f))) {
                        problems.add(s.where() + ": " + action + " on " + t + " resources without the condition "
                                + forms.stream().map(IamRules.ConditionForm::name).toList() + " (has "
                                + (s.condition() == null ? "none" : s.condition()) + ")");
                    }
                });
            }
        }
        if (conditionsOnTags(s.condition()) && types.stream().anyMatch(t -> !t.equals(IamRules.CONDITIONED_TYPE))) {
            problems.add(s.where() + ": its condition is about " + IamRules.CONDITIONED_TYPE + " resources but it "
                    + "also names " + types + ", on which EC2 evaluates it too (give those a statement of their own)");
        }
    }

    private Optional<String> resourceType(Statement s, String action, String resource,
                                          List<IamRules.ResourceRule> rules) {
        if (resource.equals("*")) {
            problems.add(s.where() + ": " + action + " on every resource (\"*\"); allowed: "
                    + rules.stream().map(IamRules.ResourceRule::type).toList());
            return Optional.empty();
        }
        for (IamRules.ResourceRule rule : rules) {
            Matcher m = rule.pattern().matcher(resource);
            if (m.matches()) {
                if (rule.refType() != null && !rule.refType().equals(
                        resources.path(m.group("ref")).path("Type").asText())) {
                    problems.add(s.where() + ": " + action + " on " + resource + ", which is not a " + rule.refType()
                            + " of this template");
                    return Optional.empty();
                }
                return Optional.of(rule.type());
            }
        }
        problems.add(s.where() + ": " + action + " on " + resource + ", which is none of its resources "
                + rules.stream().map(r -> r.type() + " (" + r.pattern() + ")").toList());
        return Optional.empty();
    }

    /** Whether the Condition holds every entry of the form, by the entry's own operator. */
    static boolean satisfies(JsonNode condition, IamRules.ConditionForm form) {
        if (condition == null) {
            return false;
        }
        for (IamRules.Entry entry : form.entries()) {
            JsonNode node = condition.path(entry.operator()).path(entry.key());
            if (node.isMissingNode()) {
                return false;
            }
            Set<String> values = new TreeSet<>(Intrinsics.renderAll(node));
            boolean holds = entry.match() == IamRules.Match.EXACTLY ? values.equals(new TreeSet<>(entry.values()))
                    : values.containsAll(entry.values());
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static boolean conditionsOnTags(JsonNode condition) {
        if (condition == null) {
            return false;
        }
        Set<String> keys = new LinkedHashSet<>();
        condition.forEach(operator -> operator.fieldNames().forEachRemaining(keys::add));
        return keys.stream().anyMatch(k -> k.startsWith("aws:ResourceTag/") || k.startsWith("aws:RequestTag/")
                || k.equals("aws:TagKeys") || k.startsWith("ec2:Vpce") || k.equals("ec2:CreateAction"));
    }

    /** Exactly what the principal needs, and the managed policies SAM attaches for it and no other. */
    private void checkScope(Role role) {
        JsonNode user = resources.path(role.user()).path("Properties");
        Set<String> expected = new TreeSet<>();
        Set<String> managed = new TreeSet<>();
        switch (role.use()) {
            case FUNCTION -> {
                String handler = user.path("Handler").asText().replaceFirst("::.*$", "");
                Set<String> code = expectedByHandler.get(handler);
                if (code == null) {
                    problems.add(role.logicalId() + ": no expected action set for the handler " + handler + " of "
                            + role.user() + " (add what its code calls to the map)");
                    return;
                }
                expected.addAll(code);
                managed.add(IamRules.BASIC_EXECUTION);
                if ("Active".equals(user.path("TracingConfig").path("Mode").asText())) {
                    managed.add(IamRules.XRAY_WRITE);
                }
            }
            case STATE_MACHINE -> {
                Set<String> invoked = invokedFunctions(role.user(), user);
                if (!invoked.isEmpty()) {
                    expected.add("lambda:InvokeFunction");
                }
                if (user.has("LoggingConfiguration")) {
                    expected.addAll(IamRules.LOG_DELIVERY);
                }
                if (user.path("TracingConfiguration").path("Enabled").asBoolean(false)) {
                    managed.add(IamRules.XRAY_WRITE);
                }
                Set<String> granted = referenced(role, "lambda:InvokeFunction");
                if (!granted.equals(invoked)) {
                    problems.add(role.logicalId() + ": may invoke " + granted + ", its definition runs " + invoked);
                }
            }
            case EVENT_RULE -> {
                expected.add("states:StartExecution");
                Set<String> targets = new TreeSet<>();
                user.path("Targets").forEach(t -> targets.add(Intrinsics.render(t.path("Arn"))
                        .replaceAll("^\\$\\{(\\w+)}$", "$1")));
                Set<String> granted = referenced(role, "states:StartExecution");
                if (!granted.equals(targets)) {
                    problems.add(role.logicalId() + ": may start " + granted + ", its rule targets " + targets);
                }
            }
            default -> throw new IllegalStateException("unknown use " + role.use());
        }
        if (!new TreeSet<>(role.managed()).equals(managed)) {
            problems.add(role.logicalId() + ": attaches the managed policies " + role.managed() + "; SAM attaches "
                    + managed + " for a " + role.use() + " like " + role.user() + ", and no other is allowed");
        }
        Set<String> byManaged = new TreeSet<>();
        role.managed().forEach(arn -> byManaged.addAll(IamRules.MANAGED_POLICIES.getOrDefault(arn, Set.of())));
        for (String action : role.allowedActions()) {
            if (!expected.contains(action)) {
                problems.add(role.logicalId() + ": granted " + action + ", which " + role.user() + " never calls"
                        + (byManaged.contains(action) ? " itself (a managed policy SAM attaches grants it already)"
                        : ""));
            }
        }
        for (String action : expected) {
            if (!role.allowedActions().contains(action)) {
                problems.add(role.logicalId() + ": missing " + action + ", which " + role.user() + " calls");
            }
        }
    }

    /** The template resources an action is granted on (the {@code ref} of its resource rule). */
    private static Set<String> referenced(Role role, String action) {
        Set<String> refs = new TreeSet<>();
        for (Statement s : role.statements()) {
            if ("Allow".equals(s.effect()) && s.actions().contains(action)) {
                for (String resource : s.resources()) {
                    for (IamRules.ResourceRule rule : IamRules.RESOURCES.get(action)) {
                        Matcher m = rule.pattern().matcher(resource);
                        if (m.matches()) {
                            refs.add(m.group("ref"));
                        }
                    }
                }
            }
        }
        return refs;
    }

    /**
     * The functions a state machine runs: its DefinitionSubstitutions that name a function (or its alias or
     * version) and that its definition uses.
     */
    private Set<String> invokedFunctions(String machine, JsonNode properties) {
        String definition = definitions.get(machine);
        if (definition == null) {
            problems.add(machine + ": no definition given to the check, so what it invokes is unknown");
            return Set.of();
        }
        Set<String> functions = new TreeSet<>();
        for (Map.Entry<String, JsonNode> substitution : fields(properties.path("DefinitionSubstitutions"))) {
            String ref = Intrinsics.render(substitution.getValue()).replaceAll("^\\$\\{(\\w+)}$", "$1");
            JsonNode target = resources.path(ref);
            String function = switch (target.path("Type").asText()) {
                case "AWS::Lambda::Function" -> ref;
                case "AWS::Lambda::Alias", "AWS::Lambda::Version" -> Intrinsics.render(
                        target.path("Properties").path("FunctionName")).replaceAll("^\\$\\{(\\w+)}$", "$1");
                default -> null;
            };
            if (function != null && definition.contains("${" + substitution.getKey() + "}")) {
                functions.add(function);
            }
        }
        return functions;
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            fields.add(it.next());
        }
        return fields;
    }
}
