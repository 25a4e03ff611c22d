package dev.vpcepilot.local.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The functions' deployment artifact as {@code sam build} makes it, made by {@code scripts/sam-style-build.sh}
 * (which says step by step what sam does): functions/ built alone, its classes at the root and its runtime
 * dependencies under {@code lib/}. The script skips the build when functions/ has not changed since the last one.
 */
public final class SamStyleBuild {

    /** Where the artifact goes by default, relative to the project root. */
    public static final String DEFAULT_OUTPUT = "target/sam-style-build";
    private static final long TIMEOUT_MINUTES = 15;

    private SamStyleBuild() {
    }

    /** Builds (or finds up to date) the artifact in {@link #DEFAULT_OUTPUT}. */
    public static Path artifact(Path projectRoot, Consumer<String> progress) {
        return build(projectRoot, projectRoot.resolve(DEFAULT_OUTPUT), progress);
    }

    /**
     * @param progress receives the script's and Maven's output lines
     * @throws IllegalStateException when the build fails (the message holds the end of its output)
     */
    public static Path build(Path projectRoot, Path output, Consumer<String> progress) {
        Path script = projectRoot.resolve("scripts/sam-style-build.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing or not executable");
        }
        ProcessBuilder builder = new ProcessBuilder(script.toString(), output.toString())
                .directory(projectRoot.toFile());
        Deque<String> tail = new ArrayDeque<>();
        String built;
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // a platform thread: a pipe read would hold a virtual thread's carrier (ExecutionEnvironment.pump)
            Thread errors = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = err.readLine()) != null; ) {
                        progress.accept(line);
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > 30) {
                                tail.removeFirst();
                            }
                        }
                    }
                } catch (IOException e) {
                    // the script ended
                }
            });
            // stdout carries one line: the artifact's directory
            built = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/sam-style-build.sh did not end within " + TIMEOUT_MINUTES
                        + " minutes");
            }
            errors.join();
            if (process.exitValue() != 0 || built.isEmpty()) {
                synchronized (tail) {
                    throw new IllegalStateException("scripts/sam-style-build.sh failed (exit " + process.exitValue()
                            + "):\n" + String.join("\n", tail));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while building the artifact", e);
        }
        return Path.of(built);
    }
}
