package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.logging.FunctionLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A state machine step as a Lambda stream handler: reads the step's JSON input with the functions' own strict
 * ObjectMapper (so the input contract is ours, not the runtime serializer's), runs {@link #handle}, writes the
 * JSON result. Errors propagate to the Lambda runtime, which reports the exception class as the error name.
 */
public abstract class JsonStepHandler<I, O> implements RequestStreamHandler {

    private final Class<I> inputType;

    protected JsonStepHandler(Class<I> inputType) {
        this.inputType = inputType;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        I request;
        try {
            request = Json.MAPPER.readValue(input, inputType);
        } catch (JsonProcessingException e) {
            throw new InvalidInput("The " + getClass().getSimpleName() + " step received input it cannot read: "
                    + e.getOriginalMessage());
        }
        O result = handle(request, context);
        Json.MAPPER.writeValue(output, result);
    }

    protected abstract O handle(I input, Context context);

    /**
     * The invocation's log: each line with its level through the Lambda logger (a JSON object with its
     * {@code "level"} when the function's LogFormat is JSON; see {@link FunctionLog}).
     */
    protected static FunctionLog log(Context context) {
        return FunctionLog.of(context);
    }
}
