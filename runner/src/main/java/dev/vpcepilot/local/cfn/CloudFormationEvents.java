package dev.vpcepilot.local.cfn;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.local.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CloudFormation custom-resource request (as CloudFormation sends it to the service token) into the
 * Lambda events library's {@link CloudFormationCustomResourceEvent}, checking the fields the hook relies on.
 */
public final class CloudFormationEvents {

    private static final Set<String> REQUEST_TYPES = Set.of("Create", "Update", "Delete");
    private static final List<String> REQUIRED = List.of("RequestType", "RequestId", "StackId", "LogicalResourceId",
            "ResourceType");

    private CloudFormationEvents() {
    }

    public static CloudFormationCustomResourceEvent parse(JsonNode event, String source) throws UsageException {
        if (event == null || !event.isObject()) {
            throw new UsageException(source + " must hold a CloudFormation custom-resource request (a JSON object)");
        }
        List<String> missing = new ArrayList<>();
        for (String field : REQUIRED) {
            if (!event.path(field).isTextual() || event.path(field).asText().isBlank()) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw new UsageException(source + " lacks " + String.join(", ", missing)
                    + " (a CloudFormation custom-resource request has RequestType, RequestId, StackId, "
                    + "LogicalResourceId, ResourceType, ResponseURL, ResourceProperties)");
        }
        String type = event.get("RequestType").asText();
        if (!REQUEST_TYPES.contains(type)) {
            throw new UsageException(source + " has RequestType " + type + "; allowed: Create, Update, Delete");
        }
        if (!"Create".equals(type) && !event.path("PhysicalResourceId").isTextual()) {
            throw new UsageException(source + ": an " + type + " request needs a PhysicalResourceId");
        }
        return CloudFormationCustomResourceEvent.builder()
                .withRequestType(type)
                .withServiceToken(text(event, "ServiceToken"))
                .withResponseUrl(text(event, "ResponseURL"))
                .withStackId(text(event, "StackId"))
                .withRequestId(text(event, "RequestId"))
                .withLogicalResourceId(text(event, "LogicalResourceId"))
                .withPhysicalResourceId(text(event, "PhysicalResourceId"))
                .withResourceType(text(event, "ResourceType"))
                .withResourceProperties(map(event.get("ResourceProperties")))
                .withOldResourceProperties(map(event.get("OldResourceProperties")))
                .build();
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Map<String, Object> map(JsonNode properties) {
        if (properties == null || properties.isNull()) {
            return null;
        }
        return Json.MAPPER.convertValue(properties, new TypeReference<Map<String, Object>>() { });
    }
}
