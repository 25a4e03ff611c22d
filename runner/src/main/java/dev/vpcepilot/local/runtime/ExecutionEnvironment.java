package dev.vpcepilot.local.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.template.LocalFunction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One Lambda execution environment of a function: a JVM started as the java21 managed runtime starts it, running
 * the runtime interface client ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda <handler>}) in
 * the function's code directory with the environment Lambda sets ({@link LambdaEnvironment}), and the Runtime API
 * it talks to ({@link RuntimeApi}). One invocation at a time; warm between invocations. An environment that timed
 * out, crashed or failed to initialise is not used again (Lambda replaces it).
 *
 * <p>The command line is the managed runtime's (as recorded from a java17 function in "the Lambda iceberg",
 * sigpwned/the-lambda-iceberg-dissecting-the-official-java-runtimes): a maximum heap of 85 % of the function's
 * memory, serial GC, C1 only, class data sharing, {@code --add-opens=java.base/java.io=ALL-UNNAMED},
 * {@code -Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac} (org.crac delegates to the client's CRaC, so
 * SnapStart's hooks run), {@code -XX:+ErrorFileToStderr}, the native client named by property, and the runtime's
 * jars alone on the class path: the function's own classes come from {@code LAMBDA_TASK_ROOT} (the working
 * directory) and its {@code lib/*.jar}, through the client's class loader. The JVM is the one running this code.
 */
final class ExecutionEnvironment implements AutoCloseable {

    /** Local bound on a start (JVM, handler, SnapStart hooks): far above a healthy one, so nothing hangs. */
    static final Duration INIT_BOUND = Duration.ofSeconds(120);
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final LocalFunction function;
    private final String initializationType;
    private final Process process;
    private final RuntimeApi api;
    private final Instant started;
    private final Clock clock;
    private final List<Thread> logReaders = new ArrayList<>();
    private volatile boolean broken;
    private boolean invokedBefore;

    private ExecutionEnvironment(LocalFunction function, String initializationType, Process process, RuntimeApi api,
                                 Instant started, Clock clock) {
        this.function = function;
        this.initializationType = initializationType;
        this.process = process;
        this.api = api;
        this.started = started;
        this.clock = clock;
    }

    /**
     * Starts the JVM; it initialises in the background (the first {@link #invoke} waits for it).
     *
     * @param extraVariables endpoints and credentials (see {@link LambdaEnvironment#of})
     * @param log            receives every line the environment writes (stdout and stderr), prefixed with
     *                       {@code [FunctionName] }
     */
    static ExecutionEnvironment start(FunctionConfiguration configuration, String region, Path taskRoot,
                                      LambdaJavaRuntime runtime, Map<String, String> endpoints,
                                      Map<String, String> credentials, Consumer<String> log) {
        Clock clock = Clock.systemUTC();
        RuntimeApi api = RuntimeApi.start(clock);
        ProcessBuilder builder = new ProcessBuilder(command(configuration, runtime)).directory(taskRoot.toFile());
        builder.environment().clear();
        builder.environment().putAll(LambdaEnvironment.of(configuration, region, api.address(), taskRoot,
                runtime.directory(), endpoints, credentials));
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            api.close();
            throw new UncheckedIOException("Cannot start the Lambda runtime for " + configuration.function()
                    .functionName(), e);
        }
        ExecutionEnvironment environment = new ExecutionEnvironment(configuration.function(),
                configuration.initializationType(), process, api, clock.instant(), clock);
        String prefix = "[" + configuration.function().functionName() + "] ";
        environment.logReaders.add(pump(process.getInputStream(), prefix, log));
        environment.logReaders.add(pump(process.getErrorStream(), prefix, log));
        process.onExit().thenRun(() -> {
            environment.broken = true;
            api.failAll(exited(environment));
        });
        return environment;
    }

    static List<String> command(FunctionConfiguration configuration, LambdaJavaRuntime runtime) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:MaxHeapSize=" + (long) Math.floor(configuration.function().memorySizeMb() * 1024L * 0.85) + "k");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        command.add("-XX:+TieredCompilation");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        command.add("-XX:+ErrorFileToStderr");
        command.add("-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI="
                + runtime.nativeLibrary());
        if (Runtime.version().feature() >= 24) {
            // JDK 24+ warns on every System.load without it (JEP 472); Java 21, Lambda's, does not
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.add("-classpath");
        command.add(String.join(java.io.File.pathSeparator, runtime.classPath().stream().map(Path::toString).toList()));
        command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
        command.add(configuration.handler());
        return command;
    }

    LocalFunction function() {
        return function;
    }

    /** Usable for another invocation: alive and never timed out or failed to initialise. */
    boolean usable() {
        return !broken && process.isAlive();
    }

    /** The start's figures, once the runtime asked for its first event. */
    Optional<EnvironmentStart> startFigures() {
        if (!api.ready().isDone() || api.ready().isCompletedExceptionally()) {
            return Optional.empty();
        }
        Instant ready = api.ready().join();
        Duration beforeCheckpoint = api.restoreRequested().map(r -> Duration.between(started, r)).orElse(null);
        return Optional.of(new EnvironmentStart(function.functionName(), initializationType, beforeCheckpoint,
                Duration.between(started, ready)));
    }

    /** One invocation: waits for the start if need be, then at most the function's timeout for the answer. */
    synchronized InvocationResult invoke(byte[] payload, String invokedFunctionArn) {
        boolean cold = !invokedBefore;
        invokedBefore = true;
        Duration timeout = Duration.ofSeconds(function.timeoutSeconds());
        CompletableFuture<Object> initialised = CompletableFuture.anyOf(api.ready(), api.initFailure(),
                process.onExit());
        try {
            Object first = initialised.get(INIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            if (first instanceof RuntimeApi.InitFailure failure) {
                broken = true;
                destroy();
                return InvocationResult.error(failure.document(), failure.category() == null
                        ? "Runtime.Unknown" : failure.category(), Duration.ZERO, cold);
            }
            if (first instanceof Process) {
                return exited(this).withColdStart(cold);
            }
        } catch (TimeoutException e) {
            broken = true;
            destroy();
            return InvocationResult.error(errorDocument("Runtime.InitTimeout", "The runtime did not finish "
                    + "initialising within the local bound of " + INIT_BOUND.toSeconds() + " s"), "Runtime.InitTimeout",
                    INIT_BOUND, cold);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + function.functionName() + " initialised", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        RuntimeApi.Invocation invocation = api.submit(payload, invokedFunctionArn, timeout);
        try {
            return invocation.result().get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS).withColdStart(cold);
        } catch (TimeoutException e) {
            // Lambda ends a timed-out invocation by resetting the environment, and reports Sandbox.Timedout
            broken = true;
            destroy();
            return InvocationResult.error(errorDocument("Sandbox.Timedout", "RequestId: " + invocation.requestId()
                            + " Error: Task timed out after " + String.format(Locale.ROOT, "%.2f",
                            (double) timeout.toMillis() / 1000) + " seconds"), "Sandbox.Timedout", timeout, cold);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + function.functionName() + " ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** What Lambda reports when the runtime process ended during an invocation. */
    private static InvocationResult exited(ExecutionEnvironment environment) {
        String status = environment.process.isAlive() ? "unknown" : Integer.toString(environment.process.exitValue());
        return InvocationResult.error(errorDocument("Runtime.ExitError",
                "Error: Runtime exited with error: exit status " + status),
                "Runtime.ExitError", Duration.between(environment.started, environment.clock.instant()), false);
    }

    private static String errorDocument(String type, String message) {
        return JsonText.compact(JsonNodeFactory.instance.objectNode().put("errorType", type)
                .put("errorMessage", message));
    }

    /**
     * Relays a process's output, on a platform thread: a read of a pipe blocks its carrier when it runs on a virtual
     * thread, and with a few warm environments those reads held every carrier of the virtual-thread scheduler, so
     * every other virtual thread of the JVM (the fault proxy's connections, the Runtime API's requests) stopped.
     */
    private static Thread pump(InputStream stream, String prefix, Consumer<String> log) {
        return Thread.ofPlatform().daemon().name("lambda-log").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    log.accept(prefix + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    private void destroy() {
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        broken = true;
        destroy();
        api.close();
        for (Thread reader : logReaders) {
            try {
                reader.join(GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
