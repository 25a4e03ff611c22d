package dev.vpcepilot.workflow;

import static dev.vpcepilot.support.MotoEc2.json;
import static dev.vpcepilot.workflow.WorkflowAssertions.OUTPUT_KEYS;
import static dev.vpcepilot.workflow.WorkflowAssertions.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.support.MotoEc2;
import dev.vpcepilot.support.SharedMoto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./run-local} script as a subprocess, against the test's moto_server ({@code --endpoint-url}): the
 * exit codes and the single JSON document on stdout that the README promises. Few runs: each starts a JVM.
 */
class RunLocalScriptTest {

    private static final Path ROOT = MotoEc2.projectRoot();

    private static MotoServer moto;

    @TempDir
    Path directory;

    record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void emulator() {
        moto = SharedMoto.fresh();
    }

    private Run runLocal(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./run-local"));
        command.addAll(List.of(arguments));
        Path out = directory.resolve("stdout");
        Path err = directory.resolve("stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("VPCE_PILOT_TIME_SCALE", "0");
        environment.remove("AWS_REGION");
        environment.remove("AWS_DEFAULT_REGION");
        if (Files.isRegularFile(ROOT.resolve("runner/target/vpce-pilot-runner-1.0.0.jar"))
                && Files.isDirectory(ROOT.resolve("runner/target/lib"))) {
            // the build this test runs in made the runner already; do not rebuild it from under the other modules
            environment.put("VPCE_PILOT_SKIP_BUILD", "1");
        }
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./run-local " + arguments.length + " arguments did not end within 180 s");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void runsTheWorkflowAgainstTheGivenEndpointAndPrintsOneJsonDocument() throws Exception {
        Run run = runLocal("--endpoint-url", moto.endpoint().toString(), "--region", "us-east-1");

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
        Run run = runLocal("--endpoint-url", moto.endpoint().toString(), "--input-json", "[1]");

        assertEquals(1, run.exitCode(), run::stderr);
        JsonNode document = json(run.stdout());
        assertEquals(List.of("error", "cause"), fieldNames(document));
        assertEquals("InvalidInput", document.get("error").asText());
        assertTrue(document.get("cause").asText().contains("must be a JSON object"), run::stdout);
    }

    @Test
    void anUnknownOptionIsAUsageErrorExiting2() throws Exception {
        Run run = runLocal("--bogus");

        assertEquals(2, run.exitCode(), run::stderr);
        assertEquals("UsageError", json(run.stdout()).get("error").asText());
        assertTrue(run.stderr().contains("usage: ./run-local"), run::stderr);
    }
}
