package dev.vpcepilot.kit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ./run-local} script as a subprocess: its exit code, stdout (one JSON document) and stderr. The
 * runner the surrounding build made is used as it is (no rebuild from under the other modules); waits are not
 * slept ({@code VPCE_PILOT_TIME_SCALE=0}).
 */
public final class RunLocalProcess {

    private static final Path ROOT = MotoEc2.projectRoot();

    public record Run(int exitCode, String stdout, String stderr) {
    }

    private RunLocalProcess() {
    }

    /** Runs {@code ./run-local arguments}, its output kept under {@code directory}; at most {@code seconds}. */
    public static Run run(Path directory, int seconds, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./run-local"));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(directory, "stdout", ".txt");
        Path err = Files.createTempFile(directory, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("VPCE_PILOT_TIME_SCALE", "0");
        environment.remove("AWS_REGION");
        environment.remove("AWS_DEFAULT_REGION");
        if (Files.isRegularFile(ROOT.resolve("runner/target/vpce-pilot-runner-1.0.0.jar"))
                && Files.isDirectory(ROOT.resolve("runner/target/lib"))) {
            // the build this test runs in made the runner already; do not rebuild it from under the other modules
            environment.put("VPCE_PILOT_SKIP_BUILD", "1");
        }
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            // ./run-local's JVM is its child on a first run (it renames the class-data archive after the JVM ends)
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("./run-local " + String.join(" ", arguments) + " did not end within " + seconds
                    + " s\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
