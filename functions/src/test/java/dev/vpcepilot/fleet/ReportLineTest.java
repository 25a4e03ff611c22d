package dev.vpcepilot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vpcepilot.fixtures.Fixtures;
import dev.vpcepilot.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A report line's endpoints as the report and the fleet's steps write them (the Map's children pass their lines from
 * step to step, read back with the strict mapper): each with its type, nothing else.
 */
class ReportLineTest {

    @Test
    void anEndpointLineIsWrittenWithItsTypeAndReadsBack() throws Exception {
        List<ReportLine.EndpointLine> endpoints = List.of(
                ReportLine.EndpointLine.gateway("vpce-0000000000000000a", true, List.of("rtb-0000000000000000a")),
                ReportLine.EndpointLine.anInterface("vpce-0000000000000000b", false));

        String written = Json.MAPPER.writeValueAsString(endpoints);

        assertEquals(Fixtures.json("[{\"vpcEndpointId\":\"vpce-0000000000000000a\",\"type\":\"Gateway\",\"owned\":true,"
                + "\"routeTableIds\":[\"rtb-0000000000000000a\"]},{\"vpcEndpointId\":\"vpce-0000000000000000b\","
                + "\"type\":\"Interface\",\"owned\":false,\"routeTableIds\":[]}]"), Json.MAPPER.readTree(written));
        assertEquals(endpoints, List.of(Json.MAPPER.readValue(written, ReportLine.EndpointLine[].class)));
    }
}
