package dev.vpcepilot.template;

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
 *       may assume it; one role per principal but for the named exceptions of {@link IamRules#SHARED_ROLES}
 *       (FleetRole); no IAM users, groups or keys; no function whose role is not in the template;</li>
 *   <li>no NotAction/NotResource in an Allow, no wildcard in an action name, no {@code iam:} action
 *       ({@code iam:PassRole});</li>
 *   <li>every action on the resources its rule allows (ARNs of this stack's account and region, or references to
 *       the template's own table, state machine, functions), {@code "*"} only for actions without resource-level
 *       permissions;</li>
 *   <li>rule 1: Modify and Delete of endpoints only on the ownership tag, Create of endpoints only with the request
 *       tag and the region's DynamoDB service name, tags only at creation or the holder's own (never the ownership
 *       tags); a conditioned statement names endpoints only;</li>
 *   <li>exactly the actions needed: a function what its code calls (by handler class; a shared role the union of
 *       its functions'), a state machine invoking exactly the functions its definition runs plus log delivery and
 *       what its Distributed Maps need (its own children, their S3 items and results), an event rule starting its
 *       target; the managed policies SAM attaches for logs and tracing and no other;</li>
 *   <li>the fleet: EC2 ARNs of every region only for {@link IamRules#CROSS_REGION_ROLES}, never
 *       ec2:DeleteVpcEndpoints for {@link IamRules#NEVER_DELETES}; {@link #checkTargetRole} for target-role.yaml
 *       (its trust: the fleet's role, aws:PrincipalOrgID, sts:ExternalId).</li>
 * </ol>
 * {@link #check} returns the problems, one readable line each, starting with the role's logical id.
 */
final class IamPolicyChecker {

    /** One statement of a role, resources and condition values rendered by {@link Intrinsics}. */
    record Statement(String where, String effect, List<String> actions, List<String> resources, JsonNode condition,
                     boolean notAction, boolean notResource) {
    }

    /** A role, what uses it and what it is granted. */
    record Role(String logicalId, IamRules.Use use, List<String> users, List<Statement> statements,
                List<String> managed, JsonNode trust) {
        /** Its principal, or for a shared role ({@link IamRules#SHARED_ROLES}) the role itself. */
        String user() {
            return users.size() == 1 ? users.get(0) : logicalId;
        }

        boolean crossesRegions() {
            return IamRules.CROSS_REGION_ROLES.contains(logicalId);
        }

        Set<String> allowedActions() {
            Set<String> actions = new TreeSet<>();
            statements.stream().filter(s -> "Allow".equals(s.effect())).forEach(s -> actions.addAll(s.actions()));
            return actions;
        }
    }

    private final JsonNode resources;
    private final JsonNode parameters;
    private final JsonNode conditionsNode;
    private final Map<String, Set<String>> expectedByHandler;
    private final Map<String, String> definitions;
    private final List<String> problems = new ArrayList<>();

    private IamPolicyChecker(JsonNode transformed, Map<String, Set<String>> expectedByHandler,
                             Map<String, String> definitions) {
        this.resources = transformed.path("Resources");
        this.parameters = transformed.path("Parameters");
        this.conditionsNode = transformed.path("Conditions");
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
            role.statements().forEach(s -> checkStatement(role, s));
            checkScope(role);
            checkNeverDeletes(role);
        }
    }

    /**
     * The role of target-role.yaml, which the fleet assumes in each target account: trusted by the fleet's role
     * only (a parameter), under aws:PrincipalOrgID (always) and sts:ExternalId (when one is set); every statement by
     * the rules above; exactly the actions given; no managed policy; never a delete.
     */
    static List<String> checkTargetRole(JsonNode template, String roleId, Set<String> expected) {
        IamPolicyChecker checker = new IamPolicyChecker(template, Map.of(), Map.of());
        Role role = checker.readRoles().get(roleId);
        if (role == null) {
            return List.of(roleId + ": no such role in the template");
        }
        checker.checkTargetTrust(role);
        role.statements().forEach(s -> checker.checkStatement(role, s));
        if (!role.managed().isEmpty()) {
            checker.problems.add(roleId + ": attaches the managed policies " + role.managed() + " (none allowed)");
        }
        checker.checkActions(role, new TreeSet<>(expected), Set.of());
        checker.checkNeverDeletes(role);
        return checker.problems;
    }

    // ---- reading ----

    private Map<String, Role> readRoles() {
        Map<String, IamRules.Use> uses = new LinkedHashMap<>();
        Map<String, List<String>> users = new LinkedHashMap<>();
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
            properties.path("Policies").forEach(entry -> conditional(entry).forEach(policy -> read(id,
                    policy.path("PolicyName").asText("?"), policy.path("PolicyDocument"), statements)));
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
            roles.put(id, new Role(id, uses.get(id), users.getOrDefault(id, List.of()), statements, managed,
                    properties.path("AssumeRolePolicyDocument")));
        }
        for (Map.Entry<String, IamRules.SharedRole> shared : IamRules.SHARED_ROLES.entrySet()) {
            List<String> actual = users.get(shared.getKey());
            if (actual != null && actual.size() > 1 && !new TreeSet<>(actual).equals(new TreeSet<>(shared.getValue()
                    .users()))) {
                problems.add(shared.getKey() + ": shared by " + new TreeSet<>(actual) + ", but the exception ("
                        + shared.getValue().why() + ") is for " + new TreeSet<>(shared.getValue().users()));
            }
        }
        return roles;
    }

    private void use(String user, JsonNode roleArn, IamRules.Use use, Map<String, IamRules.Use> uses,
                     Map<String, List<String>> users) {
        Matcher role = java.util.regex.Pattern.compile("\\$\\{(\\w+)\\.Arn}").matcher(Intrinsics.render(roleArn));
        if (!role.matches() || !"AWS::IAM::Role".equals(resources.path(role.group(1)).path("Type").asText())) {
            problems.add(user + ": its role (" + Intrinsics.render(roleArn) + ") is not a role of this template, so "
                    + "its permissions are outside this check");
            return;
        }
        String id = role.group(1);
        IamRules.SharedRole shared = IamRules.SHARED_ROLES.get(id);
        if (uses.containsKey(id) && (shared == null || uses.get(id) != use || !shared.users().contains(user)
                || !shared.users().containsAll(users.get(id)))) {
            problems.add(id + ": shared by " + String.join(", ", users.get(id)) + " and " + user
                    + " (each principal has a role of its own" + (shared == null ? ""
                    : "; the exception for " + id + " is for " + new TreeSet<>(shared.users()) + " only") + ")");
        }
        uses.put(id, use);
        users.computeIfAbsent(id, k -> new ArrayList<>()).add(user);
    }

    /**
     * The policies an entry of a role's {@code Policies} may be: itself, or for {@code Fn::If [Condition, A, B]}
     * each branch that is not {@code AWS::NoValue} (what a stack may grant, whichever way its condition goes).
     */
    private static List<JsonNode> conditional(JsonNode entry) {
        JsonNode branches = entry.path("Fn::If");
        if (entry.size() != 1 || !branches.isArray() || branches.size() != 3) {
            return List.of(entry);
        }
        List<JsonNode> policies = new ArrayList<>();
        for (JsonNode branch : List.of(branches.get(1), branches.get(2))) {
            if (!"AWS::NoValue".equals(branch.path("Ref").asText())) {
                policies.addAll(conditional(branch));
            }
        }
        return policies;
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

    private void checkStatement(Role role, Statement s) {
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
                Optional<String> type = resourceType(role, s, action, resource, rules);
                type.ifPresent(t -> {
                    types.add(t);
                    List<IamRules.ConditionForm> forms = IamRules.conditions(action, t, role.crossesRegions());
                    if (forms != null && forms.stream().noneMatch(f -> satisfies(s.condition(), f))) {
                        problems.add(s.where() + ": " + action + " on " + t + " resources without the condition "
                                + forms.stream().map(IamRules.ConditionForm::name).toList() + " (has "
                                + (s.condition() == null ? "none" : s.condition()) + ")");
                    }
                });
            }
        }
        if (conditionsOnTags(s.condition()) && (types.size() > 1
                || types.stream().anyMatch(t -> !IamRules.CONDITIONED_TYPES.contains(t)))) {
            problems.add(s.where() + ": its condition is about the tags of one of " + new TreeSet<>(
                    IamRules.CONDITIONED_TYPES) + " but it names " + types + ", on which EC2 evaluates it too (give "
                    + "each type a statement of its own)");
        }
    }

    private Optional<String> resourceType(Role role, Statement s, String action, String resource,
                                          List<IamRules.ResourceRule> rules) {
        if (resource.equals("*")) {
            problems.add(s.where() + ": " + action + " on every resource (\"*\"); allowed: "
                    + rules.stream().map(IamRules.ResourceRule::type).toList());
            return Optional.empty();
        }
        for (IamRules.ResourceRule rule : rules) {
            Matcher m = rule.pattern().matcher(resource);
            if (m.matches()) {
                if (IamRules.PARAMETER.equals(rule.refType())) {
                    JsonNode parameter = parameters.path(m.group("ref"));
                    String allowed = parameter.path("AllowedPattern").asText("");
                    if (parameter.isMissingNode() || allowed.isEmpty() || allowsWildcards(allowed)) {
                        problems.add(s.where() + ": " + action + " on " + resource + ", whose " + m.group("ref")
                                + " is not a parameter of this template whose AllowedPattern refuses * and ?");
                        return Optional.empty();
                    }
                } else if (rule.refType() != null && !rule.refType().equals(
                        resources.path(m.group("ref")).path("Type").asText())) {
                    problems.add(s.where() + ": " + action + " on " + resource + ", which is not a " + rule.refType()
                            + " of this template");
                    return Optional.empty();
                }
                if (rule.has("self")) {
                    String own = role.use() == IamRules.Use.STATE_MACHINE ? Intrinsics.render(resources
                            .path(role.user()).path("Properties").path("StateMachineName")) : "";
                    if (!m.group("self").equals(own)) {
                        problems.add(s.where() + ": " + action + " on " + resource + ", which is not the state "
                                + "machine whose role this is (" + (own.isEmpty() ? "it has no fixed name" : own)
                                + ")");
                        return Optional.empty();
                    }
                } else if (rule.refType() != null && rule.refType().equals("AWS::StepFunctions::StateMachine")
                        && role.use() == IamRules.Use.STATE_MACHINE) {
                    problems.add(s.where() + ": " + action + " on " + resource + ": a state machine starts and "
                            + "stops only its own children");
                    return Optional.empty();
                }
                if (rule.has("anyRegion") && m.group("anyRegion") != null && !role.crossesRegions()) {
                    problems.add(s.where() + ": " + action + " on " + resource + " names every region, which only "
                            + IamRules.CROSS_REGION_ROLES + " may");
                    return Optional.empty();
                }
                return Optional.of(rule.type());
            }
        }
        problems.add(s.where() + ": " + action + " on " + resource + ", which is none of its resources "
                + rules.stream().map(r -> r.type() + " (" + r.pattern() + ")").toList());
        return Optional.empty();
    }

    /** Whether an AllowedPattern (matched whole, as CloudFormation does) accepts a value with a wildcard. */
    private static boolean allowsWildcards(String allowedPattern) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(allowedPattern);
        return pattern.matcher("*").matches() || pattern.matcher("a*").matches() || pattern.matcher("a?").matches();
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
        Set<String> expected = new TreeSet<>();
        Set<String> managed = new TreeSet<>();
        switch (role.use()) {
            case FUNCTION -> {
                for (String function : role.users()) {
                    JsonNode user = resources.path(function).path("Properties");
                    String handler = user.path("Handler").asText().replaceFirst("::.*$", "");
                    Set<String> code = expectedByHandler.get(handler);
                    if (code == null) {
                        problems.add(role.logicalId() + ": no expected action set for the handler " + handler + " of "
                                + function + " (add what its code calls to the map)");
                        return;
                    }
                    expected.addAll(code);
                    if ("Active".equals(user.path("TracingConfig").path("Mode").asText())) {
                        managed.add(IamRules.XRAY_WRITE);
                    }
                    if (user.has("VpcConfig")) {
                        managed.add(IamRules.VPC_ACCESS);
                    }
                }
                managed.add(IamRules.BASIC_EXECUTION);
            }
            case STATE_MACHINE -> {
                JsonNode user = resources.path(role.user()).path("Properties");
                Set<String> invoked = invokedFunctions(role.user(), user);
                if (!invoked.isEmpty()) {
                    expected.add("lambda:InvokeFunction");
                }
                expected.addAll(distributedMapActions(role.user()));
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
                JsonNode user = resources.path(role.user()).path("Properties");
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
        checkActions(role, expected, managed);
    }

    /** The managed policies are exactly those SAM attaches, and the actions granted exactly those expected. */
    private void checkActions(Role role, Set<String> expected, Set<String> managed) {
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

    /** {@link IamRules#NEVER_DELETES}: whatever its code map says. */
    private void checkNeverDeletes(Role role) {
        if (IamRules.NEVER_DELETES.contains(role.logicalId())
                && role.allowedActions().contains("ec2:DeleteVpcEndpoints")) {
            problems.add(role.logicalId() + ": granted ec2:DeleteVpcEndpoints, which it is never granted (the fleet "
                    + "creates, repairs and claims; it deletes nothing)");
        }
    }

    /**
     * What the Distributed Maps of a state machine's definition need of its role ({@link IamRules#DISTRIBUTED_MAP}):
     * a Map state in DISTRIBUTED mode, with an ItemReader or a ResultWriter on S3.
     */
    private Set<String> distributedMapActions(String machine) {
        String definition = definitions.get(machine);
        Set<String> actions = new TreeSet<>();
        if (definition == null) {
            return actions;
        }
        JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(definition);
        } catch (java.io.IOException e) {
            problems.add(machine + ": its definition is not JSON: " + e.getMessage());
            return actions;
        }
        for (JsonNode map : root.findParents("ItemProcessor")) {
            if (!"DISTRIBUTED".equals(map.path("ItemProcessor").path("ProcessorConfig").path("Mode").asText())) {
                continue;
            }
            actions.addAll(IamRules.DISTRIBUTED_MAP);
            if (map.path("ItemReader").path("Resource").asText().endsWith(":s3:getObject")) {
                actions.addAll(IamRules.ITEM_READER_S3);
            }
            if (map.path("ResultWriter").path("Resource").asText().endsWith(":s3:putObject")) {
                actions.addAll(IamRules.RESULT_WRITER_S3);
            }
        }
        return actions;
    }

    /**
     * The target role's trust: one statement, sts:AssumeRole by exactly the principal a parameter names (a role
     * ARN), under StringEquals aws:PrincipalOrgID of a parameter that cannot be empty, and sts:ExternalId of the
     * external-id parameter (or, written with Fn::If, whenever that parameter is set).
     */
    private void checkTargetTrust(Role role) {
        JsonNode statements = role.trust().path("Statement");
        if (!statements.isArray() || statements.size() != 1) {
            problems.add(role.logicalId() + ": its trust must be one statement, has " + statements);
            return;
        }
        JsonNode s = statements.get(0);
        String who = role.logicalId() + " trust";
        if (!"Allow".equals(s.path("Effect").asText())
                || !Intrinsics.renderAll(s.path("Action")).equals(List.of("sts:AssumeRole"))) {
            problems.add(who + ": must allow sts:AssumeRole only, allows " + s.path("Action"));
        }
        JsonNode principal = s.path("Principal");
        List<String> trusted = Intrinsics.renderAll(principal.path("AWS"));
        String principalParameter = trusted.size() == 1 ? trusted.get(0).replaceAll("^\\$\\{(\\w+)}$", "$1") : "";
        String principalPattern = parameters.path(principalParameter).path("AllowedPattern").asText("");
        if (principal.size() != 1 || trusted.size() != 1 || principalPattern.isEmpty()
                || !principalPattern.contains(":role/") || allowsWildcards(principalPattern)) {
            problems.add(who + ": may be assumed by " + principal + " (only the fleet's role, a parameter whose "
                    + "AllowedPattern is a role ARN without wildcards)");
        }
        JsonNode condition = s.path("Condition");
        for (String key : new TreeSet<>(fieldNames(condition))) {
            if (!key.equals("StringEquals")) {
                problems.add(who + ": a condition operator " + key + " (StringEquals only)");
            }
        }
        JsonNode equals = condition.path("StringEquals");
        String org = Intrinsics.render(equals.path("aws:PrincipalOrgID")).replaceAll("^\\$\\{(\\w+)}$", "$1");
        String orgPattern = parameters.path(org).path("AllowedPattern").asText("");
        if (orgPattern.isEmpty() || java.util.regex.Pattern.compile(orgPattern).matcher("").matches()
                || allowsWildcards(orgPattern)) {
            problems.add(who + ": without aws:PrincipalOrgID of a parameter that is always set (has "
                    + equals.path("aws:PrincipalOrgID") + ")");
        }
        if (!externalIdCondition(equals.path("sts:ExternalId"))) {
            problems.add(who + ": without sts:ExternalId of the ExternalId parameter (has "
                    + equals.path("sts:ExternalId") + ")");
        }
        for (String key : new TreeSet<>(fieldNames(equals))) {
            if (!Set.of("aws:PrincipalOrgID", "sts:ExternalId").contains(key)) {
                problems.add(who + ": an unknown condition key " + key);
            }
        }
    }

    /** {@code Ref ExternalId}, or {@code Fn::If [HasIt, Ref ExternalId, Ref AWS::NoValue]} where HasIt is "set". */
    private boolean externalIdCondition(JsonNode value) {
        String parameter = "ExternalId";
        if (!parameters.has(parameter)) {
            return false;
        }
        if (Intrinsics.render(value).equals("${" + parameter + "}")) {
            return true;
        }
        JsonNode branches = value.path("Fn::If");
        if (!branches.isArray() || branches.size() != 3
                || !Intrinsics.render(branches.get(1)).equals("${" + parameter + "}")
                || !Intrinsics.render(branches.get(2)).equals("${AWS::NoValue}")) {
            return false;
        }
        JsonNode isSet = conditionsNode.path(branches.get(0).asText());
        JsonNode equalsEmpty = isSet.path("Fn::Not").path(0).path("Fn::Equals");
        return equalsEmpty.isArray() && equalsEmpty.size() == 2
                && Intrinsics.render(equalsEmpty.get(0)).equals("${" + parameter + "}")
                && equalsEmpty.get(1).asText("x").isEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The template resources an action is granted on (the {@code ref} of its resource rule). */
    private static Set<String> referenced(Role role, String action) {
        Set<String> refs = new TreeSet<>();
        for (Statement s : role.statements()) {
            if ("Allow".equals(s.effect()) && s.actions().contains(action)) {
                for (String resource : s.resources()) {
                    for (IamRules.ResourceRule rule : IamRules.RESOURCES.get(action)) {
                        Matcher m = rule.pattern().matcher(resource);
                        if (m.matches() && rule.has("ref")) {
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
                default -> namedByArn(ref);
            };
            if (function != null && definition.contains("${" + substitution.getKey() + "}")) {
                functions.add(function);
            }
        }
        return functions;
    }

    /**
     * The function whose {@code FunctionName} an ARN written out names ({@code arn:...:function:NAME} or with a
     * qualifier, {@code NAME:live}), the name compared as rendered: the same intrinsics render the same; else null.
     */
    private String namedByArn(String arn) {
        String prefix = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:";
        if (!arn.startsWith(prefix)) {
            return null;
        }
        String named = arn.substring(prefix.length());
        for (Map.Entry<String, JsonNode> resource : fields(resources)) {
            JsonNode name = resource.getValue().path("Properties").path("FunctionName");
            if ("AWS::Lambda::Function".equals(resource.getValue().path("Type").asText()) && !name.isMissingNode()) {
                String rendered = Intrinsics.render(name);
                if (named.equals(rendered) || named.startsWith(rendered + ":")
                        && !named.substring(rendered.length() + 1).contains(":")) {
                    return resource.getKey();
                }
            }
        }
        return null;
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            fields.add(it.next());
        }
        return fields;
    }
}
