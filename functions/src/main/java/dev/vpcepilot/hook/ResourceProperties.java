package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the {@code Custom::DynamoDbVpcEndpoint} properties (the input contract in PascalCase) to an execution
 * input. CloudFormation sends scalars as strings and lets a template write tags as a map or as a list of
 * {@code {Key, Value}}; both are accepted. Anything else, and a property of one endpoint type given for the other
 * ({@link EndpointTypeProperties}), is {@link InvalidInput}: the execution input's own validation then applies to the
 * values.
 */
public final class ResourceProperties {

    private static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("VpcId", "vpcId");
        KEYS.put("RouteTableIds", "routeTableIds");
        KEYS.put("ServiceName", "serviceName");
        KEYS.put("PolicyDocument", "policyDocument");
        KEYS.put("Tags", "tags");
        KEYS.put("RequireDataPath", "requireDataPath");
        KEYS.put("EndpointType", "endpointType");
        KEYS.put("SubnetIds", "subnetIds");
        KEYS.put("SecurityGroupIds", "securityGroupIds");
        KEYS.put("AllowedCidrs", "allowedCidrs");
    }

    private ResourceProperties() {
    }

    public static ObjectNode toExecutionInput(Map<String, Object> properties) {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        if (properties == null) {
            return input;
        }
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, Object> entry : properties.entrySet()) {
            String key = entry.getKey();
            if ("ServiceToken".equals(key) || "ServiceTimeout".equals(key)) {
                continue;
            }
            String inputKey = KEYS.get(key);
            if (inputKey == null) {
                unknown.add(key);
                continue;
            }
            JsonNode value = Json.MAPPER.valueToTree(entry.getValue());
            input.set(inputKey, "Tags".equals(key) ? tags(value)
                    : "RequireDataPath".equals(key) ? flag(value) : value);
        }
        if (!unknown.isEmpty()) {
            throw new InvalidInput("Unknown propert" + (unknown.size() > 1 ? "ies " : "y ") + String.join(", ", unknown)
                    + " on Custom::DynamoDbVpcEndpoint. Allowed properties: ServiceToken, "
                    + String.join(", ", KEYS.keySet()) + " (all optional but ServiceToken).");
        }
        EndpointTypeProperties.check(properties);
        return input;
    }

    /**
     * A boolean property: CloudFormation sends {@code true} and {@code false} as strings; anything else is left as
     * it is for the input's validation to refuse.
     */
    private static JsonNode flag(JsonNode value) {
        if (value.isTextual() && ("true".equals(value.asText()) || "false".equals(value.asText()))) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value.asText()));
        }
        return value;
    }

    /**
     * The VpcId, ServiceName and EndpointType properties as they are, for finding a resource's scope when its
     * properties may not be valid any more (a Delete): no other check.
     */
    public static ObjectNode leniently(Map<String, Object> properties) {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        for (String key : List.of("VpcId", "ServiceName", "EndpointType")) {
            String value = text(properties, key);
            if (value != null) {
                input.put(KEYS.get(key), value);
            }
        }
        return input;
    }

    /** Reads a property as CloudFormation sends it (or null). */
    public static String text(Map<String, Object> properties, String key) {
        if (properties == null || properties.get(key) == null) {
            return null;
        }
        return String.valueOf(properties.get(key));
    }

    /** The tags of a Tags property (a map or a Key/Value list) as a map, for comparing two versions of it. */
    public static Map<String, String> tagsOf(Object property) {
        if (property == null) {
            return Map.of();
        }
        try {
            JsonNode map = tags(Json.MAPPER.valueToTree(property));
            Map<String, String> tags = new LinkedHashMap<>();
            map.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            return tags;
        } catch (InvalidInput e) {
            return Map.of("?", String.valueOf(property));
        }
    }

    private static JsonNode tags(JsonNode value) {
        if (!value.isArray()) {
            return value;
        }
        ObjectNode map = JsonNodeFactory.instance.objectNode();
        for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
            JsonNode tag = it.next();
            if (!tag.isObject() || !tag.path("Key").isTextual() || !tag.has("Value") || tag.size() != 2) {
                throw new InvalidInput("Tags given as a list must hold {\"Key\": ..., \"Value\": ...} objects; got "
                        + tag + ". Allowed: a map of key to value, or a list of Key/Value objects.");
            }
            map.set(tag.get("Key").asText(), tag.get("Value"));
        }
        return map;
    }
}
