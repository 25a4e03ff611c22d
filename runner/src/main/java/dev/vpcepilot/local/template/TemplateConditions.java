package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The template's {@code Conditions} as CloudFormation evaluates them for the local parameter values:
 * {@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or}, {@code Condition}, and as their operands
 * literals, {@code Ref} to a parameter and {@code Fn::Join} (a {@code CommaDelimitedList} parameter is its list).
 */
final class TemplateConditions {

    private final JsonNode definitions;
    private final SamTemplate template;
    private final ParameterValues parameters;
    private final Map<String, Boolean> evaluated = new HashMap<>();

    TemplateConditions(SamTemplate template, ParameterValues parameters) {
        this.template = template;
        this.definitions = template.root().path("Conditions");
        this.parameters = parameters;
    }

    boolean holds(String name) {
        Boolean known = evaluated.get(name);
        if (known != null) {
            return known;
        }
        if (!definitions.has(name)) {
            throw new TemplateException("condition " + name + " is not defined in Conditions");
        }
        boolean value = truth(definitions.get(name));
        evaluated.put(name, value);
        return value;
    }

    private boolean truth(JsonNode expression) {
        String function = function(expression);
        JsonNode argument = expression.get(function);
        return switch (function) {
            case "Condition" -> holds(argument.asText());
            case "Fn::Equals" -> text(argument.get(0)).equals(text(argument.get(1)));
            case "Fn::Not" -> !truth(argument.get(0));
            case "Fn::And" -> all(argument, true);
            case "Fn::Or" -> !all(argument, false);
            default -> throw new TemplateException(function + " is not supported in a condition by the local runner");
        };
    }

    /** {@code and}: every item true; {@code !and}: every item false. */
    private boolean all(JsonNode items, boolean and) {
        for (JsonNode item : items) {
            if (truth(item) != and) {
                return false;
            }
        }
        return true;
    }

    private String text(JsonNode operand) {
        if (operand.isValueNode()) {
            return operand.asText();
        }
        String function = function(operand);
        JsonNode argument = operand.get(function);
        return switch (function) {
            case "Ref" -> parameter(argument.asText());
            case "Fn::Join" -> String.join(argument.get(0).asText(), items(argument.get(1)));
            default -> throw new TemplateException(function + " is not supported in a condition by the local runner");
        };
    }

    private List<String> items(JsonNode list) {
        if (list.isObject() && "Ref".equals(function(list))) {
            return List.of(parameter(list.get("Ref").asText()).split(",", -1));
        }
        List<String> items = new ArrayList<>();
        list.forEach(item -> items.add(text(item)));
        return items;
    }

    private String parameter(String name) {
        if (!parameters.isDeclared(name)) {
            throw new TemplateException("Ref " + name + " in a condition names no parameter of " + template.file());
        }
        return parameters.value(name);
    }

    private static String function(JsonNode expression) {
        if (!expression.isObject() || expression.size() != 1) {
            throw new TemplateException("a condition must be one intrinsic function; found " + expression);
        }
        return expression.fieldNames().next();
    }
}
