package dev.vpcepilot.local.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The function role's credentials as Lambda serves them to a SnapStart function: not as
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN} (a snapshot would freeze
 * them), but from a container credentials endpoint named by {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, which
 * answers only requests carrying {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} in {@code Authorization} (Lambda
 * developer guide, "Activating and managing Lambda SnapStart", SnapStart and credentials; the SDKs' "Container
 * credential provider"). Served here on loopback, with made-up session credentials the emulator accepts; each
 * environment gets the same endpoint and token. Counts the requests it answered, so tests can see the functions
 * really fetched their credentials here.
 */
public final class ContainerCredentials implements AutoCloseable {

    private static final String PATH = "/2021-04-23/credentials";

    private final LoopbackServer server;
    private final String token;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final Clock clock;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    private ContainerCredentials(LoopbackServer server, Clock clock) {
        this.server = server;
        this.clock = clock;
        this.token = random(32);
        this.accessKeyId = "ASIA" + random(8).toUpperCase(java.util.Locale.ROOT);
        this.secretAccessKey = random(20);
        this.sessionToken = random(64);
    }

    public static ContainerCredentials start() {
        LoopbackServer server = LoopbackServer.bind("container credentials", 16);
        ContainerCredentials credentials = new ContainerCredentials(server, Clock.systemUTC());
        server.serve(credentials::handle);
        return credentials;
    }

    /** The two variables Lambda sets for a SnapStart function instead of the key variables. */
    public Map<String, String> environment() {
        return Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://" + server.address() + PATH,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
    }

    /** The credentials handed out (tests check that none of them reaches a log). */
    public Map<String, String> secrets() {
        return Map.of("AccessKeyId", accessKeyId, "SecretAccessKey", secretAccessKey, "Token", sessionToken,
                "AuthorizationToken", token);
    }

    /** Requests answered with credentials. */
    public int served() {
        return served.get();
    }

    /** Requests refused (no or a wrong authorization token). */
    public int refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) || !PATH.equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, "{\"Code\":\"NotFound\",\"Message\":\"No credentials here\"}");
                return;
            }
            if (!token.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                respond(exchange, 403, "{\"Code\":\"AccessDenied\",\"Message\":\"Authorization token missing or wrong\"}");
                return;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("AccessKeyId", accessKeyId);
            body.put("SecretAccessKey", secretAccessKey);
            body.put("Token", sessionToken);
            body.put("Expiration", clock.instant().plus(Duration.ofHours(6)).toString());
            served.incrementAndGet();
            respond(exchange, 200, JsonText.compact(body));
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    @Override
    public void close() {
        server.close();
    }
}
