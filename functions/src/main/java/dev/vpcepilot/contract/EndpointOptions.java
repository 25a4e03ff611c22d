package dev.vpcepilot.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.datapath.Ipv4Block;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.sharing.EndpointType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The input keys that choose the endpoint's type and, for an interface endpoint, where it goes (README "The
 * contract"; rule 10: checked before anything changes). Keys of the other type are {@link InvalidInput} naming
 * the key and what is allowed: {@code routeTableIds} belongs to a gateway endpoint, {@code subnetIds},
 * {@code securityGroupIds} and {@code allowedCidrs} to an interface endpoint.
 *
 * @param type             {@code Gateway} unless the input says {@code "endpointType": "Interface"}
 * @param subnetIds        the subnets for the interface endpoint's network interfaces (sorted), or null: one per
 *                         zone the service offers (ResolveVpc chooses)
 * @param securityGroupIds the security groups of a new interface endpoint (sorted), or null: one the run creates
 * @param allowedCidrs     the IPv4 CIDRs the run's own security group admits on TCP 443 besides the VPC's (sorted),
 *                         or null: the VPC's alone
 */
public record EndpointOptions(EndpointType type, List<String> subnetIds, List<String> securityGroupIds,
                              List<String> allowedCidrs) {

    public static final EndpointOptions GATEWAY = new EndpointOptions(EndpointType.GATEWAY, null, null, null);
    public static final List<String> KEYS = List.of("endpointType", "subnetIds", "securityGroupIds", "allowedCidrs");
    /** More subnets than zones in any region is a mistake; EC2 refuses two in one zone anyway. */
    public static final int MAX_SUBNETS = 16;
    /** EC2's limit of security groups on one interface endpoint. */
    public static final int MAX_SECURITY_GROUPS = 5;
    /** The security group's rules: 60 inbound rules per group is EC2's default quota; the VPC's CIDRs take some. */
    public static final int MAX_ALLOWED_CIDRS = 50;
    static final Pattern SUBNET_ID = Pattern.compile("subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    private static final String INTERFACE_KEYS = "subnetIds, securityGroupIds, allowedCidrs";

    public boolean isInterface() {
        return type == EndpointType.INTERFACE;
    }

    /** The options of an input object; {@code routeTablesGiven}: the input names routeTableIds. */
    static EndpointOptions read(JsonNode input, boolean routeTablesGiven) {
        EndpointType type = type(input.get("endpointType"));
        List<String> given = KEYS.subList(1, KEYS.size()).stream().filter(k -> !absent(input.get(k))).toList();
        if (type == EndpointType.GATEWAY) {
            if (!given.isEmpty()) {
                throw new InvalidInput(String.join(", ", given) + (given.size() > 1 ? " apply" : " applies")
                        + " to interface endpoints only, and this input asks for a Gateway endpoint. Allowed: "
                        + "\"endpointType\": \"Interface\" with " + INTERFACE_KEYS + "; or, for a Gateway endpoint "
                        + "(the default), routeTableIds.");
            }
            return GATEWAY;
        }
        if (routeTablesGiven) {
            throw new InvalidInput("routeTableIds applies to Gateway endpoints only, and this input asks for an "
                    + "Interface endpoint, which lives in subnets, not route tables. Allowed with \"endpointType\": "
                    + "\"Interface\": " + INTERFACE_KEYS + ".");
        }
        List<String> securityGroups = ids("securityGroupIds", input.get("securityGroupIds"), SECURITY_GROUP_ID,
                MAX_SECURITY_GROUPS, "security group ids 'sg-' followed by 8 or 17 lowercase hex digits",
                "omit it for a security group the run creates");
        List<String> cidrs = cidrs(input.get("allowedCidrs"));
        if (securityGroups != null && cidrs != null) {
            throw new InvalidInput("allowedCidrs opens the security group the run creates, and securityGroupIds names "
                    + "groups of yours instead. Allowed: securityGroupIds alone (your groups' rules apply), or "
                    + "allowedCidrs alone (the run's own group admits TCP 443 from the VPC and from them).");
        }
        return new EndpointOptions(type,
                ids("subnetIds", input.get("subnetIds"), SUBNET_ID, MAX_SUBNETS,
                        "subnet ids 'subnet-' followed by 8 or 17 lowercase hex digits, at most one per Availability "
                                + "Zone", "omit it for one subnet in each zone the service is offered in"),
                securityGroups, cidrs);
    }

    private static EndpointType type(JsonNode node) {
        if (absent(node)) {
            return EndpointType.GATEWAY;
        }
        return EndpointType.ofAwsName(node.isTextual() ? node.asText() : null).orElseThrow(() -> new InvalidInput(
                "endpointType is " + (node.isTextual() ? InputValidator.quote(node.asText())
                        : InputValidator.describeType(node)) + ". Allowed: \"Gateway\" (the default: route tables, no "
                        + "hourly charge) or \"Interface\" (AWS PrivateLink: network interfaces in subnets)."));
    }

    private static List<String> ids(String key, JsonNode node, Pattern pattern, int max, String what, String omit) {
        if (absent(node)) {
            return null;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > max) {
            throw new InvalidInput(key + " is " + (node.isArray() ? "an array of " + node.size() + " entries"
                    : InputValidator.describeType(node)) + ". Allowed: an array of 1 to " + max + " " + what + ", or "
                    + omit + ".");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || !pattern.matcher(element.asText()).matches()) {
                throw new InvalidInput(key + " contains " + shortJson(element) + ". Allowed: " + what + ".");
            }
            if (!ids.add(element.asText())) {
                throw new InvalidInput(key + " lists " + InputValidator.quote(element.asText()) + " more than once. "
                        + "Allowed: each id once.");
            }
        }
        return ids.stream().sorted().toList();
    }

    private static List<String> cidrs(JsonNode node) {
        if (absent(node)) {
            return null;
        }
        String allowed = ". Allowed: an array of 1 to " + MAX_ALLOWED_CIDRS + " IPv4 CIDR blocks written with their "
                + "network address (e.g. [\"10.20.0.0/16\"]: your on-premises ranges), or omit it.";
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_ALLOWED_CIDRS) {
            throw new InvalidInput("allowedCidrs is " + (node.isArray() ? "an array of " + node.size() + " entries"
                    : InputValidator.describeType(node)) + allowed);
        }
        List<String> cidrs = new ArrayList<>();
        for (JsonNode element : node) {
            Ipv4Block block = element.isTextual() ? Ipv4Block.parseOrNull(element.asText()) : null;
            if (block == null || !element.asText().equals(element.asText().trim())) {
                throw new InvalidInput("allowedCidrs contains " + shortJson(element) + ", which is not an IPv4 CIDR "
                        + "block" + allowed);
            }
            String network = networkText(block);
            if (!network.equals(element.asText())) {
                throw new InvalidInput("allowedCidrs contains " + shortJson(element) + ", whose address is not the "
                        + "block's network address (" + network + ")" + allowed);
            }
            if (cidrs.contains(network)) {
                throw new InvalidInput("allowedCidrs lists " + InputValidator.quote(network) + " more than once"
                        + allowed);
            }
            cidrs.add(network);
        }
        return cidrs.stream().sorted().toList();
    }

    private static String networkText(Ipv4Block block) {
        long a = block.first();
        int prefix = 32 - Long.numberOfTrailingZeros(block.size());
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255) + "/" + prefix;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static String shortJson(JsonNode node) {
        String text = node.toString();
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
