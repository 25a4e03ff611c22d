package dev.vpcepilot.kit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.sharing.Ownership;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * What the reliability and security tests share: one moto_server for the whole test JVM (started on first use,
 * stopped by its shutdown hook), an EC2 client that talks to it directly (never through a fault proxy, so what
 * it reads is the truth), fresh VPCs, and {@code ./run-local} as a subprocess.
 */
public final class Emulator {

    public static final String REGION = "us-east-1";
    public static final String SERVICE = "com.amazonaws." + REGION + ".dynamodb";
    private static final AtomicInteger NEXT_CIDR = new AtomicInteger(
            (int) (System.nanoTime() & 0x3f));
    private static MotoServer moto;
    private static SdkHttpClient http;
    private static Ec2Client ec2;

    private Emulator() {
    }

    /** The repository root, from the system property tests/pom.xml sets (or the parent of the working dir). */
    public static Path root() {
        String property = System.getProperty("vpcepilot.projectRoot");
        Path root = property == null || property.isBlank() ? Path.of("..") : Path.of(property);
        return root.toAbsolutePath().normalize();
    }

    public static synchronized URI moto() {
        if (moto == null || !moto.isRunning()) {
            moto = MotoServer.start();
        }
        return moto.endpoint();
    }

    /** EC2 straight to moto_server (no proxy, no faults). */
    public static synchronized Ec2Client ec2() {
        URI endpoint = moto();
        if (ec2 == null) {
            http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3))
                    .socketTimeout(Duration.ofSeconds(20)).build();
            ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.of(REGION)).httpClient(http)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("testing", "testing")))
                    .build();
        }
        return ec2;
    }

    /** A new VPC (with its main route table) that no other test touches. */
    public static String freshVpc() {
        int n = NEXT_CIDR.getAndIncrement() % 250;
        return ec2().createVpc(r -> r.cidrBlock("10." + n + ".0.0/16")).vpc().vpcId();
    }

    public static List<String> routeTables(String vpcId) {
        return ec2().describeRouteTables(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .routeTables().stream().map(RouteTable::routeTableId).sorted().toList();
    }

    /** Every endpoint of the VPC for DynamoDB that is not deleted or being deleted, read directly from moto. */
    public static List<VpcEndpoint> liveEndpoints(String vpcId) {
        return ec2().describeVpcEndpoints(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .vpcEndpoints().stream()
                .filter(e -> SERVICE.equals(e.serviceName()))
                .filter(e -> !List.of("deleted", "deleting").contains(e.stateAsString().toLowerCase()))
                .toList();
    }

    /** Live endpoints tagged as created by the given execution. */
    public static List<VpcEndpoint> liveEndpointsCreatedBy(String executionArn) {
        return ec2().describeVpcEndpoints(r -> r.filters(Ownership.createdByFilter(executionArn)))
                .vpcEndpoints().stream()
                .filter(e -> !List.of("deleted", "deleting").contains(e.stateAsString().toLowerCase()))
                .toList();
    }

    public static String tag(VpcEndpoint endpoint, String key) {
        return endpoint.tags().stream().filter(t -> t.key().equals(key)).map(t -> t.value()).findFirst().orElse(null);
    }

    /** Route table id -> the gateway its DynamoDB prefix-list route points to (absent: no such route). */
    public static Map<String, String> prefixListTargets(String vpcId) {
        java.util.TreeMap<String, String> targets = new java.util.TreeMap<>();
        for (RouteTable table : ec2().describeRouteTables(r -> r.filters(
                Filter.builder().name("vpc-id").values(vpcId).build())).routeTables()) {
            for (Route route : table.routes()) {
                if (route.destinationPrefixListId() != null && route.gatewayId() != null) {
                    targets.put(table.routeTableId(), route.gatewayId());
                }
            }
        }
        return targets;
    }

    /** The lock table as ./run-local creates it in the emulator from template.yaml. */
    public static final String LOCK_TABLE = "vpce-pilot-local-LockTable";

    /** The custom resource's decisions, with the lock table on the emulator (created by a LocalWorkflow build). */
    public static dev.vpcepilot.hook.EndpointHook hook(dev.vpcepilot.hook.WorkflowRunner runner,
                                               java.util.function.Consumer<String> log) {
        software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb = dynamoDb();
        return new dev.vpcepilot.hook.EndpointHook(runner, ec2(), owner -> dev.vpcepilot.sharing.SharedEndpoints
                .forTable(ec2(), dynamoDb, LOCK_TABLE, owner, log), "(log hint)",
                dev.vpcepilot.logging.FunctionLog.lines(log),
                dev.vpcepilot.aws.Retrying.LAMBDA.scaled(0.01), java.time.Clock.systemUTC());
    }

    private static software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    /** DynamoDB straight to moto_server. */
    public static synchronized software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
        URI endpoint = moto();
        if (dynamoDb == null) {
            dynamoDb = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().endpointOverride(endpoint)
                    .region(Region.of(REGION)).httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing",
                            "testing"))).build();
        }
        return dynamoDb;
    }

    /** A LocalWorkflow builder for this project, its handlers' log lines kept off the test output. */
    public static LocalWorkflow.Builder workflow(URI endpoint) {
        return LocalWorkflow.builder(root()).region(REGION).endpoint(endpoint).resources(moto()).timeScale(0)
                .functionLog(line -> { });
    }

    public static JsonNode json(String text) {
        try {
            return JsonText.parse(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON is broken: " + e.getOriginalMessage() + "\n" + text, e);
        }
    }

    /** What one {@code ./run-local} process did. */
    public record RunLocalResult(int exitCode, String stdout, String stderr, Duration took) {
        public JsonNode document() {
            return json(stdout);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + took.toMillis() + " ms\nstdout: " + stdout + "\nstderr (tail): "
                    + (stderr.length() > 4000 ? "..." + stderr.substring(stderr.length() - 4000) : stderr);
        }
    }

    /** A started {@code ./run-local}; {@link #await} waits for it (bounded) and collects its output. */
    public static final class RunLocalProcess {
        private final Process process;
        private final Path out;
        private final Path err;
        private final long started = System.nanoTime();

        private RunLocalProcess(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public RunLocalResult await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("./run-local did not end within " + timeout.toSeconds() + " s; stderr: "
                            + Files.readString(err, StandardCharsets.UTF_8));
                }
                RunLocalResult result = new RunLocalResult(process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                        Duration.ofNanos(System.nanoTime() - started));
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("interrupted while waiting for ./run-local", e);
            }
        }
    }

    /**
     * Starts the real {@code ./run-local} against {@code endpoint} with {@code --input-json}: the test JVM's
     * Java as {@code JAVA_HOME}, {@code VPCE_PILOT_TIME_SCALE=0.01}, and no build (the Maven build already made
     * runner/target, and a build from inside a test would race the surrounding Maven run).
     */
    public static RunLocalProcess startRunLocal(URI endpoint, String inputJson) {
        Path script = root().resolve("run-local");
        if (!Files.isExecutable(script) || !Files.isDirectory(root().resolve("runner/target/lib"))) {
            throw new IllegalStateException(
                    "./run-local or runner/target/lib is missing: build with mvn install first");
        }
        List<String> command = new ArrayList<>(List.of(script.toString(), "--endpoint-url", endpoint.toString(),
                "--region", REGION, "--input-json", inputJson));
        try {
            Path out = Files.createTempFile("run-local-", ".out");
            Path err = Files.createTempFile("run-local-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(root().toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("AWS_"));
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.put("VPCE_PILOT_TIME_SCALE", "0.01");
            env.put("VPCE_PILOT_SKIP_BUILD", "1");
            env.put("AWS_REGION", REGION);
            return new RunLocalProcess(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public static RunLocalResult runLocal(URI endpoint, String inputJson) {
        return startRunLocal(endpoint, inputJson).await(Duration.ofSeconds(120));
    }
}
