package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The error responses the proxy injects, byte for byte what the service sends for its protocol, so the SDK's
 * own error parsing classifies them: EC2 throttling is HTTP 503 {@code RequestLimitExceeded}, DynamoDB's is HTTP
 * 400 {@code ThrottlingException} (namespaced {@code __type}), Step Functions' HTTP 400
 * {@code ThrottlingException}; internal errors are HTTP 500 in the same formats. An endpoint EC2 does not know is
 * HTTP 400 {@code InvalidVpcEndpointId.NotFound} ("The Vpc Endpoint Id '...' does not exist"), except in
 * DeleteVpcEndpoints, which reports it in {@code unsuccessful} as {@code InvalidVpcEndpoint.NotFound} (HTTP 200).
 * A call refused by policy is the protocol's access-denied error (DynamoDB's {@code AccessDeniedException}, HTTP 400).
 */
final class FaultResponses {

    static final String INJECTED = " (injected by the fault proxy)";
    private static final String EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private FaultResponses() {
    }

    /** The service's throttling error for this call's protocol. */
    static Response throttle(AwsCall call) {
        String id = UUID.randomUUID().toString();
        return switch (call.protocol()) {
            case EC2_QUERY -> ec2Error(503, "Service Unavailable", "RequestLimitExceeded", "Request limit exceeded.", id);
            case QUERY -> queryError(400, "Bad Request", "Sender", "Throttling", "Rate exceeded", id);
            case JSON_1_0, JSON_1_1 -> call.service().equals("dynamodb")
                    ? json(400, "Bad Request", call, "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                            "Rate of requests exceeds the allowed throughput.", id)
                    : json(400, "Bad Request", call, "ThrottlingException", "Rate exceeded", id);
            case OTHER, MOTO_API -> restError(call, 503, "Service Unavailable", 429, "Too Many Requests",
                    "SlowDown", "Please reduce your request rate.", "ThrottlingException", "Rate exceeded", id);
        };
    }

    /** STS's answer when the caller may not assume the role: HTTP 403 {@code AccessDenied}. */
    static Response assumeRoleDenied(AwsCall call, String roleArn) {
        return queryError(403, "Forbidden", "Sender", "AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/"
                + "vpce-pilot-FleetRole/fleet is not authorized to perform: sts:AssumeRole on resource: " + roleArn
                + INJECTED, UUID.randomUUID().toString());
    }

    /** An HTTP 500 internal error for this call's protocol. */
    static Response internalError(AwsCall call) {
        String id = UUID.randomUUID().toString();
        return switch (call.protocol()) {
            case EC2_QUERY -> ec2Error(500, "Internal Server Error", "InternalError",
                    "An internal error has occurred." + INJECTED, id);
            case QUERY -> queryError(500, "Internal Server Error", "Receiver", "InternalFailure",
                    "The request processing has failed because of an unknown error, exception or failure." + INJECTED, id);
            case JSON_1_0, JSON_1_1 -> json(500, "Internal Server Error", call, "InternalServerError",
                    "Internal server error." + INJECTED, id);
            case OTHER, MOTO_API -> restError(call, 500, "Internal Server Error", 500, "Internal Server Error",
                    "InternalError", "We encountered an internal error. Please try again." + INJECTED,
                    "InternalServerError", "Internal server error." + INJECTED, id);
        };
    }

    /** EC2's answer to a call naming an endpoint id it does not know (yet): HTTP 400 InvalidVpcEndpointId.NotFound. */
    static Response endpointNotFound(String endpointId) {
        return ec2Error(400, "Bad Request", "InvalidVpcEndpointId.NotFound", notFoundMessage(endpointId),
                UUID.randomUUID().toString());
    }

    /** EC2's DeleteVpcEndpoints answer when it knows none of the ids: HTTP 200, each id in {@code unsuccessful}. */
    static Response deleteVpcEndpointsUnsuccessful(List<String> endpointIds) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteVpcEndpointsResponse xmlns=\""
                + EC2_NAMESPACE + "\"><requestId>" + UUID.randomUUID() + "</requestId><unsuccessful>"
                + unsuccessfulItems(endpointIds) + "</unsuccessful></DeleteVpcEndpointsResponse>";
        return answer(200, "OK", List.of(new HttpHeader("Content-Type", "text/xml")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The upstream DeleteVpcEndpoints answer (for the other ids of the call) with {@code endpointIds} added to its
     * {@code unsuccessful} list. An error answer is relayed as it is; an answer without an {@code unsuccessful}
     * element where one can be added is a 502 of the proxy, never a silent success.
     */
    static Response withUnsuccessful(Response upstream, List<String> endpointIds) {
        if (upstream.getStatus() != 200) {
            return upstream;
        }
        String body = upstream.getBodyAsString();
        String items = unsuccessfulItems(endpointIds);
        String merged;
        if (body.contains("<unsuccessful/>")) {
            merged = body.replace("<unsuccessful/>", "<unsuccessful>" + items + "</unsuccessful>");
        } else if (body.contains("<unsuccessful>")) {
            merged = body.replace("<unsuccessful>", "<unsuccessful>" + items);
        } else if (body.contains("</DeleteVpcEndpointsResponse>")) {
            merged = body.replace("</DeleteVpcEndpointsResponse>",
                    "<unsuccessful>" + items + "</unsuccessful></DeleteVpcEndpointsResponse>");
        } else {
            return plain(502, "Bad Gateway", "fault proxy: the DeleteVpcEndpoints answer has no place for the "
                    + "endpoints it must report as unsuccessful (" + String.join(", ", endpointIds) + ")");
        }
        return withBody(upstream, merged);
    }

    /**
     * The upstream answer with another body: its headers but {@code Content-Length}, which the server sets for the
     * new body.
     */
    static Response withBody(Response upstream, String body) {
        HttpHeaders headers = new HttpHeaders(upstream.getHeaders().all().stream()
                .filter(h -> !h.key().equalsIgnoreCase("Content-Length")).toList());
        return Response.Builder.like(upstream).headers(headers).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** The access-denied error of the call's protocol: a policy (IAM, an endpoint policy) refuses it. */
    static Response accessDenied(AwsCall call) {
        String id = UUID.randomUUID().toString();
        String operation = call.action().substring(call.action().indexOf(':') + 1);
        String message = "User: arn:aws:sts::123456789012:assumed-role/vpce-pilot/verify is not authorized to perform: "
                + call.action() + INJECTED;
        return switch (call.protocol()) {
            case EC2_QUERY -> ec2Error(403, "Forbidden", "UnauthorizedOperation", "You are not authorized to perform "
                    + "this operation (" + operation + ")." + INJECTED, id);
            case QUERY -> queryError(403, "Forbidden", "Sender", "AccessDenied", message, id);
            case JSON_1_0, JSON_1_1 -> call.service().equals("dynamodb")
                    ? json(400, "Bad Request", call, "com.amazonaws.dynamodb.v20120810#AccessDeniedException", message,
                            id)
                    : json(400, "Bad Request", call, "AccessDeniedException", message, id);
            case OTHER, MOTO_API -> restError(call, 403, "Forbidden", 403, "Forbidden", "AccessDenied", message,
                    "AccessDeniedException", message, id);
        };
    }

    private static Response answer(int status, String reason, List<HttpHeader> headers, byte[] body) {
        return Response.response().status(status).statusMessage(reason).headers(new HttpHeaders(headers)).body(body)
                .build();
    }

    private static String unsuccessfulItems(List<String> endpointIds) {
        StringBuilder items = new StringBuilder();
        for (String id : endpointIds) {
            items.append("<item><error><code>InvalidVpcEndpoint.NotFound</code><message>").append(notFoundMessage(id))
                    .append("</message></error><resourceId>").append(id).append("</resourceId></item>");
        }
        return items.toString();
    }

    private static String notFoundMessage(String endpointId) {
        return "The Vpc Endpoint Id '" + endpointId + "' does not exist";
    }

    /** A plain-text answer of the proxy itself (bad request, upstream unreachable). */
    static Response plain(int status, String reason, String text) {
        return answer(status, reason,
                List.of(new HttpHeader("Content-Type", "text/plain; charset=utf-8")),
                (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Response ec2Error(int status, String reason, String code, String message, String id) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + code
                + "</Code><Message>" + message + "</Message></Error></Errors><RequestID>" + id
                + "</RequestID></Response>";
        return answer(status, reason, List.of(new HttpHeader("Content-Type", "text/xml")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static Response queryError(int status, String reason, String type, String code, String message,
                                            String id) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Error><Type>" + type
                + "</Type><Code>" + code + "</Code><Message>" + message + "</Message></Error><RequestId>" + id
                + "</RequestId></ErrorResponse>";
        return answer(status, reason, List.of(new HttpHeader("Content-Type", "text/xml"),
                new HttpHeader("x-amzn-RequestId", id)), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Response json(int status, String reason, AwsCall call, String type, String message,
                                      String id) {
        String contentType = call.protocol() == AwsCall.Protocol.JSON_1_1
                ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0";
        String body = "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
        return answer(status, reason, List.of(new HttpHeader("Content-Type", contentType),
                new HttpHeader("x-amzn-RequestId", id)), body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * REST protocols: S3-style XML (503 {@code SlowDown} for throttling) unless the call is signed for a service
     * other than S3 and unknown, in which case REST-JSON with {@code x-amzn-ErrorType} (429 for throttling).
     */
    private static Response restError(AwsCall call, int xmlStatus, String xmlReason, int jsonStatus,
                                           String jsonReason, String xmlCode, String xmlMessage, String jsonType,
                                           String jsonMessage, String id) {
        boolean xml = call.service().equals("s3") || call.service().equals("other")
                || call.service().equals("moto-api");
        if (xml) {
            String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + xmlCode + "</Code><Message>"
                    + xmlMessage + "</Message><RequestId>" + id + "</RequestId></Error>";
            return answer(xmlStatus, xmlReason, List.of(new HttpHeader("Content-Type", "application/xml"),
                    new HttpHeader("x-amz-request-id", id)), body.getBytes(StandardCharsets.UTF_8));
        }
        String body = "{\"__type\":\"" + jsonType + "\",\"message\":\"" + jsonMessage + "\"}";
        return answer(jsonStatus, jsonReason, List.of(new HttpHeader("Content-Type", "application/json"),
                new HttpHeader("x-amzn-ErrorType", jsonType), new HttpHeader("x-amzn-RequestId", id)),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
