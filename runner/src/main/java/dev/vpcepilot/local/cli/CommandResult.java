package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a CLI command prints on stdout (exactly one JSON document) and its exit code. */
public record CommandResult(JsonNode document, int exitCode) {

    public static final int SUCCEEDED = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** {@code {"error": NAME, "cause": TEXT}} with an exit code. */
    public static CommandResult error(String error, String cause, int exitCode) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("error", error);
        document.put("cause", cause);
        return new CommandResult(document, exitCode);
    }
}
