package dev.vpcepilot.hook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer's {@code Data}: what a template reads with {@code Fn::GetAtt} after a Create or Update. Every key is in
 * every answer, for both endpoint types, empty when it does not apply: CloudFormation fails the stack on an
 * {@code Fn::GetAtt} of a key the answer lacks, so a template that takes its EndpointType from a parameter may read
 * {@code EndpointUrl} whatever the type. A Gateway endpoint has no DNS name of its own ({@code EndpointUrl} and
 * {@code DnsName} empty: its clients keep DynamoDB's regional endpoint), and neither has an interface endpoint's output
 * that names no single endpoint (several serve the subnets); {@code PrefixListId} is empty when the output names no
 * prefix list.
 */
final class ResourceData {

    private ResourceData() {
    }

    /**
     * @param output     what the execution served
     * @param servingIds the physical id: the serving endpoints' ids, comma-joined
     */
    static Map<String, String> of(ServedResource output, String servingIds) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("VpcEndpointId", servingIds);
        data.put("VpcId", text(output.vpcId()));
        data.put("PrefixListId", text(output.prefixListId()));
        data.put("Created", String.valueOf(output.created()));
        data.put("Claims", String.join(" ", output.claims()));
        data.put("EndpointUrl", text(output.endpointUrl()));
        data.put("DnsName", text(output.dnsName()));
        return data;
    }

    private static String text(String value) {
        return Objects.requireNonNullElse(value, "");
    }
}
