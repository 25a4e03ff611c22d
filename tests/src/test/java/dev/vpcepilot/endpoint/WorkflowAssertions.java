package dev.vpcepilot.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import java.util.ArrayList;
import java.util.List;

/** What every workflow test checks about how an execution ended. */
final class WorkflowAssertions {

    /** The output keys of the README's contract, in the order BuildOutput writes them. */
    static final List<String> OUTPUT_KEYS = List.of("region", "serviceName", "vpcId", "vpcEndpointId", "created",
            "owned", "routeTableIds", "prefixListId", "endpoints", "claims", "verification", "cleanedUp",
            "cleanupDetail");
    static final List<String> VERIFICATION_KEYS = List.of("routesOk", "listTablesOk", "dataPathOk", "subnets", "probe");

    private WorkflowAssertions() {
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Succeeded, with exactly the contract's output keys and both verification flags true. */
    static JsonNode succeeded(ExecutionResult result) {
        assertTrue(result.succeeded(), () -> "expected success, got " + result.error() + ": " + result.cause()
                + "\nstates: " + result.statesEntered());
        JsonNode output = result.output();
        assertEquals(OUTPUT_KEYS, fieldNames(output), output::toString);
        assertEquals(VERIFICATION_KEYS, fieldNames(output.get("verification")), output::toString);
        assertTrue(output.at("/verification/routesOk").asBoolean());
        assertTrue(output.at("/verification/listTablesOk").asBoolean());
        for (String flag : List.of("created", "owned", "cleanedUp")) {
            assertTrue(output.get(flag).isBoolean(), flag + " is a JSON boolean: " + output);
        }
        assertTrue(output.get("routeTableIds").isArray(), output::toString);
        assertTrue(output.get("vpcEndpointId").asText().startsWith("vpce-"), output::toString);
        assertTrue(output.get("prefixListId").asText().startsWith("pl-"), output::toString);
        assertTrue(result.events().get(result.events().size() - 1) instanceof ProgressEvent.ExecutionSucceeded);
        return output;
    }

    /**
     * Failed with this error name, and a cause that is a sentence for a person: no stack trace, no exception class,
     * no Lambda error document. Returns the cause.
     */
    static String failed(ExecutionResult result, String error) {
        assertFalse(result.succeeded(), () -> "expected " + error + ", got success: " + result.output());
        assertNull(result.output());
        assertEquals(error, result.error(), () -> "cause: " + result.cause() + "\nstates: " + result.statesEntered());
        String cause = result.cause();
        assertNotNull(cause);
        assertFalse(cause.isBlank());
        for (String trace : List.of("at dev.", "\tat ", "stackTrace", "errorMessage", "Exception:", "\n")) {
            assertFalse(cause.contains(trace), () -> "the cause must not carry \"" + trace + "\": " + cause);
        }
        assertEquals(List.of("error", "cause"), fieldNames(result.document()));
        assertEquals(error, result.document().get("error").asText());
        ProgressEvent last = result.events().get(result.events().size() - 1);
        assertTrue(last instanceof ProgressEvent.ExecutionFailed, last::toString);
        return cause;
    }
}
