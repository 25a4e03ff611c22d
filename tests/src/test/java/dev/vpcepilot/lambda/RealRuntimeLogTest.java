package dev.vpcepilot.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.LambdaRuntime;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.runtime.InvocationResult;
import dev.vpcepilot.local.runtime.LocalLambda;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the functions write to their logs under the real runtime, with the template's {@code LoggingConfig}
 * ({@code LogFormat: JSON}, {@code ApplicationLogLevel: INFO}): every line the environments wrote to stdout or stderr
 * since the first of them started (their init included), as Lambda would send it to CloudWatch. Driven through
 * every path that logs: the workflow succeeding (with and without cleanup, a release) and failing, the wait loop's
 * step, and the hook answering a Create and a Delete whose first answer PUT gets a 5xx, a Create it answers FAILED,
 * one whose answer is refused (AnswerNotDelivered) and one it cannot answer (no usable ResponseURL). The
 * ResponseURLs are presigned the way S3 presigns them (credential, security token, signature in the query).
 */
@org.junit.jupiter.api.extension.ExtendWith(RealRuntime.StopAfterClass.class)
@LambdaRuntime
class RealRuntimeLogTest {

    private static final String STACK =
            "arn:aws:cloudformation:us-east-1:123456789012:stack/logs/5b1e7a40-1a2b-11f0-9cd2-0242ac120002";

    private static RealRuntime runtime;
    private static AnswerServer answers;
    /** What must reach no log line: every ResponseURL, its query, its signature, credential and token, the role's keys. */
    private static final Set<String> secrets = new LinkedHashSet<>();
    private static JsonNode createAnswer;
    private static JsonNode deleteAnswer;
    private static ExecutionResult failedRun;
    private static ExecutionResult fleetApplied;
    private static ExecutionResult fleetRefused;
    private static InvocationResult undelivered;
    private static InvocationResult unanswerable;

    @BeforeAll
    static void driveEveryPathThatLogs() throws IOException {
        runtime = RealRuntime.fresh();
        answers = AnswerServer.start();
        int from = runtime.invocations.size();
        for (String input : List.of("{}", "{\"cleanup\": true}", "{\"release\": true}")) {
            ExecutionResult run = runtime.workflow.run(TestProject.json(input));
            assertTrue(run.succeeded(), () -> input + ": " + run.document() + "\n" + runtime.logTail());
        }
        // the wait loop's step, which an endpoint available at once skips, with what CreateEndpoint answered
        String created = runtime.invocationsOf("CreateEndpointFunction", from).get(0).result().payloadText();
        assertTrue(runtime.invoke("GetEndpointStatusFunction", created).succeeded(), runtime::logTail);
        failedRun = runtime.workflow.run(TestProject.json("{\"vpcId\": \"vpc-0123456789abcdef0\"}"));
        // an interface endpoint, whose verification is a function of its own
        MotoEc2 ec2 = new MotoEc2(runtime.moto.endpoint(), RealRuntime.REGION);
        String interfaceVpc = ec2.createVpc("10.79.0.0/16");
        ec2.createSubnet(interfaceVpc, "10.79.1.0/24", "us-east-1a");
        ExecutionResult served = runtime.workflow.run(TestProject.json("{\"vpcId\": \"" + interfaceVpc
                + "\", \"endpointType\": \"Interface\", \"cleanup\": true}"));
        assertTrue(served.succeeded(), () -> served.document() + "\n" + runtime.logTail());
        // the fleet's functions: an apply across accounts and regions, and a refused input (DescribeFailure)
        fleetApplied = runtime.fleet.run(TestProject.json("{\"accounts\": [\"123456789012\", \"111111111111\"], "
                + "\"regions\": [\"us-east-1\", \"eu-west-1\"], \"mode\": \"apply\"}"));
        fleetRefused = runtime.fleet.run(TestProject.json("{\"mode\": \"repair\"}"));

        createAnswer = answered(request("Create", null, Map.of("Tags", Map.of("team", "data"))), "create", 503);
        deleteAnswer = answered(request("Delete", createAnswer.path("PhysicalResourceId").asText(),
                Map.of("Tags", Map.of("team", "data"))), "delete", 500);
        answered(request("Create", null, Map.of("Foo", "bar")), "failed-create", 0);

        ObjectNode refused = request("Create", null, Map.of("Foo", "bar"));
        refused.put("ResponseURL", answers.url("refused"));
        undelivered = runtime.invoke(RealRuntime.HOOK, JsonText.compact(refused));
        ObjectNode offLoopback = request("Create", null, Map.of());
        String offLoopbackUrl = "http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/"
                + presignedPath("unanswerable");
        remember(offLoopbackUrl);
        offLoopback.put("ResponseURL", offLoopbackUrl);
        unanswerable = runtime.invoke(RealRuntime.HOOK, JsonText.compact(offLoopback));
        secrets.addAll(runtime.lambda.credentials().secrets().values());
    }

