package dev.vpcepilot.testkit.faults;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The VPC endpoint ids in EC2 Query requests and responses, for {@link FaultRule#endpointNotFoundFirst(int)}: which
 * ids a request names, which id a CreateVpcEndpoint answer returned, and a DeleteVpcEndpoints form without some ids.
 *
 * <p>A request names an endpoint id in a parameter {@code VpcEndpointId} or {@code VpcEndpointId.N} of any action
 * (DescribeVpcEndpoints, DeleteVpcEndpoints, ModifyVpcEndpoint, Accept/RejectVpcEndpointConnections, ...), or in
 * {@code ResourceId.N} of CreateTags and DeleteTags (then only a {@code vpce-} id). Parameters are read from the query
 * string and the form body alike; a pair that is not form-encoded names nothing.
 */
final class EndpointIds {

    static final String PREFIX = "vpce-";
    private static final Pattern ENDPOINT_PARAMETER = Pattern.compile("VpcEndpointId(\\.\\d+)?");
    private static final Pattern RESOURCE_PARAMETER = Pattern.compile("ResourceId\\.\\d+");
    private static final Pattern LISTED_ENDPOINT = Pattern.compile("VpcEndpointId\\.\\d+");
    private static final Set<String> TAG_ACTIONS = Set.of("CreateTags", "DeleteTags");
    private static final Pattern CREATED =
            Pattern.compile("<vpcEndpoint>.*?<vpcEndpointId>(vpce-[0-9a-zA-Z]+)</vpcEndpointId>", Pattern.DOTALL);

    private EndpointIds() {
    }

    /** The distinct endpoint ids that an EC2 request of {@code operation} names in {@code forms}, in order. */
    static List<String> namedBy(String operation, String... forms) {
        Set<String> ids = new LinkedHashSet<>();
        boolean tags = TAG_ACTIONS.contains(operation);
        for (String form : forms) {
            for (String[] pair : pairs(form)) {
                String name = pair[0];
                String value = pair[1].trim();
                if (ENDPOINT_PARAMETER.matcher(name).matches() && !value.isEmpty()) {
                    ids.add(value);
                } else if (tags && RESOURCE_PARAMETER.matcher(name).matches() && value.startsWith(PREFIX)) {
                    ids.add(value);
                }
            }
        }
        return List.copyOf(ids);
    }

    /** The endpoint id of a successful CreateVpcEndpoint answer, if it has one. */
    static Optional<String> createdBy(byte[] body) {
        Matcher matcher = CREATED.matcher(new String(body, StandardCharsets.UTF_8));
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /**
     * {@code form} without the {@code VpcEndpointId.N} parameters whose value is in {@code ids}; the others keep
     * their order and are numbered again from 1 (EC2 reads a list up to its first missing number). Every other
     * parameter is kept byte for byte.
     */
    static String formWithout(String form, Collection<String> ids) {
        if (form == null || form.isEmpty()) {
            return form;
        }
        List<String> kept = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        for (String raw : form.split("&")) {
            String[] pair = decode(raw);
            if (pair != null && LISTED_ENDPOINT.matcher(pair[0]).matches()) {
                if (!ids.contains(pair[1].trim())) {
                    endpoints.add(raw.substring(raw.indexOf('=') + 1));
                }
            } else if (!raw.isEmpty()) {
                kept.add(raw);
            }
        }
        for (int i = 0; i < endpoints.size(); i++) {
            kept.add("VpcEndpointId." + (i + 1) + "=" + endpoints.get(i));
        }
        return String.join("&", kept);
    }

    private static List<String[]> pairs(String form) {
        List<String[]> pairs = new ArrayList<>();
        if (form == null || form.isEmpty()) {
            return pairs;
        }
        for (String raw : form.split("&")) {
            String[] pair = decode(raw);
            if (pair != null) {
                pairs.add(pair);
            }
        }
        return pairs;
    }

    /** {@code [name, value]} of one form pair, decoded; null when it is not form-encoded or has no {@code =}. */
    private static String[] decode(String raw) {
        int eq = raw.indexOf('=');
        if (eq <= 0) {
            return null;
        }
        try {
            return new String[] {URLDecoder.decode(raw.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(raw.substring(eq + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException malformedEscape) {
            return null;
        }
    }
}
