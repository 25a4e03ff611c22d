package dev.vpcepilot.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.LambdaRuntime;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.cli.RunLocal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./run-local --lambda-runtime} prints what the in-process run prints for the same input. Two kinds of
 * comparison, each said where it is made:
 * <ul>
 *   <li>exact, where the two runs meet the same emulator state and create nothing (an endpoint that exists and is
 *       reused; a VPC that does not exist): the documents are equal, byte for byte;</li>
 *   <li>up to the ids moto makes up, where each run creates its own endpoint on an emptied emulator: every
 *       {@code vpc-}, {@code vpce-}, {@code rtb-}, {@code pl-} id is renamed by order of first appearance
 *       ({@code <vpce-1>}...), so one id used in two places must be one id in both documents, and nothing else
 *       may differ.</li>
 * </ul>
 * The CLI runs start their own runtime (a JVM per function used); the exact cases use the shared warm one.
 */
@org.junit.jupiter.api.extension.ExtendWith(RealRuntime.StopAfterClass.class)
@LambdaRuntime
class LambdaRuntimeEqualityTest {

    private static final Pattern ID = Pattern.compile("\\b(vpce|vpc|rtb|pl|subnet|acl)-[0-9a-f]{8,17}\\b");

    private static RealRuntime runtime;
    private static MotoEc2 aws;
    private static LocalWorkflow inProcess;

    @BeforeAll
    static void setUp() {
        runtime = RealRuntime.fresh();
        aws = new MotoEc2(runtime.moto.endpoint(), RealRuntime.REGION);
        inProcess = LocalWorkflow.builder(runtime.root).region(RealRuntime.REGION).endpoint(runtime.moto.endpoint())
                .timeScale(0).functionLog(line -> { }).build();
    }

    @AfterAll
    static void tearDown() {
        inProcess.close();
        aws.close();
    }

    private record Run(int exitCode, String stdout, String stderr) {
        JsonNode document() {
            return TestProject.json(stdout);
        }
    }

    private static Run runLocal(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RunLocal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
                Map.of("VPCE_PILOT_TIME_SCALE", "0"), runtime.root).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The document with moto's made-up ids renamed by order of first appearance. */
    static String withIdsNumbered(JsonNode document) {
        String text = JsonText.pretty(document);
        Map<String, String> names = new LinkedHashMap<>();
        Matcher ids = ID.matcher(text);
        StringBuilder renamed = new StringBuilder();
        while (ids.find()) {
            String name = names.computeIfAbsent(ids.group(), id -> "<" + ids.group(1) + "-"
                    + (names.keySet().stream().filter(k -> k.startsWith(ids.group(1) + "-")).count() + 1) + ">");
            ids.appendReplacement(renamed, Matcher.quoteReplacement(name));
        }
        ids.appendTail(renamed);
        return renamed.toString();
    }

    @Test
    void theCliPrintsTheSameExecutionOutputUnderTheRealRuntimeUpToMotosIds() {
        String endpoint = runtime.moto.endpoint().toString();
        runtime.reset();
        Run local = runLocal("--endpoint-url", endpoint, "--region", "us-east-1");
        runtime.reset();
        Run real = runLocal("--endpoint-url", endpoint, "--region", "us-east-1", "--lambda-runtime");

        assertEquals(0, local.exitCode(), local.stderr());
        assertEquals(0, real.exitCode(), real.stderr());
        assertTrue(real.stderr().contains("under the Lambda Java runtime interface client"), real.stderr());
        assertTrue(real.stderr().contains("[CreateEndpointFunction] "), "the function's own log lines, from its JVM");
        assertTrue(real.document().path("created").asBoolean(), real.stdout());
        assertEquals(withIdsNumbered(local.document()), withIdsNumbered(real.document()));
    }

