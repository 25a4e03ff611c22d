package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A successful execution's output, read strictly as the record of its endpoint type's output state, whatever the
 * type: the places, the serving ids and the scope the hook answers and undoes in.
 */
class ServedResourceTest {

    private static final String EXECUTION = "arn:aws:states:us-east-1:111111111111:execution:vpce-pilot:cfn-1";

    @Test
    void aGatewayEndpointsOutputServesRouteTablesInTheGatewayScope() {
        ServedResource served = ServedResource.read(OutputDocuments.gateway());

        assertEquals(EndpointType.GATEWAY, served.type());
        assertEquals(List.of("rtb-0a"), served.places());
        assertEquals(List.of("vpce-0a"), served.servingIds());
        assertEquals("pl-02cd2c6b", served.prefixListId());
        assertNull(served.endpointUrl());
        assertTrue(served.allHeld());
        assertEquals(new Scope("111111111111", "us-east-1", OutputDocuments.VPC, "com.amazonaws.us-east-1.dynamodb"),
                HookScopes.ofOutput(EXECUTION, served));
    }

    @Test
    void anInterfaceEndpointsOutputServesSubnetsInTheInterfaceScope() {
        ServedResource served = ServedResource.read(OutputDocuments.anInterface());

        assertEquals(EndpointType.INTERFACE, served.type());
        assertEquals(List.of("subnet-0a", "subnet-0b"), served.places());
        assertEquals(List.of("vpce-0b"), served.servingIds());
        assertNull(served.prefixListId());
        assertEquals("https://" + OutputDocuments.REGIONAL, served.endpointUrl());
        assertEquals(OutputDocuments.REGIONAL, served.dnsName());
        assertEquals("Subnets", served.placesNoun());
        assertEquals(new Scope("111111111111", "us-east-1", OutputDocuments.VPC, "com.amazonaws.us-east-1.dynamodb",
                EndpointType.INTERFACE), HookScopes.ofOutput(EXECUTION, served));
    }

    @Test
    void severalServingEndpointsAreSortedAndOneNotHeldMeansNotAllHeld() {
        ObjectNode document = OutputDocuments.anInterface();
        ArrayNode endpoints = (ArrayNode) document.get("endpoints");
        ObjectNode foreign = endpoints.get(0).deepCopy();
        foreign.put("vpcEndpointId", "vpce-0a-foreign").put("owned", false).put("held", false);
        endpoints.add(foreign);

        ServedResource served = ServedResource.read(document);

        assertEquals(List.of("vpce-0a-foreign", "vpce-0b"), served.servingIds());
        assertFalse(served.allHeld());
    }

    @Test
    void aFieldTheRecordLacksIsAnErrorNotASilentLoss() {
        ObjectNode gateway = OutputDocuments.gateway().put("somethingNew", 1);
        ObjectNode anInterface = OutputDocuments.anInterface().put("somethingNew", 1);

        assertTrue(assertThrows(IllegalStateException.class, () -> ServedResource.read(gateway)).getMessage()
                .contains("BuildOutput"));
        assertTrue(assertThrows(IllegalStateException.class, () -> ServedResource.read(anInterface)).getMessage()
                .contains("BuildInterfaceOutput"));
    }
}
