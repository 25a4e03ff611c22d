package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables the template gives a function, as SAM deploys them: {@code Globals.Function}'s
 * {@code Environment.Variables} merged with the function's own (SAM merges maps of the globals: a key the function
 * sets too takes the function's value), each value resolved as CloudFormation would ({@code !Ref} of a parameter, of
 * the state machine, of a log group, {@code !Sub}...; see {@link SubstitutionResolver}).
 */
public final class FunctionEnvironment {

    private FunctionEnvironment() {
    }

    /**
     * @param parameterOverrides template parameter values (the others take their {@code Default})
     * @throws TemplateException if a value cannot be resolved
     */
    public static Map<String, String> variables(SamTemplate template, String functionLogicalId, String region,
                                                Map<String, String> parameterOverrides) {
        if (!template.isFunction(functionLogicalId)) {
            throw new TemplateException(functionLogicalId + " is not a function of the template");
        }
        SubstitutionResolver resolver = new SubstitutionResolver(template,
                ParameterValues.resolve(template, parameterOverrides), FunctionDirectory.of(template, region), region);
        Map<String, String> variables = new LinkedHashMap<>();
        if (SamTemplate.SERVERLESS_FUNCTION.equals(template.resourceType(functionLogicalId))) {
            add(variables, template.root().path("Globals").path("Function").path("Environment").path("Variables"),
                    functionLogicalId, resolver);
        }
        add(variables, template.resourceProperties(functionLogicalId).path("Environment").path("Variables"),
                functionLogicalId, resolver);
        return variables;
    }

    private static void add(Map<String, String> variables, JsonNode declared, String functionLogicalId,
                            SubstitutionResolver resolver) {
        for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> variable = it.next();
            variables.put(variable.getKey(), resolver.resolve(functionLogicalId + ".Environment.Variables."
                    + variable.getKey(), variable.getValue(), false));
        }
    }
}
