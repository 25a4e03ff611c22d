package dev.vpcepilot.local.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a state machine in a SAM template and prepares its definition as CloudFormation would deploy it: the
 * file named by {@code DefinitionUri} (relative to the template) or the inline {@code Definition}, with the
 * {@code DefinitionSubstitutions} applied.
 */
public final class StateMachineLoader {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StateMachineLoader() {
    }

    /**
     * @param stateMachineId the logical id, or null when the template has exactly one state machine
     * @param parameterOverrides values for template parameters (the rest take their {@code Default})
     */
    public static LocalStateMachine load(SamTemplate template, String stateMachineId, String region,
                                         Map<String, String> parameterOverrides) {
        String id = chooseStateMachine(template, stateMachineId);
        JsonNode properties = template.resourceProperties(id);
        ParameterValues parameters = ParameterValues.resolve(template, parameterOverrides);
        FunctionDirectory functions = FunctionDirectory.of(template, region, parameters);

        Path definitionFile = null;
        String rawDefinition;
        if (properties.has("DefinitionUri")) {
            JsonNode uri = properties.get("DefinitionUri");
            if (!uri.isTextual()) {
                throw new TemplateException(id + ".DefinitionUri must be a local file path for the local runner "
                        + "(an S3 location cannot be read); found " + uri);
            }
            definitionFile = template.directory().resolve(uri.asText()).normalize();
            try {
                rawDefinition = Files.readString(definitionFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new TemplateException(id + ".DefinitionUri " + uri.asText() + ": cannot read " + definitionFile
                        + ": " + e.getMessage(), e);
            }
        } else if (properties.has("Definition")) {
            try {
                rawDefinition = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(properties.get("Definition"));
            } catch (JsonProcessingException e) {
                throw new TemplateException(id + ".Definition cannot be written as JSON: " + e.getMessage(), e);
            }
        } else {
            throw new TemplateException(id + " has neither DefinitionUri nor Definition");
        }

        JsonNode declared = properties.path("DefinitionSubstitutions");
        if (!declared.isMissingNode() && !declared.isObject()) {
            throw new TemplateException(id + ".DefinitionSubstitutions must be a mapping; found " + declared);
        }
        SubstitutionResolver resolver = new SubstitutionResolver(template, parameters, functions, region);
        Map<String, String> substitutions = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            substitutions.put(entry.getKey(), resolver.resolve(entry.getKey(), entry.getValue()));
        }
        String substituted = DefinitionSubstitutions.apply(rawDefinition, substitutions);
        JsonNode definition;
        try {
            definition = MAPPER.readTree(substituted);
        } catch (JsonProcessingException e) {
            throw new TemplateException("The definition of " + id + (definitionFile == null ? "" : " (" + definitionFile
                    + ")") + " is not valid JSON after substitution: " + e.getOriginalMessage(), e);
        }
        if (definition == null || !definition.isObject()) {
            throw new TemplateException("The definition of " + id + " must be a JSON object");
        }
        JsonNode name = properties.path("Name");
        return new LocalStateMachine(id, name.isTextual() ? name.asText() : id, definitionFile, rawDefinition,
                definition, Collections.unmodifiableMap(substitutions),
                DefinitionSubstitutions.unused(rawDefinition, substitutions), functions);
    }

    private static String chooseStateMachine(SamTemplate template, String stateMachineId) {
        List<String> machines = template.resourcesOfType(SamTemplate.SERVERLESS_STATE_MACHINE);
        if (stateMachineId != null) {
            if (!machines.contains(stateMachineId)) {
                throw new TemplateException("The template has no " + SamTemplate.SERVERLESS_STATE_MACHINE + " named "
                        + stateMachineId + "; it has " + machines);
            }
            return stateMachineId;
        }
        if (machines.size() != 1) {
            throw new TemplateException("The template has " + machines.size() + " resources of type "
                    + SamTemplate.SERVERLESS_STATE_MACHINE + " " + machines + "; name the one to run");
        }
        return machines.get(0);
    }
}
