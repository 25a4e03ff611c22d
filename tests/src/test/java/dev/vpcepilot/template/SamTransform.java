package dev.vpcepilot.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CloudFormation templates SAM makes of SAM templates, through {@code scripts/sam-transform.py} (samtranslator,
 * which comes with cfn-lint). Several templates go through one Python process. Without samtranslator this fails
 * with what to install: the IAM checks never pass by skipping.
 */
final class SamTransform {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 120;

    private final Path projectRoot;
    private final List<String> python;

    SamTransform(Path projectRoot) {
        this(projectRoot, List.of("python3"));
    }

    /** @param python how to start Python (the command and its options) */
    SamTransform(Path projectRoot, List<String> python) {
        this.projectRoot = projectRoot;
        this.python = List.copyOf(python);
    }

    JsonNode transform(String templateText) {
        return transformAll(Map.of("template", templateText)).get("template");
    }

    /** Each template text by name, transformed; the names must be usable as file names. */
    Map<String, JsonNode> transformAll(Map<String, String> templates) {
        Path work = null;
        try {
            work = Files.createTempDirectory("sam-transform");
            List<String> command = new ArrayList<>(python);
            command.addAll(List.of(projectRoot.resolve("scripts/sam-transform.py").toString(), "--out-dir",
                    work.toString()));
            for (Map.Entry<String, String> template : templates.entrySet()) {
                Path file = work.resolve(template.getKey() + ".yaml");
                Files.writeString(file, template.getValue(), StandardCharsets.UTF_8);
                command.add(file.toString());
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (var in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/sam-transform.py did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() == 3) {
                throw new IllegalStateException("The IAM checks read the template after the SAM transform, and "
                        + "samtranslator is not importable by python3: " + output.strip()
                        + " (install it with `python3 -m pip install cfn-lint`, as .ci/run does)");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("The SAM transform failed (exit " + process.exitValue() + "): "
                        + output.strip());
            }
            Map<String, JsonNode> transformed = new LinkedHashMap<>();
            for (String name : templates.keySet()) {
                transformed.put(name, JSON.readTree(work.resolve(name + ".json").toFile()));
            }
            return transformed;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run scripts/sam-transform.py with python3", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while transforming", e);
        } finally {
            delete(work);
        }
    }

    private static void delete(Path directory) {
        if (directory == null) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // a temporary directory left behind is no failure of the check
        }
    }
}
