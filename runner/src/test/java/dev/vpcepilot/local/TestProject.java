package dev.vpcepilot.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The project under test and small fixtures: JSON text, and throwaway projects with their own template. */
public final class TestProject {

    /** A random UUID as text (an execution name, a Map Run's id). */
    public static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private TestProject() {
    }

    /** The repository root, from the system property tests/pom.xml sets (or the parent of the working dir). */
    public static Path root() {
        String property = System.getProperty("vpcepilot.projectRoot");
        Path root = property == null || property.isBlank() ? Path.of("..") : Path.of(property);
        return root.toAbsolutePath().normalize();
    }

    public static JsonNode json(String text) {
        try {
            return JsonText.parse(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON is broken: " + e.getOriginalMessage() + "\n" + text, e);
        }
    }

    /** The field names of a JSON object, in their order. */
    public static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Writes {@code template.yaml} and {@code statemachine/machine.asl.json} into {@code directory}. */
    public static Path write(Path directory, String templateYaml, String definitionJson) {
        try {
            Files.createDirectories(directory.resolve("statemachine"));
            Files.writeString(directory.resolve("template.yaml"), templateYaml, StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("statemachine/machine.asl.json"), definitionJson, StandardCharsets.UTF_8);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A template with one function per handler class given as {@code LogicalId=fully.qualified.Class} and a state
     * machine using statemachine/machine.asl.json with {@code <LogicalId>Arn: !Ref <LogicalId>.Alias} substitutions.
     */
    public static String template(String... functions) {
        StringBuilder yaml = new StringBuilder("""
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: java21
                    Timeout: 30
                    AutoPublishAlias: live
                Resources:
                """);
        StringBuilder substitutions = new StringBuilder();
        for (String function : functions) {
            String[] parts = function.split("=", 2);
            yaml.append("  ").append(parts[0]).append(":\n")
                    .append("    Type: AWS::Serverless::Function\n")
                    .append("    Properties:\n")
                    .append("      Handler: ").append(parts[1]).append("::handleRequest\n");
            substitutions.append("        ").append(parts[0]).append("Arn: !Ref ").append(parts[0]).append(".Alias\n");
        }
        yaml.append("""
                  Machine:
                    Type: AWS::Serverless::StateMachine
                    Properties:
                      DefinitionUri: statemachine/machine.asl.json
                """);
        if (functions.length > 0) {
            yaml.append("      DefinitionSubstitutions:\n").append(substitutions);
        }
        return yaml.toString();
    }
}