    @AfterAll
    static void stopAnswers() {
        answers.close();
    }

    @Test
    void everyPathRanAsItShould() {
        assertEquals("VpcNotFound", failedRun.error(), failedRun.document().toString());
        assertTrue(fleetApplied.succeeded(), () -> fleetApplied.document().toString());
        assertEquals("InvalidInput", fleetRefused.error(), fleetRefused.document().toString());
        assertEquals("SUCCESS", createAnswer.path("Status").asText(), createAnswer.toString());
        assertEquals("SUCCESS", deleteAnswer.path("Status").asText(), deleteAnswer.toString());
        assertEquals(2, answers.puts("create"), "the Create's answer: a 503, then delivered");
        assertEquals(2, answers.puts("delete"), "the Delete's answer: a 500, then delivered");
        assertEquals("dev.vpcepilot.errors.AnswerNotDelivered", undelivered.errorType(), undelivered.errorDocument());
        assertEquals("dev.vpcepilot.errors.InvalidInput", unanswerable.errorType(), unanswerable.errorDocument());
    }

    /** With LogFormat JSON, our lines are JSON objects whose level is INFO, WARN or ERROR, never UNDEFINED. */
    @Test
    void ourLinesCarryTheirLevel() {
        List<Line> lines = lines();
        assertEquals("INFO", levelOf(lines, "CheckServiceAvailabilityFunction", "is offered as Gateway"));
        assertEquals("INFO", levelOf(lines, "CreateEndpointFunction", "Created vpce-"));
        assertEquals("ERROR", levelOf(lines, "RollbackFunction", "Failing with VpcNotFound"));
        assertEquals("INFO", levelOf(lines, "FleetPlanFunction", "Fleet apply over "));
        assertEquals("ERROR", levelOf(lines, "DescribeFailureFunction", "Failed: "));
        assertEquals("INFO", levelOf(lines, RealRuntime.HOOK, "Answering SUCCESS"));
        assertEquals("WARN", levelOf(lines, RealRuntime.HOOK, "was not delivered (HTTP 503); PUT again"));
        assertEquals("WARN", levelOf(lines, RealRuntime.HOOK, "was not delivered (HTTP 500); PUT again"));
        assertEquals("ERROR", levelOf(lines, RealRuntime.HOOK, "Answering FAILED"));
        assertEquals("ERROR", levelOf(lines, RealRuntime.HOOK, "could not be delivered after 1 PUT"));
        assertEquals("ERROR", levelOf(lines, RealRuntime.HOOK, "cannot be answered"));
        Map<String, List<String>> undefined = new TreeMap<>();
        for (Line line : lines) {
            if (line.json() != null && "UNDEFINED".equals(line.json().path("level").asText())) {
                undefined.computeIfAbsent(line.function(), f -> new ArrayList<>()).add(line.text());
            }
        }
        assertEquals(Map.of(), undefined, "lines without a level");
    }

    /**
     * Nothing of ours bypasses the logger: a line that is not a JSON log object is the JVM's notice of
     * JAVA_TOOL_OPTIONS, a warning of a library through SLF4J ({@code [WARN] logger - ...}), or the fleet report's
     * metrics document ({@link #isEmf}).
     */
    @Test
    void nothingElseWritesPlainText() {
        List<String> plain = new ArrayList<>();
        for (Line line : lines()) {
            if (line.json() == null && !line.text().isBlank() && !line.text().startsWith("Picked up JAVA_TOOL_OPTIONS:")
                    && !line.text().matches("\\[(WARN|ERROR)] [\\w.$]+ - .*") && !isEmf(line.text())) {
                plain.add(line.function() + ": " + line.text());
            }
        }
        assertEquals(List.of(), plain);
    }

