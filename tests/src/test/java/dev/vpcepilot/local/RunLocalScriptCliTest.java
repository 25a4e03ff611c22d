package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line through the {@code ./run-local} script, in a process of its own: a usage error stays one JSON
 * document on stdout from any directory. The same command line in-process is the runner's RunLocalCliTest.
 */
class RunLocalScriptCliTest {

    @TempDir
    Path directory;

    @Test
    void theScriptWorksFromAnyDirectoryAndKeepsStdoutToOneDocument() throws Exception {
        Path root = TestProject.root();
        assumeTrue(Files.exists(root.resolve("runner/target/classes/dev/vpcepilot/local/cli/RunLocal.class"))
                && Files.isDirectory(root.resolve("runner/target/lib")), "the runner is not built");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("run-local").toString(), "--input-json", "[1,",
                "--region", "eu-west-1").directory(directory.toFile());
        builder.environment().put("VPCE_PILOT_SKIP_BUILD", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "run-local did not finish");
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), stderr);
        assertEquals("UsageError", json(stdout).get("error").asText(), stdout);
        assertTrue(stderr.contains("usage: ./run-local"), stderr);
    }

    /**
     * Issue 9, item 11: {@code ./run-local --region xx-fake-1}, a well-formed name of no region, is a usage error
     * (exit 2, README "Exit codes") that names the partition's regions, before any emulator starts; not the
     * emulator's HTTP 500, which read as an internal or transient error with a stack trace.
     */
    @Test
    void theScriptRefusesAnUnknownRegionNamingTheRegionsThatExist() throws Exception {
        Path root = TestProject.root();
        assumeTrue(Files.exists(root.resolve("runner/target/classes/dev/vpcepilot/local/cli/RunLocal.class"))
                && Files.isDirectory(root.resolve("runner/target/lib")), "the runner is not built");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("run-local").toString(), "--region", "xx-fake-1")
                .directory(directory.toFile());
        builder.environment().put("VPCE_PILOT_SKIP_BUILD", "1");
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "run-local did not finish");
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), stderr);
        JsonNode document = json(stdout);
        assertEquals("UsageError", document.get("error").asText(), stdout);
        String cause = document.get("cause").asText();
        assertTrue(cause.startsWith("--region 'xx-fake-1' is not a region of any AWS partition. Regions of the aws partition: "), cause);
        assertTrue(cause.contains("us-east-1") && cause.contains("eu-west-1"), cause);
        assertFalse(cause.contains("cn-north-1"), "only the partition's regions: " + cause);
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), stderr);
    }
}
