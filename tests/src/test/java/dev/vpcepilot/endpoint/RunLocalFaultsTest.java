package dev.vpcepilot.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Emulator;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.testkit.faults.FaultKind;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The same faults through the real {@code ./run-local} (a separate JVM, {@code VPCE_PILOT_TIME_SCALE=0.01}) whose
 * endpoint is the fault proxy: exit 0, one JSON document on stdout, and exactly one endpoint in the VPC; or, for
 * 500s and dropped connections, at worst a named failure that leaves nothing behind.
 */
@Reliability
class RunLocalFaultsTest {

    private FaultProxy proxy;
    private String vpc;

    @BeforeEach
    void setUp() throws IOException {
        proxy = FaultProxy.start(Emulator.moto());
        vpc = Emulator.freshVpc();
    }

    @AfterEach
    void tearDown() {
        proxy.close();
    }

    @Test
    void everyThirdCallThrottled() {
        proxy.addRule(FaultRule.throttleEvery(3));

        RunLocal.Run run = Emulator.runLocal(proxy.endpoint(), "{\"vpcId\":\"" + vpc + "\"}").run();

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(proxy.faultsInjected(FaultKind.THROTTLE) >= 3, proxy.countsJson());
        assertOneEndpoint(run.doc());
    }

    @Test
    void firstSixCallsOfEveryActionThrottled() {
        proxy.addRule(FaultRule.throttleFirst(6));

        RunLocal.Run run = Emulator.runLocal(proxy.endpoint(), "{\"vpcId\":\"" + vpc + "\"}").run();

        assertEquals(0, run.exitCode(), run.toString());
        // the progress on stderr shows the state machine's Retry at work (the SDK's 3 attempts ran out twice)
        assertTrue(run.stderr().lines().anyMatch(line -> line.startsWith("[vpce-pilot] retry CreateEndpoint after "
                + "dev.vpcepilot.errors.TransientAwsError")), run.toString());
        assertEquals(7, proxy.count("ec2:CreateVpcEndpoint"), proxy.countsJson());
        assertOneEndpoint(run.doc());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverFaults")
    void serverErrorsAndDroppedConnectionsEndInSuccessOrAClearFailureWithNothingLeaked(String name, FaultRule rule) {
        proxy.addRule(rule);

        RunLocal.Run run = Emulator.runLocal(proxy.endpoint(), "{\"vpcId\":\"" + vpc + "\"}").run();

        assertTrue(proxy.faultsInjected(rule.kind()) >= 2, proxy.countsJson());
        if (run.exitCode() == 0) {
            assertOneEndpoint(run.doc());
        } else {
            assertEquals(1, run.exitCode(), run.toString());
            assertTrue(run.doc().path("error").asText().matches("[A-Z][A-Za-z]+"), run.toString());
            assertFalse(run.doc().path("cause").asText().contains("\tat "), "no stack trace");
            assertEquals(List.of(), Emulator.liveEndpoints(vpc), "a failed run leaves no endpoint behind");
        }
    }

    static Stream<Arguments> serverFaults() {
        return Stream.of(
                Arguments.of("HTTP 500 on every 3rd call", FaultRule.errorEvery(3)),
                Arguments.of("connection dropped on every 3rd call", FaultRule.dropEvery(3)));
    }

    private void assertOneEndpoint(JsonNode output) {
        String reported = output.path("vpcEndpointId").asText();
        assertTrue(reported.startsWith("vpce-"), output.toString());
        assertEquals(vpc, output.path("vpcId").asText());
        assertTrue(output.path("verification").path("routesOk").asBoolean(), output.toString());
        assertEquals(List.of(reported), Emulator.liveEndpoints(vpc).stream().map(VpcEndpoint::vpcEndpointId).toList(),
                "exactly one endpoint in the VPC (read from moto directly)");
    }
}
