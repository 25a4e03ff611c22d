package dev.vpcepilot.local.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vpcepilot.local.asl.ErrorNames;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.template.LocalFunction;

/**
 * What a Task state gets from a Lambda function's response payload, as Step Functions reads it, however the function
 * ran (in-process or under the real runtime).
 */
public final class LambdaPayloads {

    private LambdaPayloads() {
    }

    /**
     * The Task's result: {@code null} for no payload (a handler that wrote nothing), the JSON value the payload holds,
     * or a {@code States.Runtime} error when it is not JSON.
     */
    public static JsonNode taskResult(LocalFunction function, String payload) {
        if (payload.isBlank()) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return JsonText.parse(payload);
        } catch (JsonProcessingException e) {
            throw new StatesError(ErrorNames.RUNTIME, "The function " + function.functionName()
                    + " returned a response that is not JSON: " + (payload.length() > 200 ? payload.substring(0, 200)
                    + "..." : payload));
        }
    }
}
