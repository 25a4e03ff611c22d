package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * How one execution ended.
 *
 * @param status SUCCEEDED, FAILED, or ABORTED (a Distributed Map's child stopped because its Map Run failed)
 * @param output the execution's output when it SUCCEEDED, else null
 * @param error  the error name when it FAILED (may be null if a Fail state names none), else null
 * @param cause  the cause when it FAILED (may be null), else null
 * @param events everything that happened, in order
 */
public record ExecutionResult(String executionArn, String executionName, Status status, JsonNode output,
                              String error, String cause, List<ProgressEvent> events, Instant startTime,
                              Instant stopTime) {

    public enum Status { SUCCEEDED, FAILED, ABORTED }

    public ExecutionResult {
        events = List.copyOf(events);
    }

    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** The one JSON document the CLI prints: the output, or {@code {"error": NAME, "cause": TEXT}}. */
    public JsonNode document() {
        if (succeeded()) {
            return output;
        }
        ObjectNode failure = JsonNodeFactory.instance.objectNode();
        failure.put("error", error);
        failure.put("cause", cause);
        return failure;
    }

    /** The names of the states entered, in order (a state entered twice appears twice). */
    public List<String> statesEntered() {
        return events.stream()
                .filter(ProgressEvent.StateEntered.class::isInstance)
                .map(event -> ((ProgressEvent.StateEntered) event).stateName())
                .toList();
    }

    /** The events of one type, in order. */
    public <E extends ProgressEvent> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
