package dev.vpcepilot.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.json.Json;

/**
 * Turns a Step Functions error ({@code Error}, {@code Cause}) into the execution's stable error name and a cause
 * a person can read: the Lambda Java runtime names errors by fully qualified class and puts a JSON document with
 * a stack trace in the cause; the execution reports {@code VpcNotFound} and the message alone.
 */
public final class FailureDescriber {

    public static final int MAX_CAUSE_CHARS = 4000;
    private static final String PACKAGE_PREFIX = WorkflowError.ERROR_PACKAGE + ".";

    public record Described(String error, String cause) {
    }

    private FailureDescriber() {
    }

    public static Described describe(String error, String cause) {
        String message = messageOf(cause);
        String name;
        if (error == null || error.isBlank()) {
            name = "InternalError";
        } else if (error.startsWith(PACKAGE_PREFIX)) {
            name = error.substring(PACKAGE_PREFIX.length());
        } else if (error.startsWith("States.") || error.startsWith("Lambda.") || error.startsWith("Sandbox.")
                || !error.contains(".")) {
            name = error;
        } else {
            name = "InternalError";
            message = "Unexpected " + error + (message.isBlank() ? "" : ": " + message)
                    + " (see the function's log for the stack trace)";
        }
        return new Described(name, cut(message));
    }

    /** The errorMessage of a Lambda error document, or the cause text itself. */
    static String messageOf(String cause) {
        if (cause == null) {
            return "";
        }
        String trimmed = cause.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode doc = Json.MAPPER.readTree(trimmed);
                if (doc.hasNonNull("errorMessage")) {
                    return doc.get("errorMessage").asText();
                }
            } catch (java.io.IOException e) {
                return trimmed;
            }
        }
        return trimmed;
    }

    static String cut(String text) {
        return text.length() <= MAX_CAUSE_CHARS ? text : text.substring(0, MAX_CAUSE_CHARS - 3) + "...";
    }
}
