package dev.vpcepilot.kit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.TestProject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tests' one way to start the real {@code ./run-local} script as a subprocess: a builder of its command line
 * and environment, a started process, and what it did (exit code, stdout, stderr, time).
 *
 * <p>The process gets the test JVM's Java as {@code JAVA_HOME}, none of the caller's {@code AWS_*} or {@code
 * VPCE_PILOT_*} variables, {@code VPCE_PILOT_TIME_SCALE=0.01} unless {@link #timeScale} says otherwise, stdin from
 * {@code /dev/null}, and no build ({@code VPCE_PILOT_SKIP_BUILD=1}): the Maven build around the tests made
 * runner/target already, and a build from inside a test would race it.
 */
public final class RunLocal {

    /** The exit code of a run whose process was stopped because it outlived its time ({@link Started#awaitOrStop}). */
    public static final int STOPPED = -1;

    private Path root = TestProject.root();
    private Path directory;
    private Path outputDirectory;
    private String what;
    private Duration timeout = Duration.ofSeconds(120);
    private final List<String> arguments = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private RunLocal() {
        environment.put("VPCE_PILOT_TIME_SCALE", "0.01");
    }

    /** {@code ./run-local} of the project under test, run in the project's root. */
    public static RunLocal script() {
        return new RunLocal();
    }

    /** The checkout whose {@code ./run-local} runs (and the working directory, unless {@link #in} says otherwise). */
    public RunLocal root(Path checkout) {
        root = checkout;
        return this;
    }

    /** The working directory of the process. */
    public RunLocal in(Path workingDirectory) {
        directory = workingDirectory;
        return this;
    }

    /** Where stdout and stderr are kept while it runs (default: the system's temporary directory). */
    public RunLocal outputIn(Path outputs) {
        outputDirectory = outputs;
        return this;
    }

    /** How the run is named in failures (default: its command line). */
    public RunLocal named(String name) {
        what = name;
        return this;
    }

    public RunLocal endpoint(URI endpoint) {
        return arguments("--endpoint-url", endpoint.toString());
    }

    /** {@code --region} and {@code AWS_REGION}. */
    public RunLocal region(String region) {
        environment.put("AWS_REGION", region);
        return arguments("--region", region);
    }

    public RunLocal inputJson(String input) {
        return arguments("--input-json", input);
    }

    public RunLocal arguments(String... more) {
        return arguments(List.of(more));
    }

    public RunLocal arguments(List<String> more) {
        arguments.addAll(more);
        return this;
    }

    /** {@code VPCE_PILOT_TIME_SCALE}: 0 does not sleep at all. */
    public RunLocal timeScale(String factor) {
        return environment("VPCE_PILOT_TIME_SCALE", factor);
    }

    public RunLocal environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public RunLocal environment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /** How long {@link Started#await()} waits. */
    public RunLocal timeout(Duration limit) {
        timeout = limit;
        return this;
    }

    public Started start() {
        Path script = root.resolve("run-local");
        if (!Files.isExecutable(script) || !Files.isDirectory(root.resolve("runner/target/lib"))) {
            throw new IllegalStateException(root + ": ./run-local or runner/target/lib is missing: build with mvn "
                    + "install first");
        }
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(arguments);
        String name = what != null ? what : "./run-local " + String.join(" ", arguments);
        try {
            Path out = outputDirectory == null ? Files.createTempFile("run-local-", ".out")
                    : Files.createTempFile(outputDirectory, "run-local-", ".out");
            Path err = outputDirectory == null ? Files.createTempFile("run-local-", ".err")
                    : Files.createTempFile(outputDirectory, "run-local-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory((directory == null ? root : directory).toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("VPCE_PILOT_"));
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.put("VPCE_PILOT_SKIP_BUILD", "1");
            env.putAll(environment);
            return new Started(name, builder.start(), out, err, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Starts it and waits for it ({@link Started#await()}). */
    public Run run() {
        return start().await();
    }

    /** What one {@code ./run-local} process did. */
    public record Run(String what, int exitCode, String stdout, String stderr, Duration took) {

        /** Its stdout, one JSON document. */
        public JsonNode doc() {
            return TestProject.json(stdout);
        }

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** The error name of the document, or null. */
        public String error() {
            return doc().path("error").asText(null);
        }

        @Override
        public String toString() {
            return what + ": exit " + exitCode + " after " + took.toMillis() + " ms\nstdout: " + stdout
                    + "\nstderr (tail): " + (stderr.length() > 4000 ? "..." + stderr.substring(stderr.length() - 4000)
                    : stderr);
        }
    }

    /** A started {@code ./run-local}. */
    public static final class Started {
        private final String what;
        private final Process process;
        private final Path out;
        private final Path err;
        private final Duration timeout;
        private final long started = System.nanoTime();

        private Started(String what, Process process, Path out, Path err, Duration timeout) {
            this.what = what;
            this.process = process;
            this.out = out;
            this.err = err;
            this.timeout = timeout;
        }

        /** Waits for it at most the builder's timeout; a run that outlives it fails the test with its stderr. */
        public Run await() {
            Run run = awaitOrStop(timeout);
            if (run.exitCode() == STOPPED) {
                throw new AssertionError(what + ": ./run-local did not end within " + timeout.toSeconds()
                        + " s; stderr: " + run.stderr());
            }
            return run;
        }

        /**
         * Waits at most {@code limit}; a process still running then is stopped with its children (its JVM is a child
         * of the script), and its run has exit code {@link #STOPPED} with what it had written so far.
         */
        public Run awaitOrStop(Duration limit) {
            try {
                int exitCode;
                if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    exitCode = process.exitValue();
                } else {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    exitCode = STOPPED;
                }
                Run run = new Run(what, exitCode, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - started));
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
                return run;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
