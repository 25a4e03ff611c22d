package dev.vpcepilot.local.lambda;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.template.FunctionDirectory;

/**
 * How the Lambda Java runtime reports an exception thrown by a handler: the error name is the exception's class
 * name, and the cause is a JSON document with the message, the type and the stack trace.
 */
public final class LambdaErrors {

    private LambdaErrors() {
    }

    /**
     * What a Task that invokes a Resource no deployed function answers to fails with: Lambda's
     * {@code ResourceNotFoundException} (as Step Functions names Lambda's errors, {@code Lambda.} first) when the
     * Resource names a function of the template that is not deployed, else {@code States.Runtime}.
     */
    public static StatesError notFound(FunctionDirectory functions, String resource) {
        return functions.absence(resource).map(why -> new StatesError("Lambda.ResourceNotFoundException", why))
                .orElseGet(() -> StatesError.runtime("The Resource " + resource + " is not a function of the template"));
    }

    /** The error name Step Functions sees: the fully qualified class name. */
    public static String errorName(Throwable thrown) {
        return thrown.getClass().getName();
    }

    /**
     * {@code {"errorMessage": ..., "errorType": ..., "stackTrace": [...]}}, compact; the message is the class name
     * when the exception has none.
     */
    public static String cause(Throwable thrown) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("errorMessage", thrown.getMessage() == null ? thrown.getClass().getName() : thrown.getMessage());
        document.put("errorType", thrown.getClass().getName());
        ArrayNode stackTrace = document.putArray("stackTrace");
        for (StackTraceElement frame : thrown.getStackTrace()) {
            stackTrace.add(frame.toString());
        }
        return JsonText.compact(document);
    }
}
