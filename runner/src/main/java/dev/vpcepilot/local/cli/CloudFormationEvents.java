package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a CloudFormation custom-resource request given to {@code ./run-local --cfn-event} (as CloudFormation sends
 * it to the service token) for the fields a sample must have, so that a broken file is a usage error; the hook
 * itself gets the request exactly as written (and checks it again, as in Lambda).
 */
public final class CloudFormationEvents {

    private static final Set<String> REQUEST_TYPES = Set.of("Create", "Update", "Delete");
    private static final List<String> REQUIRED = List.of("RequestType", "RequestId", "StackId", "LogicalResourceId",
            "ResourceType");

    private CloudFormationEvents() {
    }

    public static ObjectNode parse(JsonNode event, String source) throws UsageException {
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
        return (ObjectNode) event.deepCopy();
    }
}
