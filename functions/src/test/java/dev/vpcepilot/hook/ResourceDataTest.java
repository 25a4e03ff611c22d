package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.contract.ExecutionOutput;
import dev.vpcepilot.fixtures.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answer's Data for both endpoint types: the same keys in every answer (an Fn::GetAtt of a key the answer lacks
 * fails the stack), empty where they do not apply; an Interface endpoint's URL and regional DNS name from the output.
 */
class ResourceDataTest {

    private static final String VPC = "vpc-0123456789abcdef0";
    private static final String REGIONAL = "vpce-0123456789abcdef0-abcdefgh.dynamodb.us-east-1.vpce.amazonaws.com";

    /** A gateway endpoint's output, as BuildOutput writes it. */
    private static ObjectNode gatewayDocument() {
        return (ObjectNode) Fixtures.json("{\"region\":\"us-east-1\",\"serviceName\":\"com.amazonaws.us-east-1.dynamodb\","
                + "\"vpcId\":\"" + VPC + "\",\"vpcEndpointId\":\"vpce-0a\",\"created\":true,\"owned\":true,"
                + "\"routeTableIds\":[\"rtb-0a\"],\"prefixListId\":\"pl-02cd2c6b\",\"endpoints\":[{\"vpcEndpointId\":"
                + "\"vpce-0a\",\"owned\":true,\"held\":true,\"routeTableIds\":[\"rtb-0a\"]}],\"claims\":[\"stack:s|R\"],"
                + "\"verification\":{\"routesOk\":true,\"listTablesOk\":true,\"dataPathOk\":true,\"subnets\":[]},"
                + "\"cleanedUp\":false,\"cleanupDetail\":\"Cleanup was not requested.\"}");
    }

    @Test
    void aGatewayEndpointsDataHasEveryKeyWithTheUrlAndDnsNameEmpty() {
        ObjectNode document = gatewayDocument();

        Map<String, String> data = ResourceData.of(ExecutionOutput.read(document), document, "vpce-0a");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("VpcEndpointId", "vpce-0a");
        expected.put("VpcId", VPC);
        expected.put("PrefixListId", "pl-02cd2c6b");
        expected.put("Created", "true");
        expected.put("Claims", "stack:s|R");
        expected.put("EndpointUrl", "");
        expected.put("DnsName", "");
        assertEquals(expected, data);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(data.keySet()), "in this order");
    }

    @Test
    void anInterfaceEndpointsDataHasItsUrlAndRegionalDnsNameAndNoPrefixList() {
        ObjectNode document = gatewayDocument();
        document.putNull("prefixListId");
        ExecutionOutput output = ExecutionOutput.read(document);
        document.put("endpointType", "Interface");
        document.put("endpointUrl", "https://" + REGIONAL);
        JsonNode names = Fixtures.json("{\"regional\":\"" + REGIONAL + "\",\"zonal\":[\"vpce-0123456789abcdef0-"
                + "abcdefgh-us-east-1a.dynamodb.us-east-1.vpce.amazonaws.com\"]}");
        document.set("dnsNames", names);

        Map<String, String> data = ResourceData.of(output, document, "vpce-0a");

        assertEquals("https://" + REGIONAL, data.get("EndpointUrl"));
        assertEquals(REGIONAL, data.get("DnsName"), "the regional name, not a zonal one");
        assertEquals("", data.get("PrefixListId"));
    }

    @Test
    void anInterfaceOutputNamingNoSingleEndpointLeavesTheUrlAndDnsNameEmpty() {
        ObjectNode document = gatewayDocument();
        ExecutionOutput output = ExecutionOutput.read(document);
        document.put("endpointType", "Interface");
        document.putNull("endpointUrl");
        document.putNull("dnsNames");

        Map<String, String> data = ResourceData.of(output, document, "vpce-0a,vpce-0b");

        assertEquals(List.of("", ""), List.of(data.get("EndpointUrl"), data.get("DnsName")));
        assertEquals("vpce-0a,vpce-0b", data.get("VpcEndpointId"));
    }
}
