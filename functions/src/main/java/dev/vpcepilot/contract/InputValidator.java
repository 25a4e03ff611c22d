package dev.vpcepilot.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.sharing.Ownership;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an execution input against the contract (docs/design.md rule 10) strictly, before anything touches
 * AWS: unknown keys, wrong types, malformed ids, a service name of another region, a policy that is not a JSON
 * object or too long, and reserved tag keys are all {@link InvalidInput} with a message that says what was
 * wrong and what is allowed.
 */
public final class InputValidator {

    public static final Set<String> KEYS = Set.of("vpcId", "routeTableIds", "serviceName", "policyDocument", "tags",
            "cleanup", "release", "customResource", "requireDataPath", "endpointType", "subnetIds", "securityGroupIds",
            "allowedCidrs");
    public static final int MAX_POLICY_CHARS = 20_480;
    /** The policyDocument value that asks for AWS's default (full access) policy. */
    public static final String DEFAULT_POLICY = "default";
    public static final int MAX_ROUTE_TABLES = 50;
    public static final int MAX_USER_TAGS = 40;
    public static final Pattern VPC_ID = Pattern.compile("vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    static final Pattern ROUTE_TABLE_ID = Pattern.compile("rtb-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    static final Pattern SERVICE_NAME = Pattern.compile("com\\.amazonaws\\.([a-z]{2}(?:-[a-z]+)+-\\d)\\.dynamodb");
    public static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    static final Pattern STACK_ID = Pattern.compile(
            "arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\\d{12}:stack/[A-Za-z][A-Za-z0-9-]{0,127}/[0-9a-f-]{36}");
    static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9]{1,255}");
    private static final String ALLOWED_KEYS = "vpcId, routeTableIds, serviceName, policyDocument, tags, cleanup, "
            + "release, customResource, requireDataPath, endpointType, subnetIds, securityGroupIds, allowedCidrs";

    /**
     * The validated input, with the service name defaulted for the region.
     *
     * @param policyDocument the policy as JSON text, {@code "default"} for AWS's default policy, or null (no wish)
     * @param tags           the user tags, or null when the input has none (no wish)
     * @param customResource the stack and logical id of the custom resource the run is for, or null
     * @param requireDataPath a subnet on a served table that cannot reach the service fails the run (DataPathBlocked)
     * @param endpoint       the endpoint's type, and an interface endpoint's subnets, security groups and CIDRs
     */
    public record Input(String vpcId, List<String> routeTableIds, String serviceName, String policyDocument,
                        Map<String, String> tags, boolean cleanup, boolean release, CustomResource customResource,
                        boolean requireDataPath, EndpointOptions endpoint) {

        /** The input of a gateway endpoint. */
        public Input(String vpcId, List<String> routeTableIds, String serviceName, String policyDocument,
                     Map<String, String> tags, boolean cleanup, boolean release, CustomResource customResource,
                     boolean requireDataPath) {
            this(vpcId, routeTableIds, serviceName, policyDocument, tags, cleanup, release, customResource,
                    requireDataPath, EndpointOptions.GATEWAY);
        }
    }

    /** The {@code Custom::DynamoDbVpcEndpoint} a run is for (set by the custom resource). */
    public record CustomResource(String stackId, String logicalResourceId) {
    }

    private final String region;

    public InputValidator(String region) {
        this.region = region;
    }

    public static String defaultServiceName(String region) {
        return "com.amazonaws." + region + ".dynamodb";
    }

    public Input validate(JsonNode input) {
        if (input == null || input.isMissingNode() || input.isNull()) {
            return new Input(null, null, defaultServiceName(region), null, null, false, false, null, false);
        }
        if (!input.isObject()) {
            throw new InvalidInput("The input must be a JSON object, but it is " + describeType(input)
                    + ". Allowed keys, all optional: " + ALLOWED_KEYS + ".");
        }
        checkKeys(input);
        Input valid = new Input(
                vpcId(input.get("vpcId")),
                routeTableIds(input.get("routeTableIds")),
                serviceName(input.get("serviceName")),
                policyDocument(input.get("policyDocument")),
                tags(input.get("tags")),
                flag("cleanup", input.get("cleanup")),
                flag("release", input.get("release")),
                customResource(input.get("customResource")),
                flag("requireDataPath", input.get("requireDataPath")),
                EndpointOptions.read(input, !absent(input.get("routeTableIds"))));
        checkCombination(valid);
        return valid;
    }

