package dev.vpcepilot.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Emulator;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.testkit.faults.FaultKind;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probe inside the VPC through the real {@code ./run-local} against moto_server: with {@code --probe} the
 * template's DataPathProbeFunction runs as if deployed in the execution's VPC and says where it ran ({@code local},
 * which proves nothing about a network, as its line on stderr says); without it nothing is deployed and the output
 * has no {@code verification.probe}; a refusal of the probe's own ListTables (the answer DynamoDB gives a request
 * that did not come through an endpoint of the probe's VPC) is DataPathBlocked, with the endpoint kept and claimed.
 */
@Workflow
class DataPathProbeWorkflowTest {

    /**
     * Only the probe's ListTables: it asks for one name ({@code Limit: 1}), VerifyEndpoint's ListTables pages through
     * every name without a limit.
     */
    private static final String PROBES_LIST_TABLES = "\"Limit\":1";

    private static MotoEc2 aws;
    private String vpcId;

    @BeforeAll
    static void clients() {
        aws = new MotoEc2(Emulator.moto(), Emulator.REGION);
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    /** A VPC of its own with one subnet (on a route table of its own). */
    @BeforeEach
    void vpcWithASubnet() {
        vpcId = aws.freshVpc(1).id();
    }

    private RunLocal.Run runLocal(URI endpoint, String... arguments) {
        return Emulator.runLocal(endpoint, "{\"vpcId\":\"" + vpcId + "\"}").arguments(arguments).timeScale("0")
                .timeout(Duration.ofSeconds(180)).run();
    }

    private static JsonNode verification(RunLocal.Run run) {
        assertEquals(0, run.exitCode(), run::toString);
        return run.doc().path("verification");
    }

    @Test
    void withProbeTheProbeRunsLocallyAndSaysItProvesNothingAboutANetwork() {
        RunLocal.Run run = runLocal(Emulator.moto(), "--probe");

        JsonNode probe = verification(run).path("probe");
        assertEquals(TestProject.json("{\"ran\":true,\"listTablesOk\":true,\"where\":\"local\"}"), probe,
                run::toString);
        assertTrue(run.stderr().lines().anyMatch(line -> line.equals("[vpce-pilot] --probe: DataPathProbeFunction "
                + "runs as if deployed in " + vpcId + ", but locally it is attached to no network: its ListTables "
                + "answer (\"where\": \"local\") proves nothing about the VPC's path to DynamoDB; on AWS its role "
                + "allows ListTables only through an endpoint of that VPC")), run::toString);
        assertTrue(run.stderr().contains("[vpce-pilot] -> ProbeDataPath (Task)"), run::toString);
    }

    @Test
    void withoutProbeNothingIsDeployedAndTheOutputSaysNoProbeRan() {
        RunLocal.Run run = runLocal(Emulator.moto());

        JsonNode verification = verification(run);
        assertTrue(verification.path("routesOk").asBoolean(), run::toString);
        assertEquals(TestProject.json("{\"ran\":false,\"why\":\"No probe ran: the data-path probe runs only in the "
                + "VPC named by the template parameter ProbeVpcId ([]; empty when the stack has no probe), and this "
                + "run is in " + vpcId + ".\"}"), verification.path("probe"), run::toString);
        assertTrue(run.stderr().contains("[vpce-pilot] -> ProbeNotHere (Pass)"), run::toString);
        assertFalse(run.stderr().contains("--probe"), run::toString);
        assertTrue(run.stderr().contains("[vpce-pilot] -> ProbeHere (Choice)"), run::toString);
        assertFalse(run.stderr().contains("ProbeDataPath"), "the probe's Task is never reached: " + run);
    }

    /**
     * A probe that cannot answer (DynamoDB's 500 on its every ListTables, past the SDK's and the Task's retries) is
     * reported as not run, with why; the run itself succeeds.
     */
    @Test
    void aProbeThatCannotAnswerIsReportedAsNotRunAndTheRunSucceeds() throws IOException {
        try (FaultProxy proxy = FaultProxy.start(Emulator.moto())) {
            proxy.addRule(FaultRule.errorEvery(1).only("dynamodb:ListTables").whenBodyContains(PROBES_LIST_TABLES));

            RunLocal.Run run = runLocal(proxy.endpoint(), "--probe");

            JsonNode probe = verification(run).path("probe");
            assertEquals(false, probe.path("ran").asBoolean(true), run::toString);
            assertEquals(List.of("ran", "why"), fieldNames(probe), run::toString);
            assertTrue(probe.path("why").asText().contains("TransientAwsError")
                    && probe.path("why").asText().contains("DynamoDB ListTables from the probe in " + vpcId),
                    probe::toString);
            assertTrue(run.stderr().contains("[vpce-pilot] -> ProbeDidNotRun (Pass)"), run::toString);
            assertEquals(7 * 3, proxy.faultsInjected(FaultKind.ERROR), "the first try and 6 retries of the Task, "
                    + "each the SDK's 3 attempts: " + proxy.countsJson());
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aRefusalOfTheProbesListTablesIsDataPathBlockedAndKeepsTheEndpointClaimed() throws IOException {
        try (FaultProxy proxy = FaultProxy.start(Emulator.moto())) {
            proxy.addRule(FaultRule.accessDenied().only("dynamodb:ListTables").whenBodyContains(PROBES_LIST_TABLES));

            RunLocal.Run run = runLocal(proxy.endpoint(), "--probe");

            assertEquals(1, run.exitCode(), run::toString);
            assertEquals("DataPathBlocked", run.error(), run::toString);
            String cause = run.doc().path("cause").asText();
            assertTrue(cause.startsWith("DynamoDB refused ListTables from the probe in " + vpcId
                    + ": AccessDeniedException (HTTP 400): the probe's role allows it only with aws:SourceVpc = "
                    + vpcId + ", so the request did not come through a gateway endpoint of that VPC."), cause);
            assertTrue(cause.endsWith("The endpoint is kept and claimed: what sends the traffic elsewhere is not this "
                    + "run's to change."), cause);
            assertEquals(1, proxy.faultsInjected(FaultKind.ACCESS_DENIED), "only the probe's ListTables, once: "
                    + proxy.countsJson());
            assertTrue(run.stderr().contains("[vpce-pilot] -> DataPathBlocked"), run::toString);
            assertFalse(run.stderr().contains("[vpce-pilot] -> HandleFailure"), "nothing is undone: " + run);
        }
        assertEquals(1, Emulator.liveEndpoints(vpcId).size(), "the endpoint stays");

        RunLocal.Run next = runLocal(Emulator.moto());
        assertEquals(0, next.exitCode(), next::toString);
        assertFalse(next.doc().path("created").asBoolean(), "the next run reuses it: " + next);
        assertEquals("standing", next.doc().path("claims").path(0).asText(), next::toString);
    }
}
