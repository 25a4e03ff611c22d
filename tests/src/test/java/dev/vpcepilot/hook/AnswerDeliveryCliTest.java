package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.cli.RunLocal;
import dev.vpcepilot.local.moto.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./run-local --cfn-event} against a ResponseURL served on loopback by the test, which answers as told: the
 * answer is delivered through 5xx answers, is reported undelivered (exit 1, the request id in the log, the URL in no
 * log) when the URL keeps failing or refuses, and a 4xx is not retried. For the undelivered cases the hook's time
 * bound is 1 s and the retry intervals are scaled down (the local runner's time scale), so that "until the deadline"
 * is short.
 */
@Reliability
class AnswerDeliveryCliTest {

    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/"
            + "5c3f8a70-1a2b-11f0-9cd2-0242ac120002";
    private static final String SIGNATURE = "X-Amz-Signature=0123456789abcdef-secret";

    private static MotoServer moto;

    @TempDir
    Path directory;

    private HttpServer server;
    /** The statuses to answer, in order; the last one repeats. */
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> contentTypes = Collections.synchronizedList(new ArrayList<>());

    private record Run(int exitCode, JsonNode document, String stderr) {
    }

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
    }

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            int status;
            synchronized (statuses) {
                status = statuses.size() > 1 ? statuses.pop() : statuses.peek();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/answer?" + SIGNATURE;
    }

    /** @param hookTimeoutSeconds the hook's time bound (VPCE_PILOT_HOOK_TIMEOUT_SECONDS): how long it retries */
    private Run run(ObjectNode event, int hookTimeoutSeconds) throws IOException {
        Path file = directory.resolve("event.json");
        Files.writeString(file, JsonText.compact(event));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new RunLocal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
                Map.of("VPCE_PILOT_TIME_SCALE", "0.02", "VPCE_PILOT_HOOK_TIMEOUT_SECONDS",
                        Integer.toString(hookTimeoutSeconds)),
                TestProject.root()).run("--endpoint-url", moto.endpoint().toString(), "--cfn-event",
                file.toString());
        return new Run(code, TestProject.json(out.toString(StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoUrl(Run run) {
        assertFalse(run.stderr().contains(SIGNATURE) || run.stderr().contains("/answer?"),
                "the ResponseURL reached the log:\n" + run.stderr());
        assertFalse(run.document().toString().contains(SIGNATURE), run.document().toString());
    }

    @Test
    void twoServerErrorsThenAnAnswerIsDelivered() throws IOException {
        statuses.addAll(List.of(500, 503, 200));
        ObjectNode create = CfnRequests.HOOK.json("Create", STACK, null, Map.of(), url());

        Run run = run(create, 60);

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(3, bodies.size(), "500, 503, then 200");
        assertEquals(bodies.get(0), bodies.get(2), "each PUT carries the whole answer");
        JsonNode answer = TestProject.json(bodies.get(2));
        assertEquals("SUCCESS", answer.path("Status").asText(), answer.toString());
        assertEquals(create.get("RequestId").asText(), answer.path("RequestId").asText());
        assertEquals("", contentTypes.get(0), "sent with an empty Content-Type, as cfn-response sends it");
        assertEquals("SUCCESS", run.document().path("Status").asText(), run.document().toString());
        assertNoUrl(run);
    }

    @Test
    void aUrlThatKeepsFailingIsReportedUndeliveredByRequestId() throws IOException {
        statuses.add(500);
        ObjectNode create = CfnRequests.HOOK.json("Create", STACK, null, Map.of("Foo", "bar"), url());

        Run run = run(create, 1);

        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals("AnswerNotDelivered", run.document().path("error").asText(), run.document().toString());
        String requestId = create.get("RequestId").asText();
        assertTrue(run.document().path("cause").asText().contains(requestId), run.document().toString());
        assertTrue(run.stderr().contains("ERROR") && run.stderr().contains(requestId), run.stderr());
        assertTrue(bodies.size() > 2, "retried until the deadline: " + bodies.size());
        assertNoUrl(run);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReportedUndelivered() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ObjectNode create = CfnRequests.HOOK.json("Create", STACK, null, Map.of("Foo", "bar"),
                "http://127.0.0.1:" + closedPort + "/answer?" + SIGNATURE);

        Run run = run(create, 1);

        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals("AnswerNotDelivered", run.document().path("error").asText());
        String cause = run.document().path("cause").asText();
        assertTrue(cause.contains("ConnectException") && !cause.contains("after 1 PUT"), cause);
        assertNoUrl(run);
    }

    @Test
    void aClientErrorIsNotRetried() throws IOException {
        statuses.add(403);
        ObjectNode create = CfnRequests.HOOK.json("Create", STACK, null, Map.of("Foo", "bar"), url());

        Run run = run(create, 1);

        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals("AnswerNotDelivered", run.document().path("error").asText());
        assertTrue(run.document().path("cause").asText().contains("HTTP 403"), run.document().toString());
        assertEquals(1, bodies.size(), "one PUT: the URL refuses this very request");
        assertNoUrl(run);
    }
}