    private static void checkCombination(Input input) {
        if (input.release() && input.cleanup()) {
            throw new InvalidInput("release and cleanup cannot both be true. Allowed: \"cleanup\": true to try an "
                    + "endpoint and leave no trace, or \"release\": true to release the standing use of one.");
        }
        if (input.release() && (input.policyDocument() != null || input.tags() != null)) {
            throw new InvalidInput("release takes no policyDocument or tags. Allowed with \"release\": true: vpcId, "
                    + "routeTableIds, serviceName (with \"endpointType\": \"Interface\": subnetIds).");
        }
        if (input.requireDataPath() && (input.release() || input.cleanup())) {
            throw new InvalidInput("requireDataPath cannot be combined with " + (input.release() ? "release" : "cleanup")
                    + ": it keeps the endpoint of a run whose data path is blocked, and such a run leaves none. "
                    + "Allowed: \"requireDataPath\": true on a run that keeps its endpoint (the verdicts are reported "
                    + "in verification.subnets either way).");
        }
        if (input.requireDataPath() && input.endpoint().isInterface()) {
            throw new InvalidInput("requireDataPath applies to Gateway endpoints, whose route tables decide each "
                    + "subnet's path; an Interface endpoint's verification checks its network interfaces and security "
                    + "group instead. Allowed with \"endpointType\": \"Interface\": no requireDataPath.");
        }
        if (input.customResource() != null && (input.release() || input.cleanup())) {
            throw new InvalidInput("customResource cannot be combined with cleanup or release: a custom resource "
                    + "releases its claim with its Delete.");
        }
    }

    private static CustomResource customResource(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        String allowed = " Allowed: {\"stackId\": \"arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>\", "
                + "\"logicalResourceId\": \"<letters and digits>\"} (the custom resource sets it).";
        if (!node.isObject() || node.size() != 2 || !node.path("stackId").isTextual()
                || !node.path("logicalResourceId").isTextual()) {
            throw new InvalidInput("customResource must be an object with exactly stackId and logicalResourceId." + allowed);
        }
        String stackId = node.get("stackId").asText();
        String logicalId = node.get("logicalResourceId").asText();
        if (!STACK_ID.matcher(stackId).matches()) {
            throw new InvalidInput("customResource.stackId " + quote(stackId) + " is not a stack ARN." + allowed);
        }
        if (!LOGICAL_ID.matcher(logicalId).matches()) {
            throw new InvalidInput("customResource.logicalResourceId " + quote(logicalId) + " is not a logical id."
                    + allowed);
        }
        return new CustomResource(stackId, logicalId);
    }

