package dev.vpcepilot.testkit.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting HTTP proxy on loopback, between AWS SDK clients (pointed at {@link #endpoint()} with
 * {@code endpointOverride}) and an emulator such as {@code moto_server}. Every request is forwarded unchanged
 * (method, request-target, headers including the signed {@code Host}, body; only connection-level headers and
 * the length are this hop's own) and every response is relayed unchanged, unless a {@link FaultRule} fires.
 *
 * <p>It counts every call that reaches it per action ({@link AwsCall}), in total and the mutating ones,
 * including the calls it answers with a fault (so an SDK retry is a second call), and the faults it injected.
 * The emulator's {@code /moto-api/} is counted but never faulted. {@code GET /__faults/counts} answers the
 * counts as JSON and {@code POST /__faults/reset} resets them; neither is forwarded nor counted.
 *
 * <p>{@link FaultRule#endpointNotFoundFirst(int)} plays EC2's eventual consistency: the proxy reads the endpoint
 * ids that CreateVpcEndpoint answers return and that EC2 requests name ({@link EndpointIds}), and answers the first
 * calls naming a new id as EC2 answers for an id it does not know. For a DeleteVpcEndpoints that also names ids
 * EC2 knows, the request goes upstream without the hidden ids (numbered again) and the answer lists them as
 * unsuccessful: the only case where the proxy changes what it forwards.
 *
 * <p>Each connection is served on a virtual thread; at most {@value #MAX_CONNECTIONS} at once (further clients
 * wait in the listen backlog). Upstream, each request uses its own connection. Rules can be added and removed
 * while requests are in flight.
 */
public final class FaultProxy implements AutoCloseable {

    public static final String CONTROL_PREFIX = "/__faults/";
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_REQUESTS_PER_CONNECTION = 10_000;
    static final int MAX_DISTINCT_ACTIONS = 10_000;
    static final String OVERFLOW_ACTION = "other:(more distinct actions than counted)";
    private static final int CLIENT_IDLE_TIMEOUT_MS = 60_000;
    private static final int UPSTREAM_CONNECT_TIMEOUT_MS = 5_000;
    private static final int UPSTREAM_READ_TIMEOUT_MS = 120_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI target;
    private final String targetHost;
    private final int targetPort;
    private final String targetBasePath;
    private final ServerSocket server;
    private final URI endpoint;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore connectionPermits = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger mutating = new AtomicInteger();
    private final Map<FaultKind, AtomicInteger> faults = new EnumMap<>(FaultKind.class);

    private FaultProxy(URI target, int port) throws IOException {
        this.target = validateTarget(target);
        this.targetHost = target.getHost();
        this.targetPort = target.getPort() < 0 ? 80 : target.getPort();
        String path = target.getRawPath();
        this.targetBasePath = path == null || path.equals("/") ? "" : stripTrailingSlash(path);
        for (FaultKind kind : FaultKind.values()) {
            faults.put(kind, new AtomicInteger());
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(loopback, port), 128);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        this.endpoint = URI.create("http://127.0.0.1:" + server.getLocalPort());
        this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy-" + server.getLocalPort())
                .unstarted(this::acceptLoop);
    }

    /** Starts a proxy to {@code target} (an {@code http://host:port} URL) on a free loopback port. */
    public static FaultProxy start(URI target) throws IOException {
        return start(target, 0);
    }

    /** Starts a proxy to {@code target} on loopback port {@code port} (0: a free port). */
    public static FaultProxy start(URI target, int port) throws IOException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        FaultProxy proxy = new FaultProxy(target, port);
        proxy.acceptor.start();
        return proxy;
    }

    /** The URL to give SDK clients as their endpoint override: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    public URI target() {
        return target;
    }

    public int port() {
        return server.getLocalPort();
    }

    // ---- rules ----

    /** Adds a rule (evaluated after the ones already added). Returns this proxy. */
    public FaultProxy addRule(FaultRule rule) {
        rules.add(Objects.requireNonNull(rule, "rule"));
        return this;
    }

    public boolean removeRule(FaultRule rule) {
        return rules.remove(rule);
    }

    /** Removes every rule: from now on every request is forwarded. Counts are kept. */
    public void clearRules() {
        rules.clear();
    }

    public List<FaultRule> rules() {
        return List.copyOf(rules);
    }

    // ---- counts ----

    /** Calls per action so far, sorted by action. */
    public Map<String, Integer> counts() {
        Map<String, Integer> copy = new TreeMap<>();
        counts.forEach((action, n) -> copy.put(action, n.get()));
        return Collections.unmodifiableMap(copy);
    }

    /** Calls of one action so far (0 if none). */
    public int count(String action) {
        AtomicInteger n = counts.get(action);
        return n == null ? 0 : n.get();
    }

    /** Calls of mutating actions so far ({@link AwsCall#isMutating(String)}). */
    public int mutatingCount() {
        return mutating.get();
    }

    /** All calls so far (control requests under {@value #CONTROL_PREFIX} excluded). */
    public int total() {
        return total.get();
    }

    /** Faults injected so far, per kind (every kind present). */
    public Map<FaultKind, Integer> faultsInjected() {
        Map<FaultKind, Integer> copy = new EnumMap<>(FaultKind.class);
        faults.forEach((kind, n) -> copy.put(kind, n.get()));
        return Collections.unmodifiableMap(copy);
    }

    public int faultsInjected(FaultKind kind) {
        return faults.get(kind).get();
    }

    /** Forgets every count and injected fault, and restarts every rule's counters. Rules are kept. */
    public void reset() {
        counts.clear();
        total.set(0);
        mutating.set(0);
        faults.values().forEach(n -> n.set(0));
        rules.forEach(FaultRule::reset);
    }

    /**
     * The counts as served on {@code GET /__faults/counts}:
     * {@code {"counts":{action:n,...},"total":n,"mutating":n,"faults":{"throttle":n,"error":n,"drop":n,"latency":n,
     * "not_found":n}}} ({@code not_found} counts calls, however many ids each hid).
     */
    public String countsJson() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode perAction = root.putObject("counts");
        counts().forEach(perAction::put);
        root.put("total", total());
        root.put("mutating", mutatingCount());
        ObjectNode injected = root.putObject("faults");
        faultsInjected().forEach((kind, n) -> injected.put(kind.jsonName(), n));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- lifecycle ----

    /** Stops listening and closes every open connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : openSockets) {
            closeQuietly(s);
        }
        connections.shutdownNow();
        try {
            acceptor.join(2_000);
            connections.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                connectionPermits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                connectionPermits.release();
                if (closed) {
                    return;
                }
                pause();
                continue;
            }
            openSockets.add(client);
            try {
                connections.execute(() -> {
                    try {
                        serve(client);
                    } finally {
                        openSockets.remove(client);
                        connectionPermits.release();
                    }
                });
            } catch (RuntimeException rejectedAfterClose) {
                openSockets.remove(client);
                closeQuietly(client);
                connectionPermits.release();
            }
        }
    }

    /** Serves the requests of one client connection until it closes, idles out, or a drop fault fires. */
    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(CLIENT_IDLE_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            for (int served = 0; served < MAX_REQUESTS_PER_CONNECTION && !closed; served++) {
                Http.Request request;
                try {
                    request = Http.readRequest(in, out);
                } catch (Http.ProtocolException e) {
                    Http.writeResponse(out, FaultResponses.plain(e.status(), Http.reason(e.status()),
                            "fault proxy: " + e.getMessage()), false, true, false);
                    return;
                }
                if (request == null) {
                    return;
                }
                Http.Response response = handle(request);
                if (response == null) {
                    return; // drop: close the socket without a response
                }
                boolean keepAlive = request.keepAlive() && served + 1 < MAX_REQUESTS_PER_CONNECTION && !closed;
                Http.writeResponse(out, response, request.isHead(), !keepAlive,
                        keepAlive && "HTTP/1.0".equals(request.version()));
                if (!keepAlive) {
                    return;
                }
            }
        } catch (SocketTimeoutException idle) {
            // the client kept an idle connection open too long: close it
        } catch (IOException | InterruptedException e) {
            // the client went away, or the proxy is closing
        }
    }

    /** Answers one request: a control request, an injected fault, or the upstream response. Null means drop. */
    private Http.Response handle(Http.Request request) throws InterruptedException {
        String path = request.path();
        if (path.startsWith(CONTROL_PREFIX) || path.equals(CONTROL_PREFIX.substring(0, CONTROL_PREFIX.length() - 1))) {
            return control(request.method(), path);
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Http.Header h : request.headers()) {
            headers.putIfAbsent(h.name(), h.value());
        }
        AwsCall call = AwsCall.classify(request.method(), request.originTarget(), headers, request.body());
        record(call);
        List<String> endpointIds = call.protocol() == AwsCall.Protocol.EC2_QUERY
                ? EndpointIds.namedBy(operation(call), request.query(), formBody(request)) : List.of();

        FaultRule fired = null;
        List<String> hidden = List.of();
        String deniedRole = null;
        long delay = 0;
        List<FaultRule> holds = new ArrayList<>();
        if (call.faultable()) {
            for (FaultRule rule : rules) {
                if (!rule.appliesTo(call.action(), request.body())) {
                    continue;
                }
                if (rule.kind() == FaultKind.ACCESS_DENIED) {
                    String role = rule.deniedRole(formBody(request));
                    if (role != null && fired == null) {
                        fired = rule;
                        deniedRole = role;
                    }
                    continue;
                }
                if (rule.kind() == FaultKind.NOT_FOUND) {
                    List<String> notVisible = rule.hiddenOf(endpointIds);
                    if (!notVisible.isEmpty() && fired == null) {
                        fired = rule;
                        hidden = notVisible;
                    }
                    continue;
                }
                if (!rule.advance(call.action())) {
                    continue;
                }
                if (rule.holds()) {
                    holds.add(rule);
                    faults.get(FaultKind.LATENCY).incrementAndGet();
                } else if (rule.kind() == FaultKind.LATENCY) {
                    delay = Math.min(delay + rule.latencyMillis(), FaultRule.MAX_LATENCY_MILLIS);
                    faults.get(FaultKind.LATENCY).incrementAndGet();
                } else if (fired == null) {
                    fired = rule;
                }
            }
        }
        if (delay > 0) {
            Thread.sleep(delay);
        }
        for (FaultRule hold : holds) {
            hold.hold();
        }
        if (fired != null) {
            faults.get(fired.kind()).incrementAndGet();
            switch (fired.kind()) {
                case DROP:
                    return null;
                case THROTTLE:
                    return FaultResponses.throttle(call);
                case ERROR:
                    return FaultResponses.internalError(call);
                case NOT_FOUND:
                    return notVisibleYet(request, call, endpointIds, hidden);
                case ACCESS_DENIED:
                    return FaultResponses.assumeRoleDenied(call, deniedRole);
                default:
                    throw new IllegalStateException("not a terminal fault: " + fired.kind());
            }
        }
        Http.Response response = forward(request);
        holds.forEach(FaultRule::landed);
        learnCreatedEndpoint(call, response);
        return response;
    }

    /**
     * The answer of EC2 for a call naming endpoint ids it does not know yet ({@code hidden}): NotFound, except that
     * DeleteVpcEndpoints deletes the ids it knows (the others of the call) and lists the hidden ones as unsuccessful.
     */
    private Http.Response notVisibleYet(Http.Request request, AwsCall call, List<String> named, List<String> hidden) {
        if (!call.action().equals("ec2:DeleteVpcEndpoints")) {
            return FaultResponses.endpointNotFound(hidden.get(0));
        }
        if (hidden.containsAll(named)) {
            return FaultResponses.deleteVpcEndpointsUnsuccessful(hidden);
        }
        String query = request.query();
        String target = request.path() + (query.isEmpty() ? "" : "?" + EndpointIds.formWithout(query, hidden));
        String body = formBody(request);
        byte[] newBody = body.isEmpty() ? request.body()
                : EndpointIds.formWithout(body, hidden).getBytes(StandardCharsets.UTF_8);
        Http.Request others = new Http.Request(request.method(), target, request.version(), request.headers(), newBody);
        return FaultResponses.withUnsuccessful(forward(others), hidden);
    }

    /** Tells the endpoint rules the id a CreateVpcEndpoint answer returned (whatever their scope). */
    private void learnCreatedEndpoint(AwsCall call, Http.Response response) {
        if (response.status() != 200 || !call.action().equals("ec2:CreateVpcEndpoint")) {
            return;
        }
        EndpointIds.createdBy(response.body()).ifPresent(id -> rules.stream()
                .filter(rule -> rule.kind() == FaultKind.NOT_FOUND)
                .forEach(rule -> rule.learnEndpoint(id)));
    }

    private static String operation(AwsCall call) {
        return call.action().substring(call.action().indexOf(':') + 1);
    }

    /** The body as a form, or "" when it is not one (the same test as {@link AwsCall}'s). */
    private static String formBody(Http.Request request) {
        String contentType = request.header("Content-Type");
        boolean form = contentType == null ? request.body().length > 0
                : contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        return form ? new String(request.body(), StandardCharsets.UTF_8) : "";
    }

    private void record(AwsCall call) {
        total.incrementAndGet();
        if (call.mutating()) {
            mutating.incrementAndGet();
        }
        AtomicInteger n = counts.get(call.action());
        if (n == null) {
            n = counts.size() >= MAX_DISTINCT_ACTIONS
                    ? counts.computeIfAbsent(OVERFLOW_ACTION, a -> new AtomicInteger())
                    : counts.computeIfAbsent(call.action(), a -> new AtomicInteger());
        }
        n.incrementAndGet();
    }

    private Http.Response control(String method, String path) {
        if (path.equals(CONTROL_PREFIX + "counts")) {
            if (!method.equals("GET")) {
                return methodNotAllowed("GET");
            }
            return jsonResponse(countsJson());
        }
        if (path.equals(CONTROL_PREFIX + "reset")) {
            if (!method.equals("POST")) {
                return methodNotAllowed("POST");
            }
            reset();
            return jsonResponse("{\"reset\":true}");
        }
        return FaultResponses.plain(404, "Not Found",
                "fault proxy: unknown control path " + path + " (GET " + CONTROL_PREFIX + "counts, POST "
                        + CONTROL_PREFIX + "reset)");
    }

    private static Http.Response methodNotAllowed(String allowed) {
        Http.Response plain = FaultResponses.plain(405, "Method Not Allowed", "fault proxy: use " + allowed);
        List<Http.Header> headers = new ArrayList<>(plain.headers());
        headers.add(new Http.Header("Allow", allowed));
        return new Http.Response(plain.status(), plain.reason(), headers, plain.body());
    }

    private static Http.Response jsonResponse(String json) {
        return new Http.Response(200, "OK", List.of(new Http.Header("Content-Type", "application/json")),
                (json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the request upstream on a connection of its own and returns the response as received. */
    private Http.Response forward(Http.Request request) {
        try (Socket upstream = new Socket()) {
            upstream.connect(new InetSocketAddress(targetHost, targetPort), UPSTREAM_CONNECT_TIMEOUT_MS);
            upstream.setSoTimeout(UPSTREAM_READ_TIMEOUT_MS);
            upstream.setTcpNoDelay(true);
            openSockets.add(upstream);
            try {
                OutputStream out = new BufferedOutputStream(upstream.getOutputStream());
                String origin = request.originTarget();
                String upstreamTarget = origin.equals("*") ? origin : targetBasePath + origin;
                Http.writeRequest(out, request.method(), upstreamTarget, request.headers(), request.body(),
                        targetHost + ":" + targetPort);
                return Http.readResponse(new BufferedInputStream(upstream.getInputStream()), request.isHead());
            } finally {
                openSockets.remove(upstream);
            }
        } catch (IOException e) {
            return FaultResponses.plain(502, "Bad Gateway",
                    "fault proxy: upstream " + target + " failed: " + e.getMessage());
        }
    }

    private static URI validateTarget(URI target) {
        Objects.requireNonNull(target, "target");
        if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("the target must be an http://host:port URL, got " + target);
        }
        if (target.getRawQuery() != null || target.getRawFragment() != null) {
            throw new IllegalArgumentException("the target must not have a query or fragment: " + target);
        }
        return target;
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
