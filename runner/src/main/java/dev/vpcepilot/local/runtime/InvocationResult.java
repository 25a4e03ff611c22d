package dev.vpcepilot.local.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.JsonText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How one invocation ended, as Lambda's Invoke reports it: the bytes the function returned, or a function error:
 * the document the runtime posted ({@code {"errorMessage", "errorType", "stackTrace"}}) whose {@code errorType} is the
 * error name Step Functions matches in {@code Retry} and {@code Catch}, and the whole document its cause.
 *
 * @param payload       what the function returned (success), else null
 * @param errorDocument what the runtime reported (function error), else null
 * @param errorCategory the runtime's {@code Lambda-Runtime-Function-Error-Type} header (e.g.
 *                      {@code Runtime.UserException}), or what Lambda itself reports for an environment that
 *                      failed ({@code Runtime.ExitError}, {@code Sandbox.Timedout}); null on success
 * @param duration      from handing the event to the runtime to its answer
 * @param coldStart     whether the environment was started (initialised) for this invocation
 */
public record InvocationResult(byte[] payload, String errorDocument, String errorCategory, Duration duration,
                               boolean coldStart) {

    public static InvocationResult success(byte[] payload, Duration duration, boolean coldStart) {
        return new InvocationResult(payload, null, null, duration, coldStart);
    }

    public static InvocationResult error(String errorDocument, String category, Duration duration,
                                         boolean coldStart) {
        return new InvocationResult(null, errorDocument, category, duration, coldStart);
    }

    public boolean succeeded() {
        return errorDocument == null;
    }

    /** The returned payload as text (success only). */
    public String payloadText() {
        return payload == null ? null : new String(payload, StandardCharsets.UTF_8);
    }

    /** The error document's {@code errorType}; the category when the document names none. */
    public String errorType() {
        JsonNode document = errorJson();
        String type = document == null ? null : document.path("errorType").asText(null);
        return type == null || type.isBlank() ? errorCategory : type;
    }

    /** The error document's {@code errorMessage}, or null. */
    public String errorMessage() {
        JsonNode document = errorJson();
        return document == null ? null : document.path("errorMessage").asText(null);
    }

    /** The error document parsed, or null when there is none or it is not JSON. */
    public JsonNode errorJson() {
        if (errorDocument == null) {
            return null;
        }
        try {
            return JsonText.parse(errorDocument);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    InvocationResult withColdStart(boolean cold) {
        return new InvocationResult(payload, errorDocument, errorCategory, duration, cold);
    }
}
