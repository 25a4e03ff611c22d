package dev.vpcepilot.local.moto;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds how to start {@code aws_faithful_moto_server.py} (a resource of this module): a {@code python3} on the
 * PATH that can import moto, and the script copied to a temporary file. Looked up once per JVM and PATH.
 */
final class AwsFaithfulMoto {

    static final String SCRIPT = "aws_faithful_moto_server.py";
    private static final ConcurrentHashMap<String, Optional<List<String>>> BY_PATH = new ConcurrentHashMap<>();

    private AwsFaithfulMoto() {
    }

    /** {@code [python3, script]}, or empty when no python3 on the PATH imports moto. */
    static Optional<List<String>> launcher(Map<String, String> environment) {
        return BY_PATH.computeIfAbsent(environment.getOrDefault("PATH", ""), AwsFaithfulMoto::find);
    }

    private static Optional<List<String>> find(String path) {
        for (String directory : path.split(File.pathSeparator)) {
            Path python = directory.isEmpty() ? null : Path.of(directory, "python3");
            if (python != null && Files.isExecutable(python) && importsMoto(python)) {
                return Optional.of(List.of(python.toString(), copyScript().toString()));
            }
        }
        return Optional.empty();
    }

    private static boolean importsMoto(Path python) {
        try {
            Process check = new ProcessBuilder(python.toString(), "-c", "import moto.server, moto.ec2.models.vpcs")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!check.waitFor(30, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return false;
            }
            return check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path copyScript() {
        try (InputStream script = AwsFaithfulMoto.class.getResourceAsStream(SCRIPT)) {
            if (script == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the runner's resources");
            }
            Path file = Files.createTempFile("aws-faithful-moto-", ".py");
            file.toFile().deleteOnExit();
            Files.copy(script, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot copy " + SCRIPT + " to a temporary file", e);
        }
    }
}
