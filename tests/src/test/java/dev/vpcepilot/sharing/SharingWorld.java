package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.MotoEc2;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The world the sharing scenarios of issue 10 play in, as platform teams meet it: moto_server with the AWS-faithful
 * patch (gateway routes, ClientToken idempotency, atomic conditional writes), VPCs with several route tables, the
 * real {@code ./run-local} as a subprocess per run, and the custom-resource hook (the CloudFormationHookHandler
 * with the real state machine, its answer PUT to a presigned S3 URL on the emulator and read back). Everything the
 * tests assert on is read from moto directly ({@link #ec2()}), never through the product.
 *
 * <p>The product under test is the project's own, or the one at {@code -Dvpcepilot.sharing.productRoot=DIR} (a
 * built checkout of another commit, e.g. one before issue 10): then the runs and the hook both go through that
 * checkout's {@code ./run-local} ({@code --cfn-event} for the hook), so the scenarios show what it did in the same
 * situations. (The marker scenarios of HookRulesTest need one Step Functions history across requests and always run
 * the project's own hook in-process.)
 */
final class SharingWorld {

    static final String REGION = "us-east-1";
    /** A ResponseURL that is not on loopback: ./run-local answers to a presigned URL on the emulator instead. */
    static final String CFN_RESPONSE_URL =
            "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/presigned-by-cloudformation";
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(150);
    private static final AtomicInteger NEXT_CIDR = new AtomicInteger((int) (System.nanoTime() & 0x7f));
    private static final String PRODUCT_ROOT = "vpcepilot.sharing.productRoot";
    private static MotoServer moto;
    private static MotoEc2 ec2;
    private static InProcessHook hook;

    private SharingWorld() {
    }

    /** The emulator every scenario shares (each in VPCs of its own), started on first use, AWS-faithful. */
    static synchronized URI moto() {
        if (moto == null || !moto.isRunning()) {
            moto = MotoServer.start();
            assertTrue(moto.awsFaithful(), "the scenarios need aws_faithful_moto_server.py: a python3 on the PATH "
                    + "that imports moto");
            ec2 = new MotoEc2(moto.endpoint(), REGION);
        }
        return moto.endpoint();
    }

    /** EC2 and DynamoDB straight to the emulator: what the tests read is the truth. */
    static synchronized MotoEc2 ec2() {
        moto();
        return ec2;
    }

    /** The checkout whose {@code ./run-local} runs the scenarios. */
    static Path productRoot() {
        String property = System.getProperty(PRODUCT_ROOT);
        return property == null || property.isBlank() ? MotoEc2.projectRoot()
                : Path.of(property).toAbsolutePath().normalize();
    }

    /** A VPC of its own, with its main route table first and {@code extra} more, each associated with a subnet. */
    record Vpc(String id, List<String> routeTables) {
        String main() {
            return routeTables.get(0);
        }

        String table(int i) {
            return routeTables.get(i);
        }
    }

    static Vpc freshVpc(MotoEc2 on, int extra) {
        int n = NEXT_CIDR.getAndIncrement() % 250;
        String vpc = on.createVpc("10." + n + ".0.0/16");
        List<String> tables = new ArrayList<>();
        tables.add(on.mainRouteTableId(vpc));
        for (int i = 1; i <= extra; i++) {
            tables.add(on.createAssociatedRouteTable(vpc, "10." + n + "." + i + ".0/24"));
        }
        return new Vpc(vpc, List.copyOf(tables));
    }

    static Vpc freshVpc(int extra) {
        return freshVpc(ec2(), extra);
    }

    // ---- ./run-local

    /** What one {@code ./run-local} process did. */
    record Run(String what, int exitCode, String stdout, String stderr) {
        JsonNode doc() {
            return MotoEc2.json(stdout);
        }

        boolean succeeded() {
            return exitCode == 0;
        }

        String error() {
            return doc().path("error").asText(null);
        }

        @Override
        public String toString() {
            return what + ": exit " + exitCode + "\nstdout: " + stdout + "\nstderr (tail): "
                    + (stderr.length() > 3000 ? "..." + stderr.substring(stderr.length() - 3000) : stderr);
        }
    }

    /** The exit code of a run whose process was stopped because it outlived its time ({@link Process#awaitOrStop}). */
    static final int STOPPED = -1;

    /** A started {@code ./run-local}. */
    static final class Process {
        private final String what;
        private final java.lang.Process process;
        private final Path out;
        private final Path err;

        private Process(String what, java.lang.Process process, Path out, Path err) {
            this.what = what;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        Run await() {
            Run run = awaitOrStop(RUN_TIMEOUT);
            if (run.exitCode() == STOPPED) {
                throw new AssertionError(what + ": ./run-local did not end within " + RUN_TIMEOUT.toSeconds()
                        + " s; stderr: " + run.stderr());
            }
            return run;
        }

        /**
         * Waits at most {@code timeout}; a process still running then is stopped (with its children), and its run
         * has exit code {@link #STOPPED} with what it had written so far.
         */
        Run awaitOrStop(Duration timeout) {
            try {
                int exitCode;
                if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    exitCode = process.exitValue();
                } else {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    exitCode = STOPPED;
                }
                Run run = new Run(what, exitCode, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
                return run;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /**
     * Starts {@code ./run-local --endpoint-url endpoint} with {@code arguments} (an input or an event), the test
     * JVM's Java, {@code VPCE_PILOT_TIME_SCALE} 0.01 unless {@code env} says otherwise, and no build.
     */
    static Process start(String what, URI endpoint, List<String> arguments, Map<String, String> env) {
        Path root = productRoot();
        Path script = root.resolve("run-local");
        if (!Files.isExecutable(script) || !Files.isDirectory(root.resolve("runner/target/lib"))) {
            throw new IllegalStateException(root + ": ./run-local or runner/target/lib is missing: build it first");
        }
        List<String> command = new ArrayList<>(List.of(script.toString(), "--endpoint-url", endpoint.toString(),
                "--region", REGION));
        command.addAll(arguments);
        try {
            Path out = Files.createTempFile("sharing-", ".out");
            Path err = Files.createTempFile("sharing-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("VPCE_PILOT_"));
            environment.put("JAVA_HOME", System.getProperty("java.home"));
            environment.put("VPCE_PILOT_TIME_SCALE", "0.01");
            environment.put("VPCE_PILOT_SKIP_BUILD", "1");
            environment.put("AWS_REGION", REGION);
            environment.putAll(env);
            return new Process(what, builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Starts a workflow run with this execution input. */
    static Process startRun(URI endpoint, String inputJson) {
        return start("./run-local --input-json " + inputJson, endpoint, List.of("--input-json", inputJson), Map.of());
    }

    static Run run(URI endpoint, String inputJson) {
        return startRun(endpoint, inputJson).await();
    }

    static Run run(String inputJson) {
        return run(moto(), inputJson);
    }

    // ---- the custom resource

    /** One {@code Custom::DynamoDbVpcEndpoint} of one stack. */
    record Stack(String stackId, String logicalId) {
        static Stack fresh(String name) {
            return new Stack("arn:aws:cloudformation:" + REGION + ":123456789012:stack/" + name + "/" + UUID.randomUUID(),
                    "DynamoDbEndpoint");
        }

        Stack withLogicalId(String otherLogicalId) {
            return new Stack(stackId, otherLogicalId);
        }

        ObjectNode create(Map<String, ?> properties) {
            return event("Create", null, properties, null);
        }

        ObjectNode update(String physicalId, Map<String, ?> properties, Map<String, ?> oldProperties) {
            return event("Update", physicalId, properties, oldProperties);
        }

        ObjectNode delete(String physicalId, Map<String, ?> properties) {
            return event("Delete", physicalId, properties, null);
        }

        private ObjectNode event(String type, String physicalId, Map<String, ?> properties, Map<String, ?> old) {
            ObjectNode event = CfnRequests.json(type, stackId, physicalId, properties, CFN_RESPONSE_URL);
            event.put("LogicalResourceId", logicalId);
            if (old != null) {
                ObjectNode oldProps = event.putObject("OldResourceProperties");
                oldProps.put("ServiceToken", CfnRequests.SERVICE_TOKEN);
                old.forEach((key, value) -> oldProps.set(key, dev.vpcepilot.json.Json.MAPPER.valueToTree(value)));
            }
            return event;
        }
    }

    /** Starts {@code ./run-local --cfn-event} for the event: the hook, the workflow, the answer's PUT. */
    static Process startHook(URI endpoint, ObjectNode event) {
        try {
            Path file = Files.createTempFile("sharing-cfn-", ".json");
            file.toFile().deleteOnExit();
            Files.write(file, CfnRequests.bytes(event));
            return start(event.path("RequestType").asText() + " of " + event.path("LogicalResourceId").asText() + " ("
                    + event.path("StackId").asText() + ", physical id " + event.path("PhysicalResourceId").asText(null)
                    + ", properties " + event.path("ResourceProperties") + ")", endpoint,
                    List.of("--cfn-event", file.toString()), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The hook's answer to CloudFormation for the event, as read back from the presigned URL: through {@code
     * ./run-local --cfn-event} when the product under test is another checkout, else in this JVM
     * ({@link InProcessHook}: the same handler and workflow without a JVM start per request).
     */
    static Run hook(URI endpoint, ObjectNode event) {
        if (System.getProperty(PRODUCT_ROOT) != null) {
            return startHook(endpoint, event).await();
        }
        try (InProcessHook inProcess = new InProcessHook(endpoint)) {
            return inProcess.send(event);
        }
    }

    static synchronized Run hook(ObjectNode event) {
        if (System.getProperty(PRODUCT_ROOT) != null) {
            return startHook(moto(), event).await();
        }
        if (hook == null) {
            hook = new InProcessHook(moto());
        }
        return hook.send(event);
    }

    /** Asserts that the hook answered SUCCESS; returns its physical id. */
    static String succeeded(Run answer) {
        assertTrue(answer.succeeded() && "SUCCESS".equals(answer.doc().path("Status").asText()), answer.toString());
        return answer.doc().path("PhysicalResourceId").asText();
    }
}
