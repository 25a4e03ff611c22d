package dev.vpcepilot.local.moto;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The AWS emulator {@code moto_server} on a free loopback port, for as long as this object is open: started and
 * waited for in {@link #start()}, stopped (with any child processes) by {@link #close()} or, if the JVM ends
 * first, by a shutdown hook. Its log goes to a temporary file, never to this process's stdout.
 *
 * <p>When the {@code python3} on the PATH can import moto (it can wherever {@code pip install "moto[server]"}
 * went into it), the server runs through {@code aws_faithful_moto_server.py}: moto with gateway VPC endpoints
 * that refuse a route table already routing the service ({@code RouteAlreadyExists}), delete only their own
 * routes, and add or remove routes on ModifyVpcEndpoint; with DynamoDB's interface endpoints (AWS PrivateLink)
 * offered and shaped as EC2's (network interfaces, DNS names, security groups, one subnet per zone); with
 * CreateVpcEndpoint's {@code ClientToken} honoured; and with DynamoDB's conditional writes atomic, as AWS does. Otherwise plain {@code moto_server}
 * ({@link #awsFaithful()} tells which).
 *
 * <p>{@link #start(Map, Map)} sets variables in the emulator's environment, such as {@value #DELETING_SECONDS}
 * (endpoints stay {@code deleting}, routes in place, that many seconds after DeleteVpcEndpoints). The patch's own
 * variables ({@value #PATCH_VARIABLE_PREFIX}...) need the patch: without a {@code python3} that imports moto they
 * are refused rather than silently ignored.
 */
public final class MotoServer implements AutoCloseable {

    public static final String EXECUTABLE = "moto_server";
    public static final String NOT_FOUND = "moto_server not found: install it with pip install \"moto[server]\"";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** Werkzeug's line once it listens: the port the kernel gave to {@code -p 0}. */
    private static final java.util.regex.Pattern RUNNING_ON =
            java.util.regex.Pattern.compile("Running on http://127\\.0\\.0\\.1:(\\d+)");
    /** The prefix of the environment variables that only {@code aws_faithful_moto_server.py} reads. */
    public static final String PATCH_VARIABLE_PREFIX = "VPCE_PILOT_MOTO_";
    /**
     * Seconds (0 to 3600, fractions allowed) an endpoint stays {@code deleting}, its routes in place, after
     * DeleteVpcEndpoints before it is {@code deleted} and its routes go; unset or 0: deleted at once.
     */
    public static final String DELETING_SECONDS = PATCH_VARIABLE_PREFIX + "DELETING_SECONDS";
    /**
     * Milliseconds (0 to 1000) every DynamoDB item read inside the emulator sleeps: widens moto's read-check-write
     * window so that a test shows the patch's atomic conditional writes close it.
     */
    public static final String DYNAMODB_READ_DELAY_MS = PATCH_VARIABLE_PREFIX + "DYNAMODB_READ_DELAY_MS";

    private final Process process;
    private final URI endpoint;
    private final Path logFile;
    private final Thread shutdownHook;
    private final HttpClient http;
    private final boolean awsFaithful;
    private boolean closed;

    private MotoServer(Process process, URI endpoint, Path logFile, HttpClient http, boolean awsFaithful) {
        this.process = process;
        this.endpoint = endpoint;
        this.logFile = logFile;
        this.http = http;
        this.awsFaithful = awsFaithful;
        this.shutdownHook = new Thread(this::stopProcess, "moto-server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code moto_server} found on the PATH. */
    public static MotoServer start() {
        return start(System.getenv());
    }

    /** Starts {@code moto_server} found on the PATH of {@code environment}; waits until it answers HTTP. */
    public static MotoServer start(Map<String, String> environment) {
        return start(environment, Map.of());
    }

    /**
     * Starts {@code moto_server} found on the PATH of {@code environment}, with {@code serverEnvironment} added to
     * the environment it inherits from this JVM; waits until it answers HTTP.
     *
     * @throws MotoServerException when it cannot start, or when {@code serverEnvironment} sets a variable of the
     *                             patch ({@value #PATCH_VARIABLE_PREFIX}...) and no {@code python3} runs the patch
     */
    public static MotoServer start(Map<String, String> environment, Map<String, String> serverEnvironment) {
        Path executable = findExecutable(environment.getOrDefault("PATH", ""))
                .orElseThrow(() -> new MotoServerException(NOT_FOUND));
        Optional<List<String>> faithful = AwsFaithfulMoto.launcher(environment);
        List<String> patchVariables = serverEnvironment.keySet().stream()
                .filter(name -> name.startsWith(PATCH_VARIABLE_PREFIX)).sorted().toList();
        if (faithful.isEmpty() && !patchVariables.isEmpty()) {
            throw new MotoServerException(String.join(", ", patchVariables) + " need "
                    + AwsFaithfulMoto.SCRIPT + ", and no python3 on the PATH imports moto: install it there with "
                    + "pip install \"moto[server]\"");
        }
        List<String> launcher = faithful.orElse(List.of(executable.toString()));
        return startOnce(launcher, faithful.isPresent(), serverEnvironment);
    }

    /** The executable {@value #EXECUTABLE} in one of the directories of {@code path}. */
    public static Optional<Path> findExecutable(String path) {
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, EXECUTABLE);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint URL for every AWS client. */
    public URI endpoint() {
        return endpoint;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Whether the emulator runs through {@code aws_faithful_moto_server.py} (else it is plain moto_server). */
    public boolean awsFaithful() {
        return awsFaithful;
    }

    /** Forgets every resource the emulator holds ({@code POST /moto-api/reset}). */
    public void reset() {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new MotoServerException("moto_server reset answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new MotoServerException("moto_server reset failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MotoServerException("interrupted while resetting moto_server");
        }
    }

    /** Stops the emulator and its children and deletes its log. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook itself
        }
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the moto_server log " + logFile, e);
        }
    }

    private void stopProcess() {
        stop(process);
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Starts the emulator on port 0, so that the kernel gives it a free port in the same bind (no window between
     * choosing a port and binding it, in which another process or test could take it and answer the readiness
     * probe in the emulator's place: that is how a test once talked for 20 minutes to a server that was not
     * moto), and reads the port from the server's own "Running on" line.
     */
    private static MotoServer startOnce(List<String> launcher, boolean awsFaithful,
                                        Map<String, String> serverEnvironment) {
        Path logFile;
        try {
            logFile = Files.createTempFile("moto-server-", ".log");
        } catch (IOException e) {
            throw new MotoServerException("Cannot create a log file for moto_server: " + e.getMessage());
        }
        Process process;
        List<String> command = new java.util.ArrayList<>(launcher);
        command.addAll(List.of("-H", "127.0.0.1", "-p", "0"));
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // moto maps the credentials of an assumed role to the role's account (so accounts are isolated
            // worlds, as the fleet needs) unless MOTO_ACCOUNT_ID is set, which silently turns that off.
            builder.environment().remove("MOTO_ACCOUNT_ID");
            builder.environment().putAll(serverEnvironment);
            process = builder.start();
        } catch (IOException e) {
            throw new MotoServerException("Cannot start " + String.join(" ", launcher) + ": " + e.getMessage());
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        int port;
        try {
            port = awaitPort(process, logFile, deadline);
        } catch (RuntimeException e) {
            stop(process);
            String log = tail(logFile);
            try {
                Files.deleteIfExists(logFile);
            } catch (IOException ignored) {
                // the failure below is the news
            }
            throw new MotoServerException(e.getMessage() + (log.isEmpty() ? "" : "\n" + log));
        }
        MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), logFile, http,
                awsFaithful);
        try {
            server.awaitReady(deadline);
            return server;
        } catch (RuntimeException e) {
            String log = server.logTail();
            server.close();
            throw e instanceof MotoServerException ? new MotoServerException(e.getMessage() + "\n" + log) : e;
        }
    }

    /** The port in the server's "Running on http://127.0.0.1:PORT" line, once it has bound it. */
    private static int awaitPort(Process process, Path logFile, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            java.util.regex.Matcher running = RUNNING_ON.matcher(tail(logFile));
            if (running.find()) {
                return Integer.parseInt(running.group(1));
            }
            if (!process.isAlive()) {
                throw new MotoServerException("moto_server exited with code " + process.exitValue()
                        + " before listening");
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MotoServerException("interrupted while waiting for moto_server");
            }
        }
        throw new MotoServerException("moto_server did not listen within " + STARTUP_TIMEOUT.toSeconds() + " s");
    }

    private void awaitReady(Instant deadline) {
        HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new MotoServerException("moto_server exited with code " + process.exitValue()
                        + " before answering on " + endpoint);
            }
            try {
                HttpResponse<Void> response = http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // starting up: the connection was accepted and dropped
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MotoServerException("interrupted while waiting for moto_server");
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MotoServerException("interrupted while waiting for moto_server");
            }
        }
        throw new MotoServerException("moto_server did not answer on " + endpoint + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s");
    }

    private String logTail() {
        return tail(logFile);
    }

    private static String tail(Path logFile) {
        try {
            String log = Files.readString(logFile, StandardCharsets.UTF_8);
            return log.length() <= 2000 ? log : log.substring(log.length() - 2000);
        } catch (IOException e) {
            return "";
        }
    }

    /** The emulator cannot be found or started. */
    public static class MotoServerException extends RuntimeException {
        public MotoServerException(String message) {
            super(message);
        }
    }
}
