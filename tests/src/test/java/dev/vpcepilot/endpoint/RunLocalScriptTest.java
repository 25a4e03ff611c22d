package dev.vpcepilot.endpoint;

import static dev.vpcepilot.endpoint.WorkflowAssertions.OUTPUT_KEYS;
import static dev.vpcepilot.endpoint.WorkflowAssertions.fieldNames;
import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.moto.MotoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./run-local} script as a subprocess, against the test's moto_server ({@code --endpoint-url}): the
 * exit codes and the single JSON document on stdout that the README promises. Few runs: each starts a JVM.
 */
@Workflow
class RunLocalScriptTest {


    private static MotoServer moto;

    @TempDir
    Path directory;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
    }

    /** The script as a user runs it, its waits not slept. */
    private RunLocal.Run runLocal(String... arguments) {
        return RunLocal.script().outputIn(directory).timeScale("0").timeout(Duration.ofSeconds(180))
                .arguments(arguments).run();
    }

    @Test
    void runsTheWorkflowAgainstTheGivenEndpointAndPrintsOneJsonDocument() throws Exception {
        RunLocal.Run run = runLocal("--endpoint-url", moto.endpoint().toString(), "--region", "us-east-1");

        assertEquals(0, run.exitCode(), run::stderr);
        JsonNode output = json(run.stdout()); // the whole of stdout is one document
        assertEquals(OUTPUT_KEYS, fieldNames(output));
        assertTrue(output.get("created").asBoolean(), run::stdout);
        assertTrue(run.stderr().contains("-> CheckServiceAvailability"), run::stderr);
        assertTrue(run.stderr().contains("-> Succeeded"), run::stderr);
        try (MotoEc2 aws = new MotoEc2(moto.endpoint(), "us-east-1")) {
            // it worked on this emulator, not one of its own
            assertEquals(output.get("vpcId").asText(), aws.defaultVpcId());
            assertTrue(aws.isLive(output.get("vpcEndpointId").asText()));
        }
    }

    @Test
    void aFailedExecutionExitsWith1AndPrintsTheErrorDocument() throws Exception {
        RunLocal.Run run = runLocal("--endpoint-url", moto.endpoint().toString(), "--input-json", "[1]");

        assertEquals(1, run.exitCode(), run::stderr);
        JsonNode document = json(run.stdout());
        assertEquals(List.of("error", "cause"), fieldNames(document));
        assertEquals("InvalidInput", document.get("error").asText());
        assertTrue(document.get("cause").asText().contains("must be a JSON object"), run::stdout);
    }

    @Test
    void anUnknownOptionIsAUsageErrorExiting2() throws Exception {
        RunLocal.Run run = runLocal("--bogus");

        assertEquals(2, run.exitCode(), run::stderr);
        assertEquals("UsageError", json(run.stdout()).get("error").asText());
        assertTrue(run.stderr().contains("usage: ./run-local"), run::stderr);
    }
}
