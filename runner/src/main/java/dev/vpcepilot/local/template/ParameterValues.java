package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The template's parameter values for a local run: each parameter's {@code Default}, or the caller's override,
 * checked against the parameter's constraints as CloudFormation checks them ({@code AllowedValues},
 * {@code AllowedPattern}, {@code MinLength}/{@code MaxLength}, {@code MinValue}/{@code MaxValue}, numbers for
 * {@code Type: Number}). Overriding a parameter the template does not declare is an error.
 */
public final class ParameterValues {

    private final Map<String, String> values;
    private final Map<String, String> problems;

    private ParameterValues(Map<String, String> values, Map<String, String> problems) {
        this.values = values;
        this.problems = problems;
    }

    public static ParameterValues resolve(SamTemplate template, Map<String, String> overrides) {
        Map<String, JsonNode> declared = template.parameters();
        List<String> unknown = overrides.keySet().stream().filter(name -> !declared.containsKey(name)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new TemplateException("Parameter override" + (unknown.size() == 1 ? " " : "s ") + unknown
                    + " not declared in the template; declared: " + new TreeSet<>(declared.keySet()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        declared.forEach((name, parameter) -> {
            String value = overrides.containsKey(name) ? overrides.get(name) : defaultOf(parameter);
            if (value == null) {
                problems.put(name, "Parameter " + name + " has no Default and no value was given");
                return;
            }
            Optional<String> problem = violation(name, parameter, value);
            if (problem.isPresent()) {
                problems.put(name, problem.get());
            } else {
                values.put(name, value);
            }
        });
        List<String> badOverrides = overrides.keySet().stream().filter(problems::containsKey).map(problems::get).toList();
        if (!badOverrides.isEmpty()) {
            throw new TemplateException(String.join("; ", badOverrides));
        }
        return new ParameterValues(values, problems);
    }

    public boolean isDeclared(String name) {
        return values.containsKey(name) || problems.containsKey(name);
    }

    /** The value of a declared parameter; a parameter without a valid value is an error only when it is used. */
    public String value(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new TemplateException(problems.getOrDefault(name, "Parameter " + name + " is not declared"));
        }
        return value;
    }

    private static String defaultOf(JsonNode parameter) {
        JsonNode value = parameter.path("Default");
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        return value.asText();
    }

    private static Optional<String> violation(String name, JsonNode parameter, String value) {
        String prefix = "Parameter " + name + " = '" + value + "': ";
        JsonNode allowed = parameter.path("AllowedValues");
        if (allowed.isArray()) {
            boolean listed = false;
            for (JsonNode item : allowed) {
                listed |= item.asText().equals(value);
            }
            if (!listed) {
                return Optional.of(prefix + "not one of the AllowedValues " + allowed);
            }
        }
        JsonNode pattern = parameter.path("AllowedPattern");
        if (pattern.isTextual()) {
            try {
                if (!Pattern.compile(pattern.asText()).matcher(value).matches()) {
                    String hint = parameter.path("ConstraintDescription").asText("AllowedPattern " + pattern.asText());
                    return Optional.of(prefix + "must match " + hint);
                }
            } catch (PatternSyntaxException e) {
                return Optional.of("Parameter " + name + ": AllowedPattern is not a valid pattern: " + e.getDescription());
            }
        }
        if (parameter.has("MinLength") && value.length() < parameter.get("MinLength").asInt()) {
            return Optional.of(prefix + "shorter than MinLength " + parameter.get("MinLength").asInt());
        }
        if (parameter.has("MaxLength") && value.length() > parameter.get("MaxLength").asInt()) {
            return Optional.of(prefix + "longer than MaxLength " + parameter.get("MaxLength").asInt());
        }
        if ("Number".equals(parameter.path("Type").asText())) {
            BigDecimal number;
            try {
                number = new BigDecimal(value.trim());
            } catch (NumberFormatException e) {
                return Optional.of(prefix + "not a number (Type: Number)");
            }
            if (parameter.has("MinValue") && number.compareTo(new BigDecimal(parameter.get("MinValue").asText())) < 0) {
                return Optional.of(prefix + "below MinValue " + parameter.get("MinValue").asText());
            }
            if (parameter.has("MaxValue") && number.compareTo(new BigDecimal(parameter.get("MaxValue").asText())) > 0) {
                return Optional.of(prefix + "above MaxValue " + parameter.get("MaxValue").asText());
            }
        }
        return Optional.empty();
    }
}
