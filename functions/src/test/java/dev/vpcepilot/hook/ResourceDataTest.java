package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answer's Data for both endpoint types: the same keys in every answer (an Fn::GetAtt of a key the answer lacks
 * fails the stack), empty where they do not apply; an Interface endpoint's URL and regional DNS name from the output.
 */
class ResourceDataTest {

    @Test
    void aGatewayEndpointsDataHasEveryKeyWithTheUrlAndDnsNameEmpty() {
        Map<String, String> data = ResourceData.of(ServedResource.read(OutputDocuments.gateway()), "vpce-0a");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("VpcEndpointId", "vpce-0a");
        expected.put("VpcId", OutputDocuments.VPC);
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
        Map<String, String> data = ResourceData.of(ServedResource.read(OutputDocuments.anInterface()), "vpce-0b");

        assertEquals("https://" + OutputDocuments.REGIONAL, data.get("EndpointUrl"));
        assertEquals(OutputDocuments.REGIONAL, data.get("DnsName"), "the regional name, not a zonal one");
        assertEquals("", data.get("PrefixListId"));
        assertEquals(List.of("VpcEndpointId", "VpcId", "PrefixListId", "Created", "Claims", "EndpointUrl", "DnsName"),
                List.copyOf(data.keySet()), "the same keys as a gateway endpoint's, in the same order");
    }

    @Test
    void anInterfaceOutputNamingNoSingleEndpointLeavesTheUrlAndDnsNameEmpty() {
        ObjectNode document = OutputDocuments.anInterface();
        document.putNull("vpcEndpointId");
        document.putNull("endpointUrl");
        document.putNull("dnsNames");

        Map<String, String> data = ResourceData.of(ServedResource.read(document), "vpce-0b,vpce-0c");

        assertEquals(List.of("", ""), List.of(data.get("EndpointUrl"), data.get("DnsName")));
        assertEquals("vpce-0b,vpce-0c", data.get("VpcEndpointId"));
    }
}
