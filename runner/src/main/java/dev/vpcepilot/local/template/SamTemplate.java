package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed SAM template: its directory (paths in it are relative to it), parameters, resources and globals. */
public final class SamTemplate {

    public static final String SERVERLESS_FUNCTION = "AWS::Serverless::Function";
    public static final String LAMBDA_FUNCTION = "AWS::Lambda::Function";
    public static final String SERVERLESS_STATE_MACHINE = "AWS::Serverless::StateMachine";

    private final Path file;
    private final JsonNode root;

    private SamTemplate(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    public static SamTemplate load(Path file) {
        return new SamTemplate(file.toAbsolutePath().normalize(), CfnYaml.parse(file));
    }

    /** A template given as text; relative paths in it resolve against {@code directory}. */
    public static SamTemplate parse(String yamlText, Path directory) {
        return new SamTemplate(directory.toAbsolutePath().normalize().resolve("template.yaml"), CfnYaml.parse(yamlText));
    }

    public Path file() {
        return file;
    }

    public Path directory() {
        return file.getParent();
    }

    public JsonNode root() {
        return root;
    }

    /** The declared parameters, by name, in template order. */
    public Map<String, JsonNode> parameters() {
        return fields(root.path("Parameters"));
    }

    public boolean hasResource(String logicalId) {
        return root.path("Resources").has(logicalId);
    }

    public String resourceType(String logicalId) {
        return root.path("Resources").path(logicalId).path("Type").asText(null);
    }

    public JsonNode resourceProperties(String logicalId) {
        return root.path("Resources").path(logicalId).path("Properties");
    }

    /** Logical ids of the resources of one type, in template order. */
    public List<String> resourcesOfType(String type) {
        List<String> ids = new ArrayList<>();
        fields(root.path("Resources")).forEach((id, resource) -> {
            if (type.equals(resource.path("Type").asText())) {
                ids.add(id);
            }
        });
        return ids;
    }

    public boolean isFunction(String logicalId) {
        String type = resourceType(logicalId);
        return SERVERLESS_FUNCTION.equals(type) || LAMBDA_FUNCTION.equals(type);
    }

    /**
     * A property of a function as SAM deploys it: the resource's own value, else (for a serverless function) the
     * one under {@code Globals.Function}; missing if neither is set.
     */
    public JsonNode functionProperty(String logicalId, String property) {
        JsonNode own = resourceProperties(logicalId).path(property);
        if (!own.isMissingNode()) {
            return own;
        }
        if (SERVERLESS_FUNCTION.equals(resourceType(logicalId))) {
            return root.path("Globals").path("Function").path(property);
        }
        return MissingNode.getInstance();
    }

    private static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            result.put(field.getKey(), field.getValue());
        }
        return result;
    }
}
