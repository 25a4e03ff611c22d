package dev.vpcepilot.runlocal;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line through the {@code ./run-local} script, in a process of its own: a usage error stays one JSON
 * document on stdout from any directory. The same command line in-process is the runner's RunLocalCliTest.
 */
@Workflow
class RunLocalScriptCliTest {

    @TempDir
    Path directory;

    /** One run of the script, from the test's own directory, with what it printed. */
    private RunLocal.Run runLocal(String... args) {
        Path root = TestProject.root();
        assumeTrue(Files.exists(root.resolve("runner/target/classes/dev/vpcepilot/local/cli/RunLocal.class"))
                && Files.isDirectory(root.resolve("runner/target/lib")), "the runner is not built");
        return RunLocal.script().in(directory).arguments(args).timeout(Duration.ofSeconds(60)).run();
    }

    @Test
    void theScriptWorksFromAnyDirectoryAndKeepsStdoutToOneDocument() {
        RunLocal.Run run = runLocal("--input-json", "[1,", "--region", "eu-west-1");
        assertEquals(2, run.exitCode(), run.stderr());
        assertEquals("UsageError", json(run.stdout()).get("error").asText(), run.stdout());
        assertTrue(run.stderr().contains("usage: ./run-local"), run.stderr());
    }

    /**
     * Issue 9, item 11: {@code ./run-local --region xx-fake-1}, a well-formed name of no region, is a usage error
     * (exit 2, README "Exit codes") that names the partition's regions, before any emulator starts; not the
     * emulator's HTTP 500, which read as an internal or transient error with a stack trace.
     */
    @Test
    void theScriptRefusesAnUnknownRegionNamingTheRegionsThatExist() {
        RunLocal.Run run = runLocal("--region", "xx-fake-1");
        assertEquals(2, run.exitCode(), run.stderr());
        JsonNode document = json(run.stdout());
        assertEquals("UsageError", document.get("error").asText(), run.stdout());
        String cause = document.get("cause").asText();
        assertTrue(cause.startsWith("--region 'xx-fake-1' is not a region of any AWS partition. Regions of the aws partition: "), cause);
        assertTrue(cause.contains("us-east-1") && cause.contains("eu-west-1"), cause);
        assertFalse(cause.contains("cn-north-1"), "only the partition's regions: " + cause);
        assertFalse(run.stderr().contains("\tat ") || run.stderr().contains("Exception"), run.stderr());
    }
}
