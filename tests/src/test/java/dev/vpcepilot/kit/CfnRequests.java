package dev.vpcepilot.kit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.hook.CustomResourceRequest;
import dev.vpcepilot.local.asl.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * CloudFormation custom-resource requests for the tests, as the JSON CloudFormation sends to one service token
 * (crpg-ref-requests): {@link #HOOK} to the hook's alias, or {@link #to another} with its own ServiceTimeout.
 */
public final class CfnRequests {

    public static final String SERVICE_TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:hook:live";
    /** Requests to {@link #SERVICE_TOKEN}, without a ServiceTimeout. */
    public static final CfnRequests HOOK = to(SERVICE_TOKEN);

    private final String serviceToken;
    private final String serviceTimeout;

    private CfnRequests(String serviceToken, String serviceTimeout) {
        this.serviceToken = serviceToken;
        this.serviceTimeout = serviceTimeout;
    }

    /** Requests to this service token. */
    public static CfnRequests to(String serviceToken) {
        return new CfnRequests(serviceToken, null);
    }

    /** The same requests with this ServiceTimeout (seconds, as the template's property gives it) among the properties. */
    public CfnRequests serviceTimeout(String seconds) {
        return new CfnRequests(serviceToken, seconds);
    }

    /**
     * A request with a fresh RequestId; {@code properties} get the ServiceToken (and ServiceTimeout) added; Update
     * repeats them as old.
     */
    public ObjectNode json(String type, String stackId, String physicalId, Map<String, ?> properties,
                           String responseUrl) {
        ObjectNode request = JsonText.MAPPER.createObjectNode();
        request.put("RequestType", type);
        request.put("ServiceToken", serviceToken);
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
        props.put("ServiceToken", serviceToken);
        if (serviceTimeout != null) {
            props.put("ServiceTimeout", serviceTimeout);
        }
        properties.forEach((key, value) -> props.set(key, JsonText.MAPPER.valueToTree(value)));
        if ("Update".equals(type)) {
            request.set("OldResourceProperties", props.deepCopy());
        }
        return request;
    }

    /** The same, read as the hook reads it. */
    public CustomResourceRequest request(String type, String stackId, String physicalId,
                                         Map<String, ?> properties) {
        return CustomResourceRequest.from(json(type, stackId, physicalId, properties, "http://127.0.0.1:1/unused"));
    }

    public static byte[] bytes(ObjectNode request) {
        return JsonText.compact(request).getBytes(StandardCharsets.UTF_8);
    }
}
