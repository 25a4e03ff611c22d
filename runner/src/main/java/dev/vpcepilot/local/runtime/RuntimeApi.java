package dev.vpcepilot.local.runtime;

import com.sun.net.httpserver.HttpExchange;
import dev.vpcepilot.local.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API of one execution environment (version 2018-06-01, as documented in "Using the Lambda
 * runtime API for custom runtimes", https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), served on
 * loopback for the runtime interface client running in that environment's JVM:
 * <ul>
 *   <li>{@code GET /runtime/invocation/next}: waits for an event, answers it with the headers Lambda sends
 *       ({@code Lambda-Runtime-Aws-Request-Id}, {@code -Deadline-Ms}, {@code -Invoked-Function-Arn},
 *       {@code -Trace-Id}) and {@code Content-Type: application/json}, which Lambda always sends and the client's
 *       native code reads without checking (it crashes the JVM when the header is absent);</li>
 *   <li>{@code POST /runtime/invocation/{id}/response} and {@code .../error}: the invocation's result, 202;</li>
 *   <li>{@code POST /runtime/init/error}: the environment failed to initialise, 202;</li>
 *   <li>{@code GET /runtime/restore/next} and {@code POST /runtime/restore/error}: SnapStart's restore. The client
 *       calls them when {@code AWS_LAMBDA_INITIALIZATION_TYPE} is {@code snap-start}, after running the
 *       {@code beforeCheckpoint} hooks; the environment counts as restored at once (no snapshot is taken).</li>
 * </ul>
 * One event at a time, as Lambda hands them to one environment.
 */
final class RuntimeApi implements AutoCloseable {

    static final String VERSION = "/2018-06-01";
    private static final Pattern INVOCATION_RESULT =
            Pattern.compile(VERSION + "/runtime/invocation/([^/]+)/(response|error)");

    /** One event, handed out by {@code next}, completed by {@code response} or {@code error}. */
    record Invocation(String requestId, byte[] payload, String invokedFunctionArn, Duration timeout,
                      CompletableFuture<InvocationResult> result) {
    }

    /** What the runtime posted to init/error or restore/error. */
    record InitFailure(String document, String category, String path) {
    }

    private final LoopbackServer server;
    private final BlockingQueue<Invocation> events = new LinkedBlockingQueue<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final CompletableFuture<Instant> ready = new CompletableFuture<>();
    private final CompletableFuture<InitFailure> initFailure = new CompletableFuture<>();
    private final Clock clock;
    private volatile Instant restoreRequested;

    private record Running(Invocation invocation, Instant handedOut) {
    }

    private RuntimeApi(LoopbackServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
    }

    static RuntimeApi start(Clock clock) {
        LoopbackServer server = LoopbackServer.bind("the Lambda Runtime API", 16);
        RuntimeApi api = new RuntimeApi(server, clock);
        server.serve(api::handle);
        return api;
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return server.address();
    }

    /** Completes when the runtime first asks for an event: its initialisation is over. */
    CompletableFuture<Instant> ready() {
        return ready;
    }

    /** Completes when the runtime reports that it could not initialise (or restore). */
    CompletableFuture<InitFailure> initFailure() {
        return initFailure;
    }

    /** When the runtime asked for its restore (SnapStart: the {@code beforeCheckpoint} hooks had run), if it did. */
    Optional<Instant> restoreRequested() {
        return Optional.ofNullable(restoreRequested);
    }

    /** Queues one event; the future completes with the runtime's answer. */
    Invocation submit(byte[] payload, String invokedFunctionArn, Duration timeout) {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), payload, invokedFunctionArn, timeout,
                new CompletableFuture<>());
        events.add(invocation);
        return invocation;
    }

    /** Ends every event not answered yet with {@code result} (the environment is gone). */
    void failAll(InvocationResult result) {
        for (Invocation queued; (queued = events.poll()) != null; ) {
            queued.result().complete(result);
        }
        running.values().forEach(r -> r.invocation().result().complete(result));
        running.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(method) && path.equals(VERSION + "/runtime/invocation/next")) {
                next(exchange);
                return;
            }
            Matcher result = INVOCATION_RESULT.matcher(path);
            if ("POST".equals(method) && result.matches()) {
                invocationResult(exchange, result.group(1), result.group(2).equals("error"));
                return;
            }
            if ("POST".equals(method) && (path.equals(VERSION + "/runtime/init/error")
                    || path.equals(VERSION + "/runtime/restore/error"))) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                initFailure.complete(new InitFailure(new String(body, StandardCharsets.UTF_8),
                        exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"), path));
                respond(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            if ("GET".equals(method) && path.equals(VERSION + "/runtime/restore/next")) {
                restoreRequested = clock.instant();
                respond(exchange, 200, "");
                return;
            }
            respond(exchange, 404, "{\"errorMessage\":\"No such Runtime API resource: " + method + " " + path
                    + "\",\"errorType\":\"InvalidRequest\"}");
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        ready.complete(clock.instant());
        Invocation invocation;
        try {
            invocation = events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // shutting down: the connection closes without an event
        }
        Instant now = clock.instant();
        running.put(invocation.requestId(), new Running(invocation, now));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        exchange.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms",
                Long.toString(now.plus(invocation.timeout()).toEpochMilli()));
        exchange.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn", invocation.invokedFunctionArn());
        exchange.getResponseHeaders().set("Lambda-Runtime-Trace-Id", traceHeader(now));
        exchange.sendResponseHeaders(200, invocation.payload().length == 0 ? -1 : invocation.payload().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(invocation.payload());
        }
    }

    private void invocationResult(HttpExchange exchange, String requestId, boolean error) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Running answered = running.remove(requestId);
        if (answered == null) {
            respond(exchange, 400, "{\"errorMessage\":\"Unknown or already answered request id " + requestId
                    + "\",\"errorType\":\"InvalidRequestID\"}");
            return;
        }
        Duration took = Duration.between(answered.handedOut(), clock.instant());
        answered.invocation().result().complete(error
                ? InvocationResult.error(new String(body, StandardCharsets.UTF_8),
                        exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"), took, false)
                : InvocationResult.success(body, took, false));
        respond(exchange, 202, "{\"status\":\"OK\"}");
    }

    /** An X-Ray trace header as Lambda passes it (the functions are traced: {@code Tracing: Active}). */
    private static String traceHeader(Instant now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] id = new byte[12];
        byte[] parent = new byte[8];
        random.nextBytes(id);
        random.nextBytes(parent);
        return "Root=1-" + Long.toHexString(now.getEpochSecond()) + "-" + HexFormat.of().formatHex(id)
                + ";Parent=" + HexFormat.of().formatHex(parent) + ";Sampled=1";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
