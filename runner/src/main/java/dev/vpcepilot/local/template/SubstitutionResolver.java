package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the value of one {@code DefinitionSubstitutions} entry (or of a function's environment variable) to the
 * text CloudFormation would put there, for the values the template holds: literals, parameters, pseudo
 * parameters, references to Lambda functions ({@code !Ref Fn.Alias}, {@code !Ref FnAlias<alias>},
 * {@code !GetAtt Fn.Arn}, {@code !Ref Fn}), to the other resources of the local pseudo stack (DynamoDB tables,
 * S3 buckets, log groups, state machines: their names, ARNs and {@code Name}), and {@code Fn::Sub} /
 * {@code Fn::Join} / {@code Fn::Select} (of a list or of {@code Fn::Split}) over those, and {@code Fn::If} on the
 * template's conditions ({@link TemplateConditions}).
 * Functions become ARNs in the local pseudo account ({@link LocalAccount}) that
 * {@link FunctionDirectory} maps back to their handlers; other resources get the names of {@link LocalResources}.
 *
 * <p>One deliberate difference: a substitution that is exactly {@code !Ref Function} gives the function's ARN,
 * not its name as CloudFormation would (Step Functions needs an ARN in a Task's {@code Resource}); inside
 * {@code Fn::Sub}, {@code ${Function}} is the name, as in CloudFormation.
 */
final class SubstitutionResolver {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern GENERATED_ALIAS = Pattern.compile("(.+)Alias([A-Za-z0-9]+)");

    private final SamTemplate template;
    private final ParameterValues parameters;
    private final FunctionDirectory functions;
    private final String region;
    private final TemplateConditions conditions;

    SubstitutionResolver(SamTemplate template, ParameterValues parameters, FunctionDirectory functions, String region) {
        this.template = template;
        this.parameters = parameters;
        this.functions = functions;
        this.region = region;
        this.conditions = new TemplateConditions(template, parameters);
    }

    String resolve(String key, JsonNode value) {
        try {
            return resolveValue(value, true);
        } catch (TemplateException e) {
            throw new TemplateException("DefinitionSubstitutions." + key + ": " + e.getMessage(), e);
        }
    }

    /** A property value as CloudFormation resolves it ({@code !Ref Function} is then the function's name). */
    String resolveProperty(String where, JsonNode value) {
        try {
            return resolveValue(value, false);
        } catch (TemplateException e) {
            throw new TemplateException(where + ": " + e.getMessage(), e);
        }
    }

    private String resolveValue(JsonNode value, boolean wholeSubstitution) {
        if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isObject() && value.size() == 1) {
            String function = value.fieldNames().next();
            JsonNode argument = value.get(function);
            return switch (function) {
                case "Ref" -> ref(requireText(argument, "Ref"), wholeSubstitution);
                case "Fn::GetAtt" -> getAtt(argument);
                case "Fn::Sub" -> sub(argument);
                case "Fn::Join" -> join(argument);
                case "Fn::Select" -> select(argument);
                case "Fn::If" -> resolveValue(chosen(argument), wholeSubstitution);
                default -> throw new TemplateException(function + " is not supported in a substitution by the local "
                        + "runner (supported: literals, Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, "
                        + "Fn::If)");
            };
        }
        throw new TemplateException("a substitution value must be a string, a number, a boolean, Ref, Fn::GetAtt, "
                + "Fn::Sub, Fn::Join, Fn::Select or Fn::If; found " + value);
    }

    /** {@code Fn::Select [index, list]}, the list literal or {@code Fn::Split [delimiter, text]}. */
    private String select(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 2 || !argument.get(0).asText().matches("\\d+")) {
            throw new TemplateException("Fn::Select needs [index, list]; found " + argument);
        }
        List<String> items = list(argument.get(1));
        int index = argument.get(0).asInt();
        if (index >= items.size()) {
            throw new TemplateException("Fn::Select index " + index + " is beyond the list " + items);
        }
        return items.get(index);
    }

    private List<String> list(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(resolveValue(item, false)));
            return items;
        }
        JsonNode split = value.path("Fn::Split");
        if (value.size() != 1 || !split.isArray() || split.size() != 2 || !split.get(0).isTextual()) {
            throw new TemplateException("a list must be literal or Fn::Split [delimiter, text]; found " + value);
        }
        return List.of(resolveValue(split.get(1), false).split(Pattern.quote(split.get(0).asText()), -1));
    }

    /** The branch of {@code Fn::If [condition, whenTrue, whenFalse]} the template's condition chooses. */
    private JsonNode chosen(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 3 || !argument.get(0).isTextual()) {
            throw new TemplateException("Fn::If needs [condition, value if true, value if false]; found " + argument);
        }
        return argument.get(conditions.holds(argument.get(0).asText()) ? 1 : 2);
    }

    private String ref(String name, boolean wholeSubstitution) {
        Optional<String> pseudo = pseudoParameter(name);
        if (pseudo.isPresent()) {
            return pseudo.get();
        }
        if (parameters.isDeclared(name)) {
            return parameters.value(name);
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            String resource = name.substring(0, dot);
            String property = name.substring(dot + 1);
            LocalFunction function = function(resource, "!Ref " + name);
            if (property.equals("Alias")) {
                return aliasArn(function, "!Ref " + name);
            }
            throw new TemplateException("!Ref " + name + ": the local runner resolves only the .Alias of a function "
                    + "(SAM's " + property + " reference is not supported)");
        }
        if (template.hasResource(name) && !template.isFunction(name)) {
            return LocalResources.ref(template, name, region);
        }
        if (template.hasResource(name)) {
            LocalFunction function = function(name, "!Ref " + name);
            return wholeSubstitution ? function.arn(region) : function.functionName();
        }
        Matcher generatedAlias = GENERATED_ALIAS.matcher(name);
        if (generatedAlias.matches() && template.hasResource(generatedAlias.group(1))
                && template.isFunction(generatedAlias.group(1))) {
            LocalFunction function = function(generatedAlias.group(1), "!Ref " + name);
            if (generatedAlias.group(2).equals(function.alias())) {
                return function.arn(region, function.alias());
            }
        }
        throw new TemplateException("!Ref " + name + " names no parameter, pseudo parameter or resource of the "
                + "template");
    }

    private String getAtt(JsonNode argument) {
        String resource;
        String attribute;
        if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual() && argument.get(1).isTextual()) {
            resource = argument.get(0).asText();
            attribute = argument.get(1).asText();
        } else if (argument.isTextual() && argument.asText().indexOf('.') > 0) {
            resource = argument.asText().substring(0, argument.asText().indexOf('.'));
            attribute = argument.asText().substring(argument.asText().indexOf('.') + 1);
        } else {
            throw new TemplateException("Fn::GetAtt needs [Resource, Attribute]; found " + argument);
        }
        String what = "!GetAtt " + resource + "." + attribute;
        if (template.hasResource(resource) && !template.isFunction(resource)) {
            return LocalResources.getAtt(template, resource, attribute, region);
        }
        LocalFunction function = function(resource, what);
        if (!attribute.equals("Arn")) {
            throw new TemplateException(what + ": the local runner resolves only the Arn attribute of a function");
        }
        return function.arn(region);
    }

    private String sub(JsonNode argument) {
        String text;
        JsonNode variables;
        if (argument.isTextual()) {
            text = argument.asText();
            variables = null;
        } else if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual() && argument.get(1).isObject()) {
            text = argument.get(0).asText();
            variables = argument.get(1);
        } else {
            throw new TemplateException("Fn::Sub needs a string or [string, {variables}]; found " + argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables != null && variables.has(name)) {
                replacement = resolveValue(variables.get(name), false);
            } else if (name.indexOf('.') > 0 && !name.endsWith(".Alias") && pseudoParameter(name).isEmpty()) {
                replacement = getAtt(TextNode.valueOf(name));
            } else {
                replacement = ref(name, false);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private String join(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 2 || !argument.get(0).isTextual() || !argument.get(1).isArray()) {
            throw new TemplateException("Fn::Join needs [delimiter, [values]]; found " + argument);
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode item : argument.get(1)) {
            parts.add(resolveValue(item, false));
        }
        return String.join(argument.get(0).asText(), parts);
    }

    private LocalFunction function(String logicalId, String what) {
        if (!template.hasResource(logicalId)) {
            throw new TemplateException(what + ": the template has no resource " + logicalId);
        }
        if (!template.isFunction(logicalId)) {
            throw new TemplateException(what + ": " + logicalId + " is a " + template.resourceType(logicalId)
                    + ", not a Lambda function; the local runner can substitute only functions, parameters and "
                    + "literals");
        }
        return functions.byLogicalId(logicalId).orElseThrow(() -> new TemplateException(what + ": function "
                + logicalId + " is not known"));
    }

    private String aliasArn(LocalFunction function, String what) {
        if (function.alias() == null) {
            throw new TemplateException(what + ": function " + function.logicalId() + " has no AutoPublishAlias");
        }
        return function.arn(region, function.alias());
    }

    private Optional<String> pseudoParameter(String name) {
        return Optional.ofNullable(switch (name) {
            case "AWS::Region" -> region;
            case "AWS::AccountId" -> LocalAccount.ACCOUNT_ID;
            case "AWS::Partition" -> LocalAccount.partition(region);
            case "AWS::URLSuffix" -> LocalAccount.urlSuffix(region);
            case "AWS::StackName" -> LocalAccount.STACK_NAME;
            case "AWS::StackId" -> "arn:" + LocalAccount.partition(region) + ":cloudformation:" + region + ":"
                    + LocalAccount.ACCOUNT_ID + ":stack/" + LocalAccount.STACK_NAME
                    + "/00000000-0000-0000-0000-000000000000";
            default -> null;
        });
    }

    private static String requireText(JsonNode argument, String function) {
        if (!argument.isTextual()) {
            throw new TemplateException(function + " needs a name; found " + argument);
        }
        return argument.asText();
    }
}
