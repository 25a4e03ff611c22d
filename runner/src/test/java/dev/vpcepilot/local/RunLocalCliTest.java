package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.cli.RunLocal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line: exit codes, exactly one JSON document on stdout, progress and usage on stderr. */
class RunLocalCliTest {

    @TempDir
    Path directory;

    /** One CLI run in-process: exit code, stdout, stderr. */
    private record Run(int exitCode, String stdout, String stderr) {
        JsonNode document() {
            return json(stdout);
        }
    }

    private Run run(Path projectRoot, Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RunLocal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
                environment, projectRoot).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run run(String... args) {
        return run(TestProject.root(), Map.of("VPCE_PILOT_TIME_SCALE", "0"), args);
    }

    private static void assertNoStackTrace(Run run) {
        assertFalse(run.stdout().contains("\tat ") || run.stderr().contains("\tat "), run.stderr());
        assertFalse(run.stderr().contains("Exception"), run.stderr());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "--bogus                                   | unknown option --bogus",
            "--input                                   | --input needs a value",
            "--region --input x                        | --region needs a value",
            "--input a.json --input-json {}            | give either --input FILE or --input-json JSON, not both",
            "--input-json {nope                        | --input-json: not a JSON document",
            "--input-json {}x                          | --input-json: not a JSON document",
            "--input /nonexistent/input.json           | --input /nonexistent/input.json: no such file",
            "--region Mars                             | 'Mars' is not an AWS region name",
            "--region xx-fake-1                        | --region 'xx-fake-1' is not a region of any AWS partition. Regions of the aws partition: af-south-1, ap-east-1,",
            "--endpoint-url ftp://x                    | --endpoint-url must be an http:// or https:// URL",
            "--region us-east-1 --region eu-west-1     | --region is given more than once",
            "stray                                     | unexpected argument 'stray'",
            "--cfn-event e.json --input-json {}        | --cfn-event takes its input from the event",
            "--lambda-runtime --lambda-runtime         | --lambda-runtime is given more than once",
            "--lambda-runtime=yes                      | --lambda-runtime takes no value",
            "--input --lambda-runtime                  | --input needs a value",
            "--probe --probe                           | --probe is given more than once",
            "--probe=yes                               | --probe takes no value",
            "--input --probe                           | --input needs a value",
            "--probe --fleet                           | --probe runs the probe inside the VPC in an execution of the single-VPC state machine started with --input or --input-json; it cannot be combined with --fleet",
            "--probe --cfn-event e.json                | --probe runs the probe inside the VPC in an execution of the single-VPC state machine started with --input or --input-json; it cannot be combined with --cfn-event"})
    void usageErrorsExitTwoWithOneJsonDocumentAndAUsageLine(String args, String cause) {
        Run run = run(args.split(" "));
        assertEquals(2, run.exitCode());
        assertEquals("UsageError", run.document().get("error").asText());
        assertTrue(run.document().get("cause").asText().startsWith(cause), run.document().toString());
        assertTrue(run.stderr().contains("usage: ./run-local [--endpoint-url URL]"), run.stderr());
        assertNoStackTrace(run);
    }

    @Test
    void helpPrintsTheUsage() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.document().get("usage").asText().startsWith("./run-local"));
    }

    @Test
    void aBadTimeScaleIsAUsageError() {
        Run run = run(TestProject.root(), Map.of("VPCE_PILOT_TIME_SCALE", "fast"), "--input-json", "{}");
        assertEquals(2, run.exitCode());
        assertTrue(run.document().get("cause").asText().contains("VPCE_PILOT_TIME_SCALE"));
    }

    @Test
    void anUnsupportedDefinitionIsRefusedBeforeAnythingStarts() {
        TestProject.write(directory, TestProject.template(), """
                {"StartAt": "Each", "States": {"Each": {"Type": "Parallel", "Branches": [], "End": true}}}
                """);
        Run run = run(directory, Map.of("PATH", "/nonexistent"), "--input-json", "{}");
        assertEquals(2, run.exitCode());
        assertEquals("UsageError", run.document().get("error").asText());
        assertTrue(run.document().get("cause").asText().contains("State \"Each\" (Parallel): the Parallel state type "
                + "is not supported"), run.stdout());
        assertNoStackTrace(run);
    }

    @Test
    void withoutMotoServerOnThePathTheSetupErrorSaysHowToInstallIt() {
        Map<String, String> environment = new HashMap<>(Map.of("PATH", "/nonexistent", "VPCE_PILOT_TIME_SCALE", "0"));
        Run run = run(TestProject.root(), environment, "--input-json", "{}");
        assertEquals(2, run.exitCode());
        assertEquals(json("{\"error\": \"SetupError\", \"cause\": "
                + "\"moto_server not found: install it with pip install \\\"moto[server]\\\"\"}"), run.document());
        assertNoStackTrace(run);
    }

    @Test
    void anExecutionPrintsItsOutputOrItsErrorAndProgressOnStderr() throws IOException {
        TestProject.write(directory, TestProject.template("Echo=" + FakeHandlers.Echo.class.getName(),
                "Failing=" + FakeHandlers.Failing.class.getName()), """
                {"StartAt": "Route", "States": {
                  "Route": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "IsPresent": true, "Next": "Fail"}],
                            "Default": "Echo"},
                  "Echo": {"Type": "Task", "Resource": "${EchoArn}", "OutputPath": "$.received", "End": true},
                  "Fail": {"Type": "Task", "Resource": "${FailingArn}", "InputPath": "$.fail", "End": true}}}
                """);
        Files.writeString(directory.resolve("input.json"), "{\"hello\": \"world\"}");
        Map<String, String> environment = Map.of("VPCE_PILOT_TIME_SCALE", "0");

        Run success = run(directory, environment, "--endpoint-url", "http://127.0.0.1:1",
                "--input", directory.resolve("input.json").toString());
        assertEquals(0, success.exitCode(), success.stderr());
        assertEquals(json("{\"hello\": \"world\"}"), success.document());
        assertTrue(success.stderr().contains("[vpce-pilot] -> Route (Choice)\n"), success.stderr());
        assertTrue(success.stderr().contains("[vpce-pilot] -> Echo (Task)\n"), success.stderr());
        assertTrue(success.stderr().contains("[Echo] echo {\"hello\":\"world\"}"), success.stderr());
        assertTrue(success.stderr().contains("[vpce-pilot] execution succeeded"), success.stderr());

        Run failure = run(directory, environment, "--endpoint-url=http://127.0.0.1:1",
                "--input-json", "{\"fail\": {\"message\": \"gone\"}}");
        assertEquals(1, failure.exitCode());
        assertEquals(FakeHandlers.VpcGone.class.getName(), failure.document().get("error").asText());
        assertEquals("gone", json(failure.document().get("cause").asText()).get("errorMessage").asText());
        assertTrue(failure.stderr().contains("[vpce-pilot] execution failed in Fail: "), failure.stderr());
    }
}
