package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * A state's input and output processing fields (InputPath, ResultPath, OutputPath) and the payload quota, as
 * https://states-language.net/spec.html#filters defines them; shared by every state type.
 */
final class StateData {

    private StateData() {
    }

    static JsonNode inputPath(JsonNode state, JsonNode rawInput) {
        return selectPath(state, "InputPath", rawInput);
    }

    static JsonNode outputPath(JsonNode state, JsonNode output) {
        return selectPath(state, "OutputPath", output);
    }

    /** Places the result per a ResultPath field: absent means {@code $}; JSON null discards the result. */
    static JsonNode resultPath(JsonNode field, JsonNode rawInput, JsonNode result) {
        if (field == null) {
            return result;
        }
        if (field.isNull()) {
            return rawInput;
        }
        ReferencePath path = ReferencePath.parse(field.asText()).orElseThrow(() -> new StatesError(
                ErrorNames.RESULT_PATH_MATCH_FAILURE, "'" + field.asText() + "' is not a Reference Path"));
        return path.placeInto(rawInput, result);
    }

    /** {@code States.DataLimitExceeded} when {@code payload} is larger than Step Functions' 256 KiB quota. */
    static void checkSize(JsonNode payload, String what) {
        int bytes = JsonText.utf8Length(payload);
        if (bytes > StateMachineInterpreter.MAX_PAYLOAD_BYTES) {
            throw new StatesError(ErrorNames.DATA_LIMIT_EXCEEDED, what + " is " + bytes + " bytes, more than the "
                    + StateMachineInterpreter.MAX_PAYLOAD_BYTES + " bytes Step Functions allows");
        }
    }

    private static JsonNode selectPath(JsonNode state, String field, JsonNode data) {
        JsonNode path = state.get(field);
        if (path == null) {
            return data;
        }
        if (path.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        return JsonPaths.read(path.asText(), data, null, field);
    }
}
