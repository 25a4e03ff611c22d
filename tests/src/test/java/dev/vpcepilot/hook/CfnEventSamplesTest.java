package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.cli.RunLocal;
import dev.vpcepilot.local.moto.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's Create samples in events/, as a newcomer runs them ({@code ./run-local --cfn-event FILE}): each is
 * answered SUCCESS with the Data its endpoint type promises.
 */
@Workflow
class CfnEventSamplesTest {

    private static MotoServer moto;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
    }

    private static JsonNode answer(String sample) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RunLocal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
                Map.of("VPCE_PILOT_TIME_SCALE", "0"), TestProject.root()).run("--endpoint-url",
                moto.endpoint().toString(), "--cfn-event", TestProject.root().resolve("events").resolve(sample)
                        .toString());
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return TestProject.json(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theGatewaySampleCreatesAGatewayEndpoint() {
        JsonNode answer = answer("cfn-create.json");

        assertEquals("SUCCESS", answer.path("Status").asText(), answer.toString());
        assertTrue(answer.path("Data").path("PrefixListId").asText().startsWith("pl-"), answer.toString());
        assertEquals("", answer.path("Data").path("EndpointUrl").asText());
    }

    @Test
    void theInterfaceSampleCreatesAnInterfaceEndpointAndAnswersItsUrl() {
        JsonNode answer = answer("cfn-create-interface.json");

        assertEquals("SUCCESS", answer.path("Status").asText(), answer.toString());
        JsonNode data = answer.path("Data");
        assertTrue(answer.path("PhysicalResourceId").asText().startsWith("vpce-"), answer.toString());
        assertEquals("https://" + data.path("DnsName").asText(), data.path("EndpointUrl").asText());
        assertTrue(data.path("DnsName").asText().endsWith(".dynamodb.us-east-1.vpce.amazonaws.com"), data.toString());
        assertEquals("", data.path("PrefixListId").asText());
    }
}
