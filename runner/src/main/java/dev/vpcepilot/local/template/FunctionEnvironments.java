package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables of each function as SAM deploys them ({@code Globals.Function.Environment.Variables},
 * overridden key by key by the function's own), with every value resolved in the local pseudo stack: what the
 * handlers read (the lock table's name, the state machine's ARN, ...) is what the template gives them.
 */
public final class FunctionEnvironments {

    private FunctionEnvironments() {
    }

    /** Logical id -> variables, for every function of the template deployed with these parameter values. */
    public static Map<String, Map<String, String>> of(SamTemplate template, String region,
                                                      Map<String, String> parameterOverrides) {
        ParameterValues parameters = ParameterValues.resolve(template, parameterOverrides);
        FunctionDirectory functions = FunctionDirectory.of(template, region, parameters);
        SubstitutionResolver resolver = new SubstitutionResolver(template, parameters, functions, region);
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        for (LocalFunction function : functions.functions()) {
            Map<String, String> variables = new LinkedHashMap<>();
            JsonNode globals = template.root().path("Globals").path("Function").path("Environment").path("Variables");
            if (SamTemplate.SERVERLESS_FUNCTION.equals(template.resourceType(function.logicalId()))) {
                put(variables, globals, resolver, function.logicalId());
            }
            put(variables, template.resourceProperties(function.logicalId()).path("Environment").path("Variables"),
                    resolver, function.logicalId());
            environments.put(function.logicalId(), Map.copyOf(variables));
        }
        return Map.copyOf(environments);
    }

    /** One function's variables ({@link #of}). */
    public static Map<String, String> variables(SamTemplate template, String functionLogicalId, String region,
                                                Map<String, String> parameterOverrides) {
        Map<String, String> variables = of(template, region, parameterOverrides).get(functionLogicalId);
        if (variables == null) {
            throw new TemplateException(functionLogicalId + " is not a function of the template deployed with these "
                    + "parameter values");
        }
        return variables;
    }

    private static void put(Map<String, String> variables, JsonNode declared, SubstitutionResolver resolver,
                            String function) {
        for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> variable = it.next();
            variables.put(variable.getKey(), resolver.resolveProperty(function + ".Environment.Variables."
                    + variable.getKey(), variable.getValue()));
        }
    }
}
