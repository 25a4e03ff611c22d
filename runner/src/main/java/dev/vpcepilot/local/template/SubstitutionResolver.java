package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the value of one {@code DefinitionSubstitutions} entry (or of a function's environment variable,
 * {@link FunctionEnvironment}) to the text CloudFormation would put there, for the values such properties hold:
 * literals, parameters, pseudo parameters, references to Lambda functions ({@code !Ref Fn.Alias},
 * {@code !Ref FnAlias<alias>}, {@code !GetAtt Fn.Arn}, {@code !Ref Fn}), {@code !Ref} of a state machine (its ARN)
 * or of a log group (its {@code LogGroupName}), and {@code Fn::Sub} / {@code Fn::Join} over those. Functions and
 * state machines become ARNs in the local pseudo account ({@link LocalAccount}) that {@link FunctionDirectory} and
 * {@link LocalStateMachine#arn()} use too.
 *
 * <p>One deliberate difference: a substitution that is exactly {@code !Ref Function} gives the function's ARN,
 * not its name as CloudFormation would (Step Functions needs an ARN in a Task's {@code Resource}); inside
 * {@code Fn::Sub}, {@code ${Function}} is the name, as in CloudFormation.
 */
final class SubstitutionResolver {

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern GENERATED_ALIAS = Pattern.compile("(.+)Alias([A-Za-z0-9]+)");
    private static final String STATE_MACHINE = "AWS::StepFunctions::StateMachine";
    private static final String LOG_GROUP = "AWS::Logs::LogGroup";

    private final SamTemplate template;
    private final ParameterValues parameters;
    private final FunctionDirectory functions;
    private final String region;

    SubstitutionResolver(SamTemplate template, ParameterValues parameters, FunctionDirectory functions, String region) {
        this.template = template;
        this.parameters = parameters;
        this.functions = functions;
        this.region = region;
    }

    String resolve(String key, JsonNode value) {
        return resolve("DefinitionSubstitutions." + key, value, true);
    }

    /**
     * The text a property value stands for, {@code what} naming it in errors; {@code wholeValue} as in
     * {@link #resolve(String, JsonNode)}: a value that is exactly {@code !Ref Function} gives the function's ARN.
     */
    String resolve(String what, JsonNode value, boolean wholeValue) {
        try {
            return resolveValue(value, wholeValue);
        } catch (TemplateException e) {
            throw new TemplateException(what + ": " + e.getMessage(), e);
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
                default -> throw new TemplateException(function + " is not supported in a substitution by the local "
                        + "runner (supported: literals, Ref, Fn::GetAtt, Fn::Sub, Fn::Join)");
            };
        }
        throw new TemplateException("a substitution value must be a string, a number, a boolean, Ref, Fn::GetAtt, "
                + "Fn::Sub or Fn::Join; found " + value);
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
        if (template.hasResource(name)) {
            String type = template.resourceType(name);
            if (SamTemplate.SERVERLESS_STATE_MACHINE.equals(type) || STATE_MACHINE.equals(type)) {
                return stateMachineArn(name);
            }
            if (LOG_GROUP.equals(type)) {
                return logGroupName(name);
            }
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

    /** What {@code Ref} of a state machine returns: its ARN (its literal {@code Name}, else the logical id). */
    private String stateMachineArn(String logicalId) {
        JsonNode name = template.resourceProperties(logicalId).path("Name");
        return "arn:" + LocalAccount.partition(region) + ":states:" + region + ":" + LocalAccount.ACCOUNT_ID
                + ":stateMachine:" + (name.isTextual() ? name.asText() : logicalId);
    }

    /** What {@code Ref} of a log group returns: its name, which the local runner needs the template to give. */
    private String logGroupName(String logicalId) {
        JsonNode name = template.resourceProperties(logicalId).path("LogGroupName");
        if (name.isMissingNode() || name.isNull()) {
            throw new TemplateException("!Ref " + logicalId + ": the log group has no LogGroupName (CloudFormation "
                    + "would generate one; the local runner needs it in the template)");
        }
        return resolveValue(name, false);
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