    /** {@code --probe}: the probe inside the VPC runs in its own JVM too, and says it ran locally. */
    @Test
    void theProbeRunsTheSameUnderTheRealRuntimeUpToMotosIds() {
        String endpoint = runtime.moto.endpoint().toString();
        runtime.reset();
        Run local = runLocal("--endpoint-url", endpoint, "--region", "us-east-1", "--probe");
        runtime.reset();
        Run real = runLocal("--endpoint-url", endpoint, "--region", "us-east-1", "--probe", "--lambda-runtime");

        assertEquals(0, local.exitCode(), local.stderr());
        assertEquals(0, real.exitCode(), real.stderr());
        assertTrue(real.stderr().contains("[vpce-pilot-probe-"), "the probe's own log lines, from its JVM: "
                + real.stderr());
        assertTrue(real.stderr().contains("proves nothing about the VPC's path to DynamoDB"), real.stderr());
        assertEquals(TestProject.json("{\"ran\":true,\"listTablesOk\":true,\"where\":\"local\"}"),
                real.document().path("verification").path("probe"), real.stdout());
        assertEquals(withIdsNumbered(local.document()), withIdsNumbered(real.document()));
    }

    @Test
    void theCliAnswersCloudFormationTheSameUnderTheRealRuntimeUpToMotosIds() {
        String endpoint = runtime.moto.endpoint().toString();
        String event = runtime.root.resolve("events/cfn-create.json").toString();
        runtime.reset();
        Run local = runLocal("--endpoint-url", endpoint, "--cfn-event", event);
        runtime.reset();
        Run real = runLocal("--endpoint-url", endpoint, "--cfn-event", event, "--lambda-runtime");

        assertEquals(0, local.exitCode(), local.stderr());
        assertEquals(0, real.exitCode(), real.stderr());
        assertTrue(real.stderr().contains("[CloudFormationHookFunction] "), "the hook ran in its own JVM");
        assertTrue(real.stderr().contains("answer PUT to the presigned URL"), real.stderr());
        assertEquals("SUCCESS", real.document().path("Status").asText(), real.stdout());
        assertEquals(withIdsNumbered(local.document()), withIdsNumbered(real.document()));
    }

    @Test
    void aReusedEndpointGivesExactlyTheSameOutput() {
        runtime.reset();
        String vpc = aws.defaultVpcId();
        aws.createForeignEndpoint(vpc, List.of(aws.mainRouteTableId(vpc)));
        JsonNode input = TestProject.json("{}");

        ExecutionResult local = inProcess.run(input);
        ExecutionResult real = runtime.workflow.run(input);

        assertTrue(local.succeeded(), local.document().toString());
        assertFalse(local.output().path("created").asBoolean(), local.output().toString());
        assertEquals(JsonText.pretty(local.document()), JsonText.pretty(real.document()));
    }

    @Test
    void aFailureGivesExactlyTheSameOutput() {
        runtime.reset();
        JsonNode input = TestProject.json("{\"vpcId\": \"vpc-0123456789abcdef0\", \"tags\": {\"team\": \"data\"}}");

        ExecutionResult local = inProcess.run(input);
        ExecutionResult real = runtime.workflow.run(input);

        assertEquals("VpcNotFound", local.error(), local.document().toString());
        assertEquals(JsonText.pretty(local.document()), JsonText.pretty(real.document()));
    }

    @Test
    void theNumberingKeepsWhichIdIsWhich() {
        JsonNode a = TestProject.json("{\"x\": \"vpc-0123456789abcdef0\", \"y\": \"vpc-0123456789abcdef0\"}");
        JsonNode b = TestProject.json("{\"x\": \"vpc-00000000\", \"y\": \"vpc-11111111\"}");
        assertFalse(withIdsNumbered(a).equals(withIdsNumbered(b)), "one id twice is not two ids");
        assertEquals(withIdsNumbered(a), withIdsNumbered(TestProject.json(
                "{\"x\": \"vpc-fedcba9876543210f\", \"y\": \"vpc-fedcba9876543210f\"}")));
    }
}
