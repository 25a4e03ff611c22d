package dev.vpcepilot.kit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.hook.CustomResourceRequest;
import dev.vpcepilot.local.asl.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** CloudFormation custom-resource requests for the tests, as the JSON CloudFormation sends to the service token. */
public final class CfnRequests {

    public static final String SERVICE_TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:hook:live";

    private CfnRequests() {
    }

    /** A request with a fresh RequestId; {@code properties} get the ServiceToken added; Update repeats them as old. */
    public static ObjectNode json(String type, String stackId, String physicalId, Map<String, ?> properties,
                                  String responseUrl) {
        ObjectNode request = JsonText.MAPPER.createObjectNode();
        request.put("RequestType", type);
        request.put("ServiceToken", SERVICE_TOKEN);
        if (responseUrl != null) {
            request.put("ResponseURL", responseUrl);
        }
        request.put("StackId", stackId);
        request.put("RequestId", UUID.randomUUID().toString());
        request.put("LogicalResourceId", "DynamoDbEndpoint");
        if (physicalId != null) {
            request.put("PhysicalResourceId", physicalId);
        }
        request.put("ResourceType", "Custom::DynamoDbVpcEndpoint");
        ObjectNode props = request.putObject("ResourceProperties");
        props.put("ServiceToken", SERVICE_TOKEN);
        properties.forEach((key, value) -> props.set(key, JsonText.MAPPER.valueToTree(value)));
        if ("Update".equals(type)) {
            request.set("OldResourceProperties", props.deepCopy());
        }
        return request;
    }

    /** The same, read as the hook reads it. */
    public static CustomResourceRequest request(String type, String stackId, String physicalId,
                                                Map<String, ?> properties) {
        return CustomResourceRequest.from(json(type, stackId, physicalId, properties, "http://127.0.0.1:1/unused"));
    }

    public static byte[] bytes(ObjectNode request) {
        return JsonText.compact(request).getBytes(StandardCharsets.UTF_8);
    }
}
