package dev.vpcepilot.testkit.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.ProxyResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.FatalStartupException;
import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.http.Fault;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fault-injecting HTTP proxy on loopback, between AWS SDK clients (pointed at {@link #endpoint()} with
 * {@code endpointOverride}) and an emulator such as {@code moto_server}: a WireMock server whose lowest-priority stub
 * proxies every request to the emulator unchanged (the {@code Host} header too, which SigV4 signs), with stubs in
 * front of it for the faults of the {@link FaultRule}s: the service's throttling error, HTTP 500, the connection
 * closed without an answer ({@code Fault.EMPTY_RESPONSE}), an endpoint EC2 does not know yet, a call a policy refuses.
 *
 * <p>Which calls a fault fires on is decided when the request arrives ({@link CallFilter}), which also counts every
 * call per action ({@link AwsCall}), in total and the mutating ones, including the calls answered with a fault (so an
 * SDK retry is a second call), and the faults injected. The emulator's {@code /moto-api/} is counted but never
 * faulted. {@code GET /__faults/counts} answers the counts as JSON and {@code POST /__faults/reset} resets them;
 * neither is forwarded nor counted.
 *
 * <p>Beside the faults, a test can show endpoints in states moto never shows ({@link #reportEndpointsAs}), refuse
 * DynamoDB's ListTables as a policy would ({@link #refuseListTables}) and hold the calls of an action until it opens
 * a {@link Gate} ({@link #hold}).
 *
 * <p>Rules can be added and removed while requests are in flight. Each request is served on a thread of its own (at
 * most {@value #MAX_CONNECTIONS} at once), and each forwarded request uses a connection of its own.
 */
public final class FaultProxy implements AutoCloseable {

    public static final String CONTROL_PREFIX = "/__faults/";
    static final String COUNTS_PATH = CONTROL_PREFIX + "counts";
    static final String RESET_PATH = CONTROL_PREFIX + "reset";
    static final int MAX_CONNECTIONS = 256;
    private static final int UPSTREAM_TIMEOUT_MS = 120_000;
    /** Longer than any hold ({@link FaultRule#MAX_LATENCY_MILLIS}): a held request keeps its connection. */
    private static final long CLIENT_IDLE_TIMEOUT_MS = FaultRule.MAX_LATENCY_MILLIS + 60_000;
    private static final int CONTROL_PRIORITY = 1;
    private static final int FAULT_PRIORITY = 4;
    private static final int PROXY_PRIORITY = 10;
    /**
     * Request headers of this hop that the proxy stub does not send on (WireMock itself drops Connection, Upgrade,
     * Transfer-Encoding and Content-Length, and writes its own): the server has already answered an
     * {@code Expect: 100-continue}.
     */
    private static final List<String> HOP_BY_HOP = List.of("Expect", "Keep-Alive", "Proxy-Connection", "TE",
            "Trailer");

    private final URI target;
    private final WireMockServer server;
    private final URI endpoint;
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final CallCounts counts = new CallCounts();
    private final Decisions decisions = new Decisions();
    private final EndpointStates states = new EndpointStates();
    private final List<Gate> gates = new CopyOnWriteArrayList<>();
    private FaultRule listTablesRefusal;

    private FaultProxy(URI target, int port) throws IOException {
        this.target = validateTarget(target);
        Options options = wireMockConfig()
                .bindAddress("127.0.0.1")
                .port(port)
                .preserveHostHeader(true)
                .preserveUserAgentProxyHeader(true)
                .containerThreads(MAX_CONNECTIONS)
                .jettyAcceptors(1)
                .jettyIdleTimeout(CLIENT_IDLE_TIMEOUT_MS)
                .proxyTimeout(UPSTREAM_TIMEOUT_MS)
                .gzipDisabled(true)
                .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)
                .disableRequestJournal()
                .stubRequestLoggingDisabled(true)
                .templatingEnabled(false)
                .extensionScanningEnabled(false)
                .extensions(new CallFilter(rules, counts, decisions), new FaultAnswer(decisions),
                        new UpstreamAnswer(this.target, rules, decisions, states), new ControlAnswer(this));
        this.server = new WireMockServer(options);
        try {
            server.start();
        } catch (FatalStartupException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        this.endpoint = URI.create("http://127.0.0.1:" + server.port());
        stubs();
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
        return new FaultProxy(target, port);
    }

    /**
     * The stubs, highest priority first: the control endpoints, one fault stub per kind (for the calls
     * {@link CallFilter} marked with it), and the proxy to the emulator for everything else.
     */
    private void stubs() {
        server.stubFor(get(urlPathEqualTo(COUNTS_PATH)).atPriority(CONTROL_PRIORITY)
                .willReturn(aResponse().withTransformers(ControlAnswer.NAME)));
        server.stubFor(post(urlPathEqualTo(RESET_PATH)).atPriority(CONTROL_PRIORITY)
                .willReturn(aResponse().withTransformers(ControlAnswer.NAME)));
        server.stubFor(any(urlPathEqualTo(COUNTS_PATH)).atPriority(CONTROL_PRIORITY + 1)
                .willReturn(methodNotAllowed("GET")));
        server.stubFor(any(urlPathEqualTo(RESET_PATH)).atPriority(CONTROL_PRIORITY + 1)
                .willReturn(methodNotAllowed("POST")));
        server.stubFor(any(urlPathMatching("/__faults(/.*)?")).atPriority(CONTROL_PRIORITY + 2)
                .willReturn(plain(404, "fault proxy: unknown control path (GET " + COUNTS_PATH + ", POST " + RESET_PATH
                        + ")")));
        for (FaultKind kind : List.of(FaultKind.THROTTLE, FaultKind.ERROR, FaultKind.NOT_FOUND,
                FaultKind.ACCESS_DENIED, FaultKind.DROP)) {
            ResponseDefinitionBuilder answer = aResponse().withTransformers(FaultAnswer.NAME);
            server.stubFor(any(anyUrl()).withHeader(CallFilter.FAULT_HEADER, equalTo(kind.jsonName()))
                    .atPriority(FAULT_PRIORITY)
                    .willReturn(kind == FaultKind.DROP ? answer.withFault(Fault.EMPTY_RESPONSE) : answer));
        }
        ProxyResponseDefinitionBuilder proxy = aResponse().withTransformers(UpstreamAnswer.NAME)
                .proxiedFrom(proxyBase());
        HOP_BY_HOP.forEach(proxy::withRemoveRequestHeader);
        server.stubFor(any(anyUrl()).atPriority(PROXY_PRIORITY).willReturn(proxy));
    }

    private String proxyBase() {
        String base = target.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static ResponseDefinitionBuilder methodNotAllowed(String allowed) {
        return plain(405, "fault proxy: use " + allowed).withHeader("Allow", allowed);
    }

    private static ResponseDefinitionBuilder plain(int status, String text) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/plain; charset=utf-8")
                .withBody(text + "\n");
    }

    /** Whether a request path is one of the proxy's own control paths (never forwarded, never counted). */
    static boolean isControl(String path) {
        return path.startsWith(CONTROL_PREFIX) || path.equals(CONTROL_PREFIX.substring(0, CONTROL_PREFIX.length() - 1));
    }

    /** The URL to give SDK clients as their endpoint override: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    public URI target() {
        return target;
    }

    public int port() {
        return server.port();
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

    // ---- what moto cannot be made to do ----

    /** The next DescribeVpcEndpoints answers show available endpoints in these states, one answer each. */
    public void reportEndpointsAs(String... states) {
        this.states.report(List.of(states));
    }

    /** The next {@code answers} DescribeVpcEndpoints answers show available endpoints in {@code state}. */
    public void reportEndpointsAs(String state, int answers) {
        states.report(Collections.nCopies(answers, state));
    }

    /** How many DescribeVpcEndpoints answers showed a queued state so far. */
    public int rewritten() {
        return states.rewritten();
    }

    /**
     * From now on, DynamoDB ListTables answers AccessDeniedException (HTTP 400), as an endpoint policy or IAM would
     * ({@link FaultRule#accessDenied()}); with false, it works again.
     */
    public synchronized void refuseListTables(boolean refuse) {
        if (refuse && listTablesRefusal == null) {
            listTablesRefusal = FaultRule.accessDenied().only("dynamodb:ListTables");
            addRule(listTablesRefusal);
        } else if (!refuse && listTablesRefusal != null) {
            removeRule(listTablesRefusal);
            listTablesRefusal = null;
        }
    }

    /** From now on, calls of {@code action} (as {@link AwsCall} names it) wait here until the gate opens. */
    public Gate hold(String action) {
        Gate gate = new Gate(action);
        gates.add(gate);
        addRule(gate.rule());
        return gate;
    }

    /** Forwards everything unchanged from now on: every gate opens, every rule and queued state is dropped. */
    public synchronized void clear() {
        gates.forEach(Gate::open);
        gates.clear();
        states.clear();
        listTablesRefusal = null;
        clearRules();
    }

    // ---- counts ----

    /** Calls per action so far, sorted by action. */
    public Map<String, Integer> counts() {
        return counts.perAction();
    }

    /** Calls of one action so far (0 if none). */
    public int count(String action) {
        return counts.of(action);
    }

    /** Calls of mutating actions so far ({@link AwsCall#isMutating(String)}). */
    public int mutatingCount() {
        return counts.mutating();
    }

    /** All calls so far (control requests under {@value #CONTROL_PREFIX} excluded). */
    public int total() {
        return counts.total();
    }

    /** Faults injected so far, per kind (every kind present). */
    public Map<FaultKind, Integer> faultsInjected() {
        return counts.faults();
    }

    public int faultsInjected(FaultKind kind) {
        return counts.faults(kind);
    }

    /** Forgets every count and injected fault, and restarts every rule's counters. Rules are kept. */
    public void reset() {
        counts.reset();
        rules.forEach(FaultRule::reset);
    }

    /**
     * The counts as served on {@code GET /__faults/counts}:
     * {@code {"counts":{action:n,...},"total":n,"mutating":n,"faults":{"throttle":n,"error":n,"drop":n,"latency":n,
     * "not_found":n,"access_denied":n}}} ({@code not_found} counts calls, however many ids each hid).
     */
    public String countsJson() {
        return counts.json();
    }

    // ---- lifecycle ----

    /** Stops listening and closes every open connection; calls still held are not forwarded. */
    @Override
    public void close() {
        server.stop();
        decisions.clear();
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
}
