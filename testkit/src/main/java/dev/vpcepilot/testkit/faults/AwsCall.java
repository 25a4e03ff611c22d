package dev.vpcepilot.testkit.faults;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one HTTP request is, as an AWS call: the action ({@code ec2:DescribeVpcs}, {@code dynamodb:ListTables},
 * {@code states:StartExecution}, or {@code other:<METHOD> <path>} for anything that names no operation, such as
 * S3 REST or the emulator's {@code /moto-api/}), the service, and the wire protocol (which decides what an
 * injected error must look like).
 *
 * @param action   {@code service:Operation}, or {@code other:<METHOD> <path>}
 * @param service  the SigV4 signing name ({@code ec2}, {@code dynamodb}, {@code states}, ...), or {@code other}
 * @param protocol the wire protocol the request used
 */
public record AwsCall(String action, String service, Protocol protocol) {

    /** The wire protocols the proxy tells apart. */
    public enum Protocol {
        /** EC2's variant of the Query protocol (errors as {@code <Response><Errors>...}). */
        EC2_QUERY,
        /** The AWS Query protocol of other services (errors as {@code <ErrorResponse>}). */
        QUERY,
        /** JSON RPC with {@code X-Amz-Target}, {@code application/x-amz-json-1.0} (DynamoDB, Step Functions). */
        JSON_1_0,
        /** JSON RPC with {@code X-Amz-Target}, {@code application/x-amz-json-1.1}. */
        JSON_1_1,
        /** Anything else (REST protocols such as S3): counted by method and path. */
        OTHER,
        /** The emulator's own API under {@code /moto-api/}: counted, never faulted. */
        MOTO_API
    }

    /** Operation-name verbs of calls that change something (a verb must be followed by an upper-case letter). */
    private static final List<String> MUTATING_VERBS = List.of("Create", "Delete", "Modify", "Put", "Update",
            "Start", "Stop", "Associate", "Disassociate", "Replace", "Attach", "Detach", "Tag", "Untag", "Add",
            "Remove", "Register", "Deregister", "Enable", "Disable", "Reset", "Revoke", "Authorize", "Terminate",
            "Run", "Reboot", "Allocate", "Release", "Accept", "Reject", "Cancel", "Restore", "Import", "Copy",
            "Send", "Set", "Apply", "Assign", "Unassign", "Move", "Provision", "Deprovision", "Purge",
            "BatchWrite", "TransactWrite", "Redrive");

    /** X-Amz-Target prefixes whose signing name is not just the lower-cased prefix. */
    private static final Map<String, String> TARGET_SERVICES = Map.of(
            "DynamoDB_20120810", "dynamodb",
            "DynamoDBStreams_20120810", "dynamodb",
            "AWSStepFunctions", "states",
            "Logs_20140328", "logs",
            "AmazonSQS", "sqs",
            "AmazonSSM", "ssm",
            "TrentService", "kms",
            "AWSEvents", "events",
            "Kinesis_20131202", "kinesis",
            "CertificateManager", "acm");

    private static final String MOTO_API = "/moto-api";

    public AwsCall {
        if (action == null || service == null || protocol == null) {
            throw new IllegalArgumentException("action, service and protocol are required");
        }
    }

    /** True unless this is the emulator's own API, which the proxy never faults. */
    public boolean faultable() {
        return protocol != Protocol.MOTO_API;
    }

    /** Whether this call changes state; see {@link #isMutating(String)}. */
    public boolean mutating() {
        return isMutating(action);
    }

    /**
     * Classifies a request.
     *
     * @param method        the HTTP method
     * @param requestTarget the request-target in origin form ({@code /path?query})
     * @param headers       the request headers (names in any case)
     * @param body          the request body (may be empty)
     */
    public static AwsCall classify(String method, String requestTarget, Map<String, String> headers, byte[] body) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        int q = requestTarget.indexOf('?');
        String path = q < 0 ? requestTarget : requestTarget.substring(0, q);
        String query = q < 0 ? "" : requestTarget.substring(q + 1);
        String other = "other:" + method + " " + path;

        if (path.equals(MOTO_API) || path.startsWith(MOTO_API + "/")) {
            return new AwsCall(other, "moto-api", Protocol.MOTO_API);
        }
        Optional<String> signedService = serviceFromAuthorization(h.get("Authorization"))
                .or(() -> serviceFromCredentialScope(formParameter(query, "X-Amz-Credential")));