    /**
     * The fleet report's metrics: an embedded-metric-format document on stdout, deliberately no log object (CloudWatch
     * guide, "Using the embedded metric format with Lambda": write EMF logs to STDOUT).
     */
    private static boolean isEmf(String text) {
        try {
            return TestProject.json(text).path("_aws").has("CloudWatchMetrics");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** SLF4J is bound (slf4j-simple): none of its "no binding" or "no provider" warnings, at any function's init. */
    @Test
    void slf4jSaysNothingAtInit() {
        List<Line> lines = lines();
        Set<String> started = new TreeSet<>();
        lines.forEach(line -> started.add(line.function()));
        Set<String> all = new TreeSet<>();
        runtime.lambda.functions().functions().forEach(f -> all.add(f.logicalId()));
        assertEquals(all, started, "the log holds the lines of every function of the template, from its start");
        assertEquals(List.of(), lines.stream().filter(l -> l.text().contains("SLF4J")).map(Line::text).toList());
    }

    /** No ResponseURL, no part of its signature, no credential of the role reaches any line, of any level. */
    @Test
    void noSecretReachesAnyLine() {
        List<String> leaks = new ArrayList<>();
        for (Line line : lines()) {
            for (String secret : secrets) {
                if (line.text().contains(secret)) {
                    leaks.add(secret + " in " + line.function() + ": " + line.text());
                }
            }
        }
        assertEquals(List.of(), leaks);
        assertTrue(secrets.size() >= 20, secrets::toString);
    }

    /**
     * The hook once more in an environment of its own whose logger lets every level through (ApplicationLogLevel
     * TRACE: {@code AWS_LAMBDA_LOG_LEVEL}): still no secret in any line. The SDK's own level does not follow it: it is
     * WARN, from simplelogger.properties (at DEBUG the SDK's signer logs the canonical request, session token
     * included, and at TRACE its URI cache logs whole URLs: measured with this very test's requests).
     */
    @Test
    void atTraceLevelNoSecretReachesAnyLineEither() {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<String> theirs = new LinkedHashSet<>();
        try (LocalLambda verbose = LocalLambda.builder(runtime.root).region(RealRuntime.REGION)
                .endpoint(runtime.proxy.endpoint()).log(log::add)
                .variables(f -> Map.of("AWS_ENDPOINT_URL_SFN", runtime.stepFunctions.endpoint().toString(),
                        "AWS_LAMBDA_LOG_LEVEL", "TRACE"))
                .build()) {
            ObjectNode create = request("Create", null, Map.of());
            answers.failFirst("trace-create", 503);
            create.put("ResponseURL", answers.url("trace-create"));
            assertTrue(verbose.invoke(RealRuntime.HOOK, bytes(create)).succeeded(), () -> String.join("\n", log));
            String id = answers.answer("trace-create").orElseThrow().path("PhysicalResourceId").asText();
            ObjectNode delete = request("Delete", id, Map.of());
            answers.failFirst("trace-delete", 500);
            delete.put("ResponseURL", answers.url("trace-delete"));
            assertTrue(verbose.invoke(RealRuntime.HOOK, bytes(delete)).succeeded(), () -> String.join("\n", log));
            ObjectNode refused = request("Create", null, Map.of("Foo", "bar"));
            refused.put("ResponseURL", answers.url("refused"));
            assertFalse(verbose.invoke(RealRuntime.HOOK, bytes(refused)).succeeded());
            theirs.addAll(verbose.credentials().secrets().values());
        }
        assertEquals("SUCCESS", answers.answer("trace-delete").orElseThrow().path("Status").asText());
        Set<String> all = new LinkedHashSet<>(secrets);
        all.addAll(theirs);
        List<String> leaks = new ArrayList<>();
        synchronized (log) {
            assertTrue(log.stream().anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("PUT again")),
                    () -> String.join("\n", log));
            for (String line : log) {
                all.stream().filter(line::contains).forEach(secret -> leaks.add(secret + " in " + line));
            }
        }
        assertEquals(List.of(), leaks);
    }

    // ---- the hook's requests and their answers ----

    private static ObjectNode request(String type, String physicalId, Map<String, Object> properties) {
        return CfnRequests.HOOK.json(type, STACK, physicalId, properties, null);
    }

    /** Invokes the hook with its answer to {@code path} on the answer server, which first fails with {@code status}. */
    private static JsonNode answered(ObjectNode request, String path, int firstStatus) {
        answers.failFirst(path, firstStatus);
        request.put("ResponseURL", answers.url(path));
        InvocationResult result = runtime.invoke(RealRuntime.HOOK, JsonText.compact(request));
        assertTrue(result.succeeded(), () -> result.errorDocument() + "\n" + runtime.logTail());
        return answers.answer(path).orElseThrow(() -> new AssertionError("no answer at " + path));
    }

    /** A path and a query as S3 presigns a PUT with temporary credentials; its secret parts are remembered. */
    private static String presignedPath(String name) {
        String keyId = "ASIA" + hex(8).toUpperCase(java.util.Locale.ROOT);
        String credential = keyId + "/20261202/us-east-1/s3/aws4_request";
        String token = hex(96);
        String signature = hex(32);
        secrets.addAll(List.of(credential, java.net.URLEncoder.encode(credential, StandardCharsets.UTF_8), token,
                signature));
        return "arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/logs/" + name + "?X-Amz-Algorithm="
                + "AWS4-HMAC-SHA256&X-Amz-Date=20261202T010203Z&X-Amz-SignedHeaders=host&X-Amz-Expires=7199"
                + "&X-Amz-Credential=" + java.net.URLEncoder.encode(credential, StandardCharsets.UTF_8)
                + "&X-Amz-Security-Token=" + token + "&X-Amz-Signature=" + signature;
    }

    private static void remember(String url) {
        secrets.add(url);
        secrets.add(url.substring(url.indexOf('?') + 1));
        secrets.add(URLDecoder.decode(url, StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ObjectNode request) {
        return JsonText.compact(request).getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    // ---- the captured log ----

    /** One line as the environment wrote it: the function it came from, the text, and its JSON if it is a log object. */
    record Line(String function, String text, JsonNode json) {
    }

    private static List<Line> lines() {
        List<String> raw;
        synchronized (runtime.log) {
            raw = List.copyOf(runtime.log);
        }
        Map<String, String> logicalIds = new LinkedHashMap<>();
        runtime.lambda.functions().functions().forEach(f -> logicalIds.put(f.functionName(), f.logicalId()));
        List<Line> lines = new ArrayList<>();
        for (String entry : raw) {
            String name = entry.startsWith("[") && entry.indexOf("] ") > 0 ? entry.substring(1, entry.indexOf("] "))
                    : "";
            if (!logicalIds.containsKey(name)) {
                continue; // the artifact's build output
            }
            String text = entry.substring(entry.indexOf("] ") + 2);
            JsonNode json = null;
            if (text.startsWith("{")) {
                try {
                    JsonNode parsed = JsonText.parse(text);
                    json = parsed.has("level") && parsed.has("message") ? parsed : null;
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    json = null;
                }
            }
            lines.add(new Line(logicalIds.get(name), text, json));
        }
        return lines;
    }

    private static String levelOf(List<Line> lines, String function, String fragment) {
        List<String> levels = lines.stream().filter(l -> l.function().equals(function) && l.json() != null
                && l.json().path("message").asText().contains(fragment)).map(l -> l.json().path("level").asText())
                .distinct().toList();
        assertEquals(1, levels.size(), () -> "one level for '" + fragment + "' of " + function + ": " + levels + "\n"
                + runtime.logTail());
        return levels.get(0);
    }

    /**
     * A ResponseURL on loopback: each path answers its first PUT with the status it is given (0: none), then 200
     * (403 for the path "refused"), and keeps the body it was sent.
     */
    private static final class AnswerServer implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, Integer> failFirst = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
        private final Map<String, String> bodies = new ConcurrentHashMap<>();

        private AnswerServer(HttpServer server) {
            this.server = server;
        }

        static AnswerServer start() throws IOException {
            AnswerServer answers = new AnswerServer(HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
            answers.server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getRawPath();
                    String name = path.substring(path.lastIndexOf('/') + 1);
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    int n = answers.puts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    int first = answers.failFirst.getOrDefault(name, 0);
                    if (name.equals("refused")) {
                        exchange.sendResponseHeaders(403, -1);
                    } else if (n == 1 && first != 0) {
                        exchange.sendResponseHeaders(first, -1);
                    } else {
                        answers.bodies.put(name, new String(body, StandardCharsets.UTF_8));
                        exchange.sendResponseHeaders(200, -1);
                    }
                }
            });
            answers.server.start();
            return answers;
        }

        void failFirst(String name, int status) {
            failFirst.put(name, status);
        }

        String url(String name) {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + presignedPath(name);
            remember(url);
            return url;
        }

        int puts(String name) {
            return puts.getOrDefault(name, new AtomicInteger()).get();
        }

        Optional<JsonNode> answer(String name) {
            return Optional.ofNullable(bodies.get(name)).map(text -> {
                try {
                    return JsonText.parse(text);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