    private static void checkKeys(JsonNode input) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = input.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("Unknown input key");
        message.append(unknown.size() > 1 ? "s " : " ");
        for (int i = 0; i < unknown.size(); i++) {
            String key = unknown.get(i);
            message.append(i > 0 ? ", " : "").append(quote(key));
            KEYS.stream().filter(k -> k.equalsIgnoreCase(key)).findFirst()
                    .ifPresent(k -> message.append(" (keys are case-sensitive: did you mean '").append(k).append("'?)"));
        }
        message.append(". Allowed keys, all optional: ").append(ALLOWED_KEYS).append('.');
        throw new InvalidInput(message.toString());
    }

    private static String vpcId(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        String value = requireString("vpcId", node, "a VPC id such as vpc-0123456789abcdef0");
        if (!VPC_ID.matcher(value).matches()) {
            throw new InvalidInput("vpcId " + quote(value) + " is not a VPC id. Allowed: 'vpc-' followed by 8 or 17 "
                    + "lowercase hex digits (e.g. vpc-0123456789abcdef0), or omit vpcId for the region's default VPC.");
        }
        return value;
    }

    private static List<String> routeTableIds(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidInput("routeTableIds must be an array of route table ids, but it is " + describeType(node)
                    + ". Allowed: e.g. [\"rtb-0123456789abcdef0\"], or omit it for every route table of the VPC.");
        }
        if (node.isEmpty() || node.size() > MAX_ROUTE_TABLES) {
            throw new InvalidInput("routeTableIds has " + node.size() + " entries. Allowed: 1 to " + MAX_ROUTE_TABLES
                    + " route table ids, or omit it for every route table of the VPC.");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || !ROUTE_TABLE_ID.matcher(element.asText()).matches()) {
                throw new InvalidInput("routeTableIds contains " + shortJson(element) + ", which is not a route table "
                        + "id. Allowed: strings 'rtb-' followed by 8 or 17 lowercase hex digits.");
            }
            if (!ids.add(element.asText())) {
                throw new InvalidInput("routeTableIds lists " + quote(element.asText()) + " more than once. "
                        + "Allowed: each route table id once.");
            }
        }
        return ids.stream().sorted().toList();
    }

    private String serviceName(JsonNode node) {
        String expected = defaultServiceName(region);
        if (absent(node)) {
            return expected;
        }
        String value = requireString("serviceName", node, expected);
        Matcher matcher = SERVICE_NAME.matcher(value);
        if (!matcher.matches()) {
            throw new InvalidInput("serviceName " + quote(value) + " is not a DynamoDB endpoint service name. Allowed: "
                    + quote(expected) + " (the DynamoDB service of this region), or omit serviceName.");
        }
        if (!matcher.group(1).equals(region)) {
            throw new InvalidInput("serviceName " + quote(value) + " is for region " + matcher.group(1)
                    + ", but this workflow runs in " + region + ". Allowed: " + quote(expected)
                    + ", or omit serviceName; to serve another region, run the workflow there.");
        }
        return value;
    }

    /**
     * A {@code policyDocument} value as the single-VPC input takes it (also the fleet's): the policy as JSON text,
     * {@code "default"}, or null when absent.
     */
    public static String policyDocument(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        JsonNode policy;
        String text;
        if (node.isTextual() && DEFAULT_POLICY.equals(node.asText())) {
            return DEFAULT_POLICY;
        }
        if (node.isTextual()) {
            text = node.asText();
            if (text.length() > MAX_POLICY_CHARS) {
                throw tooLong(text.length());
            }
            try {
                // Trailing text after the JSON value ("{...} junk") is not a policy either.
                policy = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
            } catch (JsonProcessingException e) {
                throw new InvalidInput("policyDocument is a string but not JSON (" + e.getOriginalMessage()
                        + "). Allowed: an IAM policy document as a JSON object or as a string holding one, at most "
                        + MAX_POLICY_CHARS + " characters, or \"default\" for AWS's default (full access) policy.");
            }
        } else {
            policy = node;
            text = node.toString();
        }
        if (policy == null || !policy.isObject()) {
            throw new InvalidInput("policyDocument is " + describeType(policy) + ". Allowed: an IAM policy document "
                    + "(a JSON object with a Statement), or a string holding one.");
        }
        if (!policy.has("Statement")) {
            throw new InvalidInput("policyDocument has no Statement. Allowed: an IAM policy document such as "
                    + "{\"Version\":\"2012-10-17\",\"Statement\":[...]}.");
        }
        JsonNode statement = policy.get("Statement");
        boolean statements = statement.isObject() || (statement.isArray()
                && java.util.stream.StreamSupport.stream(statement.spliterator(), false).allMatch(JsonNode::isObject));
        if (!statements) {
            throw new InvalidInput("policyDocument's Statement is " + describeType(statement)
                    + (statement.isArray() ? " holding something other than objects" : "")
                    + ". Allowed: a statement object, or an array of statement objects.");
        }
        String compact = policy.toString();
        if (compact.length() > MAX_POLICY_CHARS) {
            throw tooLong(compact.length());
        }
        return node.isTextual() ? text : compact;
    }

    private static InvalidInput tooLong(int length) {
        return new InvalidInput("policyDocument is " + length + " characters long. Allowed: at most "
                + MAX_POLICY_CHARS + " characters (the VPC endpoint policy limit).");
    }

    /** A {@code tags} value as the single-VPC input takes it (also the fleet's): the user tags, or null when absent. */
    public static Map<String, String> tags(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidInput("tags must be an object of string keys to string values, but it is "
                    + describeType(node) + ". Allowed: e.g. {\"team\": \"data\"}.");
        }
        if (node.size() > MAX_USER_TAGS) {
            throw new InvalidInput("tags has " + node.size() + " entries. Allowed: at most " + MAX_USER_TAGS
                    + " (AWS allows 50 per resource and vpce-pilot uses some for ownership).");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.isEmpty() || key.length() > 128 || !TAG_CHARS.matcher(key).matches()) {
                throw new InvalidInput("Tag key " + quote(key) + " is not allowed. Allowed: 1 to 128 characters of "
                        + "letters, digits, spaces and _ . : / = + - @.");
            }
            if (key.regionMatches(true, 0, "aws:", 0, 4)) {
                throw new InvalidInput("Tag key " + quote(key) + " starts with 'aws:', which AWS reserves. "
                        + "Allowed: any other key.");
            }
            if (Ownership.isReservedKey(key)) {
                throw new InvalidInput("Tag key " + quote(key) + " is reserved for vpce-pilot's ownership tags. "
                        + "Allowed: any key except 'managed-by' and keys starting with 'vpce-pilot:'.");
            }
            if (!value.isTextual() || value.asText().length() > 256 || !TAG_CHARS.matcher(value.asText()).matches()) {
                throw new InvalidInput("Tag " + quote(key) + " has the value " + shortJson(value) + ". Allowed: a "
                        + "string of 0 to 256 letters, digits, spaces and _ . : / = + - @.");
            }
            tags.put(key, value.asText());
        }
        return tags;
    }

    private static boolean flag(String key, JsonNode node) {
        if (absent(node)) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidInput(key + " must be true or false, but it is " + describeType(node)
                    + " " + shortJson(node) + ". Allowed: a JSON boolean (not a string).");
        }
        return node.booleanValue();
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static String requireString(String key, JsonNode node, String example) {
        if (!node.isTextual()) {
            throw new InvalidInput(key + " must be a string, but it is " + describeType(node) + ". Allowed: "
                    + example + ".");
        }
        return node.asText();
    }

    public static String describeType(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    /** A value quoted for a message: JSON-escaped and cut to 64 characters, so nothing odd is echoed raw. */
    public static String quote(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        try {
            return "'" + Json.MAPPER.writeValueAsString(cut).replaceAll("^\"|\"$", "") + "'";
        } catch (JsonProcessingException e) {
            return "'?'";
        }
    }

    private static String shortJson(JsonNode node) {
        String text = node.toString();
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