        String target = h.get("X-Amz-Target");
        if (target != null && !target.isBlank()) {
            int dot = target.lastIndexOf('.');
            String prefix = dot < 0 ? "" : target.substring(0, dot).trim();
            String operation = target.substring(dot + 1).trim();
            String service = signedService.orElseGet(() -> TARGET_SERVICES.getOrDefault(prefix,
                    prefix.replaceFirst("_\\d{8}$", "").toLowerCase(Locale.ROOT)));
            String contentType = h.getOrDefault("Content-Type", "").toLowerCase(Locale.ROOT);
            Protocol protocol = contentType.contains("x-amz-json-1.1") ? Protocol.JSON_1_1 : Protocol.JSON_1_0;
            return new AwsCall(service + ":" + operation, service, protocol);
        }

        String operation = formParameter(query, "Action");
        if (operation == null && "POST".equals(method) && isFormBody(h.get("Content-Type"), body)) {
            operation = formParameter(new String(body, StandardCharsets.UTF_8), "Action");
        }
        if (operation != null && !operation.isBlank()) {
            String service = signedService.orElse("ec2");
            Protocol protocol = service.equals("ec2") ? Protocol.EC2_QUERY : Protocol.QUERY;
            return new AwsCall(service + ":" + operation.trim(), service, protocol);
        }
        return new AwsCall(other, signedService.orElse("other"), Protocol.OTHER);
    }

    /**
     * The service of a SigV4 {@code Authorization} header, from its credential scope
     * ({@code AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/ec2/aws4_request, ...} gives {@code ec2}).
     */
    public static Optional<String> serviceFromAuthorization(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        int start = authorization.indexOf("Credential=");
        if (start < 0) {
            return Optional.empty();
        }
        start += "Credential=".length();
        int end = authorization.indexOf(',', start);
        return serviceFromCredentialScope(
                (end < 0 ? authorization.substring(start) : authorization.substring(start, end)).trim());
    }

    /** The service of a SigV4 credential ({@code AKID/date/region/service/aws4_request}). */
    public static Optional<String> serviceFromCredentialScope(String credential) {
        if (credential == null) {
            return Optional.empty();
        }
        String[] parts = credential.split("/");
        if (parts.length < 5 || !parts[parts.length - 1].equals("aws4_request")) {
            return Optional.empty();
        }
        String service = parts[parts.length - 2].trim();
        return service.isEmpty() ? Optional.empty() : Optional.of(service);
    }

    /**
     * Whether an action changes state: its operation starts with a verb such as Create, Delete, Modify, Put,
     * Update, Start, Associate, Replace, Attach, Tag (followed by an upper-case letter, so {@code DescribeTags}
     * and {@code AddressFoo} are not); for {@code other:} calls, a PUT, POST, PATCH or DELETE outside the
     * emulator's API.
     */
    public static boolean isMutating(String action) {
        if (action == null) {
            return false;
        }
        if (action.startsWith("other:")) {
            String rest = action.substring("other:".length());
            int space = rest.indexOf(' ');
            String method = space < 0 ? rest : rest.substring(0, space);
            String path = space < 0 ? "" : rest.substring(space + 1);
            boolean motoApi = path.equals(MOTO_API) || path.startsWith(MOTO_API + "/");
            return !motoApi && List.of("PUT", "POST", "PATCH", "DELETE").contains(method);
        }
        String operation = action.substring(action.indexOf(':') + 1);
        for (String verb : MUTATING_VERBS) {
            if (operation.startsWith(verb)
                    && (operation.length() == verb.length() || Character.isUpperCase(operation.charAt(verb.length())))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFormBody(String contentType, byte[] body) {
        if (contentType != null) {
            return contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        }
        return body.length > 0 && body.length < 1024 * 1024;
    }

    /** The first value of a parameter in an {@code application/x-www-form-urlencoded} string, or null. */
    static String formParameter(String form, String name) {
        if (form == null || form.isEmpty()) {
            return null;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException malformedEscape) {
                // not form-encoded after all: this pair names nothing
            }
        }
        return null;
    }
}
