package dev.vpcepilot.local.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command of {@code ./run-local} runs with: the project, the process's environment, its stdin (an
 * {@code --input -} reads it) and the stream progress lines go to (stderr).
 */
public record CommandContext(Path projectRoot, Map<String, String> environment, InputStream stdin,
                             PrintStream progress) {

    /** One progress line, with the runner's prefix. */
    void report(String line) {
        progress.println(RunLocal.PREFIX + line);
    }
}
