package dev.vpcepilot.hook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.sharing.Claimant;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudFormation custom-resource request as CloudFormation sends it to the service token ("Custom resource request
 * objects", AWS CloudFormation User Guide), read by our own Jackson from the raw invocation payload: no runtime
 * serializer and no event library is involved (the Lambda Java runtime's serializer for the events library's
 * CloudFormation type needs joda-time, which we do not ship: issue 9).
 *
 * <p>Lenient about top-level fields we do not use (CloudFormation may add some), strict about the ones we use: each
 * is a string (the properties objects), or the request is not one we can act on ({@link #problems()}).
 *
 * @param resourceProperties    {@code ResourceProperties} (may be null)
 * @param oldResourceProperties {@code OldResourceProperties}, Update only (may be null)
 */
public record CustomResourceRequest(String requestType, String requestId, String responseUrl, String stackId,
                                    String logicalResourceId, String physicalResourceId, String resourceType,
                                    Map<String, Object> resourceProperties, Map<String, Object> oldResourceProperties,
                                    String serviceToken, List<String> problems) {

    /** The request types CloudFormation sends ("Custom resource request types"). */
    public static final Set<String> REQUEST_TYPES = Set.of("Create", "Update", "Delete");
    private static final List<String> TEXT_FIELDS = List.of("RequestType", "RequestId", "ResponseURL", "StackId",
            "LogicalResourceId", "PhysicalResourceId", "ResourceType", "ServiceToken");
    private static final List<String> REQUIRED = List.of("RequestType", "RequestId", "StackId", "LogicalResourceId",
            "ResourceType");
    private static final TypeReference<Map<String, Object>> PROPERTIES = new TypeReference<>() { };
    /** Only to answer a request with a key given twice (a parser's duplicate detection is fixed when it is made). */
    private static final ObjectMapper LENIENT = Json.MAPPER.copy()
            .disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** How Jackson's strict duplicate detection words a key given twice. */
    private static final Pattern DUPLICATE_FIELD =
            Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);

    public CustomResourceRequest {
        problems = List.copyOf(problems);
    }

    /**
     * Reads the payload. A request that cannot be answered (not a JSON object, or without a usable
     * {@code ResponseURL}) is refused with {@link InvalidInput}, whose message never holds the URL (a presigned
     * credential); any other defect is kept in {@link #problems()} so the caller answers FAILED.
     */
    public static CustomResourceRequest read(InputStream payload) throws IOException {
        byte[] bytes = payload.readAllBytes();
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonNode lenient = lenient(bytes);
            Matcher key = DUPLICATE_FIELD.matcher(String.valueOf(e.getOriginalMessage()));
            if (lenient == null || !key.matches()) {
                throw new InvalidInput("The custom-resource request is not JSON (" + e.getOriginalMessage()
                        + "): there is no ResponseURL to answer");
            }
            // docs/design.md rule 10: a key given twice is refused (answered FAILED), never resolved to its last value
            return from(lenient, List.of("InvalidInput: the key '" + key.group(1) + "' is given twice in one JSON "
                    + "object (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + "); allowed: each key once per object"));
        }
        return from(request);
    }

    /** The request read without duplicate detection (so that a request with a key given twice can be answered). */
    private static JsonNode lenient(byte[] bytes) {
        try {
            return LENIENT.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    public static CustomResourceRequest from(JsonNode request) {
        return from(request, List.of());
    }

    private static CustomResourceRequest from(JsonNode request, List<String> found) {
        if (request == null || !request.isObject()) {
            throw new InvalidInput("The custom-resource request must be a JSON object, not "
                    + (request == null ? "nothing" : request.getNodeType().name().toLowerCase(Locale.ROOT))
                    + ": there is no ResponseURL to answer");
        }
        String requestId = text(request, "RequestId");
        String which = "request " + (requestId == null ? "(without RequestId)" : requestId);
        String responseUrl = text(request, "ResponseURL");
        responseUrlProblem(request.get("ResponseURL"), responseUrl).ifPresent(problem -> {
            throw new InvalidInput("CloudFormation " + which + " cannot be answered: its ResponseURL " + problem
                    + ". Allowed: an https:// URL (CloudFormation's presigned S3 URL), or http:// on loopback for "
                    + "local runs.");
        });
        List<String> problems = new ArrayList<>(found);
        for (String field : TEXT_FIELDS) {
            JsonNode value = request.get(field);
            if (value != null && !value.isNull() && !value.isTextual()) {
                problems.add(field + " must be a string, not " + value.getNodeType().name().toLowerCase(
                        Locale.ROOT));
            }
        }
        for (String field : REQUIRED) {
            JsonNode value = request.get(field);
            boolean wrongType = value != null && !value.isNull() && !value.isTextual();
            if (!wrongType && (text(request, field) == null || text(request, field).isBlank())) {
                problems.add(field + " is missing");
            }
        }
        String type = text(request, "RequestType");
        if (type != null && !type.isBlank() && !REQUEST_TYPES.contains(type)) {
            problems.add("RequestType " + type + " is not one CloudFormation sends (allowed: Create, Update, Delete)");
        }
        Map<String, Object> properties = properties(request, "ResourceProperties", problems);
        Map<String, Object> oldProperties = properties(request, "OldResourceProperties", problems);
        return new CustomResourceRequest(type, requestId, responseUrl, text(request, "StackId"),
                text(request, "LogicalResourceId"), text(request, "PhysicalResourceId"),
                text(request, "ResourceType"), properties, oldProperties, text(request, "ServiceToken"), problems);
    }

    /** Where the problem with the ResponseURL lies, described without the URL, or empty when it is usable. */
    static Optional<String> responseUrlProblem(JsonNode field, String url) {
        if (field == null || field.isNull()) {
            return Optional.of("is missing");
        }
        if (!field.isTextual() || url.isBlank()) {
            return Optional.of("is not a URL string");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            return Optional.of("names no host");
        }
        if (scheme.equals("https")) {
            return Optional.empty();
        }
        if (scheme.equals("http")) {
            return isLoopback(uri.getHost()) ? Optional.empty()
                    : Optional.of("is plain http to a host that is not loopback");
        }
        return Optional.of("has the scheme '" + scheme + "'");
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    /** The resource as a claimant of route tables: its stack and logical id. */
    public Claimant.Stack claimant() {
        return Claimant.stack(stackId, logicalResourceId);
    }

    /** Whether the request can be acted on (every problem is answered FAILED instead). */
    public boolean valid() {
        return problems.isEmpty();
    }

    /** The request for log lines and reasons: type, logical id, stack, request id; never the ResponseURL. */
    public String describe() {
        return (requestType == null ? "request" : requestType) + " for " + logicalResourceId + " in " + stackId
                + " (request " + requestId + ", physical id " + physicalResourceId + ")";
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() || !value.isTextual() ? null : value.asText();
    }

    private static Map<String, Object> properties(JsonNode request, String field, List<String> problems) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            problems.add(field + " must be an object, not " + value.getNodeType().name().toLowerCase(
                    Locale.ROOT));
            return null;
        }
        return Json.MAPPER.convertValue(value, PROPERTIES);
    }
}
