package dev.vpcepilot.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vpcepilot.testkit.faults.AwsCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on loopback in front of moto_server, for what moto_server cannot be made to do:
 * <ul>
 *   <li>endpoints that are not available yet: moto creates every endpoint {@code available} at once, so the state
 *       machine's wait loop (IsEndpointAvailable, WaitForEndpoint, GetEndpointStatus) never runs against it. Each
 *       EC2 {@code DescribeVpcEndpoints} answer that shows an {@code available} endpoint shows it in the next state
 *       queued by {@link #reportEndpointsAs} instead, until the queue is empty; while states are queued, a
 *       {@code CreateVpcEndpoint} answer shows the new endpoint {@code pending}, as EC2's does;</li>
 *   <li>a DynamoDB that refuses {@code ListTables} ({@link #refuseListTables}), as an endpoint policy or IAM
 *       would: {@code AccessDeniedException}, HTTP 400;</li>
 *   <li>an interleaving chosen by the test ({@link #hold}): the calls of one action wait until the test opens
 *       their {@link Gate}, so that a test can let another run (another {@code ./run-local} process, with its
 *       own proxy) go first at exactly that point, without sleeping.</li>
 * </ul>
 * Everything else is relayed unchanged.
 */
public final class MotoTamperingProxy implements AutoCloseable {

    private static final Set<String> HOP_HEADERS =
            Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive");
    private static final String AVAILABLE = "<state>available</state>";

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    private final Queue<String> reportedStates = new ConcurrentLinkedQueue<>();
    private final AtomicInteger rewritten = new AtomicInteger();
    private final List<Gate> gates = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean refuseListTables;

    /**
     * Calls of one action ({@code ec2:DescribeRouteTables}, {@code dynamodb:ListTables}, as {@link AwsCall} names
     * them) held before they reach moto, until {@link #open()}. A held call waits at most {@link #MAX_HOLD}, then
     * goes on (so that a test that fails never leaves a process hanging).
     */
    public static final class Gate {
        private final String action;
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch opened = new CountDownLatch(1);

        private Gate(String action) {
            this.action = action;
        }

        /** Waits until the first call of the action is held here. */
        public void awaitArrival(Duration timeout) {
            try {
                if (!arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("no " + action + " call reached the gate within " + timeout.toSeconds()
                            + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + action, e);
            }
        }

        public boolean arrived() {
            return arrived.getCount() == 0;
        }

        /** Lets the held calls, and every later one, through. */
        public void open() {
            opened.countDown();
        }

        /**
         * Waits until every gate holds a call, then opens them all at once: a barrier across processes. The gates
         * are opened even when one never sees a call (and that is an AssertionError).
         */
        public static void openTogether(List<Gate> gates, Duration timeout) {
            try {
                for (Gate gate : gates) {
                    gate.awaitArrival(timeout);
                }
            } finally {
                gates.forEach(Gate::open);
            }
        }

        private void pass() throws InterruptedException {
            arrived.countDown();
            opened.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The longest a {@link Gate} holds a call. */
    public static final Duration MAX_HOLD = Duration.ofSeconds(60);

    private MotoTamperingProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::relay);
        server.setExecutor(executor);
        server.start();
    }

    public static MotoTamperingProxy start(URI target) {
        try {
            return new MotoTamperingProxy(target);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the proxy: " + e.getMessage(), e);
        }
    }

    /** The endpoint to give the workflow: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static boolean isAction(String requestText, String action) {
        return requestText.contains("Action=" + action + "&") || requestText.endsWith("Action=" + action);
    }

    /** The next DescribeVpcEndpoints answers show available endpoints in these states, one answer each. */
    public void reportEndpointsAs(String... states) {
        reportedStates.addAll(List.of(states));
    }

    /** The next {@code answers} DescribeVpcEndpoints answers show available endpoints in {@code state}. */
    public void reportEndpointsAs(String state, int answers) {
        reportedStates.addAll(Collections.nCopies(answers, state));
    }

    /** From now on, DynamoDB ListTables answers AccessDeniedException (or, with false, works again). */
    public void refuseListTables(boolean refuse) {
        refuseListTables = refuse;
    }

    /** From now on, calls of {@code action} (as {@link AwsCall} names it) wait here until the gate opens. */
    public Gate hold(String action) {
        Gate gate = new Gate(action);
        gates.add(gate);
        return gate;
    }

    /** Relays everything unchanged from now on. */
    public void clear() {
        reportedStates.clear();
        refuseListTables = false;
        gates.forEach(Gate::open);
        gates.clear();
    }

    /** How many answers were rewritten so far. */
    public int rewritten() {
        return rewritten.get();
    }

    private void relay(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!gates.isEmpty()) {
                Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
                String action = AwsCall.classify(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        headers, body).action();
                for (Gate gate : gates) {
                    if (gate.action.equals(action)) {
                        try {
                            gate.pass();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            exchange.sendResponseHeaders(502, -1);
                            return;
                        }
                    }
                }
            }
            if (refuseListTables
                    && "DynamoDB_20120810.ListTables".equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"))) {
                byte[] denied = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#AccessDeniedException\","
                        + "\"message\":\"User: arn:aws:sts::123456789012:assumed-role/verify is not authorized to "
                        + "perform: dynamodb:ListTables\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(400, denied.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(denied);
                }
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            byte[] answer = response.body();
            String requestText = new String(body, StandardCharsets.UTF_8);
            if (isAction(requestText, "CreateVpcEndpoint") && !reportedStates.isEmpty()) {
                // While states are queued, a created endpoint is answered "pending", as EC2 answers a create.
                answer = new String(answer, StandardCharsets.UTF_8).replace(AVAILABLE, "<state>pending</state>")
                        .getBytes(StandardCharsets.UTF_8);
            }
            if (isAction(requestText, "DescribeVpcEndpoints")) {
                String text = new String(answer, StandardCharsets.UTF_8);
                String state = text.contains(AVAILABLE) ? reportedStates.poll() : null;
                if (state != null) {
                    answer = text.replace(AVAILABLE, "<state>" + state + "</state>").getBytes(StandardCharsets.UTF_8);
                    rewritten.incrementAndGet();
                }
            }
            for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
                if (!HOP_HEADERS.contains(header.getKey().toLowerCase()) && !header.getKey().startsWith(":")) {
                    header.getValue().forEach(v -> exchange.getResponseHeaders().add(header.getKey(), v));
                }
            }
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
