package dev.vpcepilot.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.asl.TaskInvoker;
import dev.vpcepilot.local.lambda.LambdaErrors;
import dev.vpcepilot.local.lambda.LambdaPayloads;
import dev.vpcepilot.local.template.LocalFunction;
import java.nio.charset.StandardCharsets;

/**
 * Runs Task states as Step Functions runs a Task whose {@code Resource} is a Lambda function ARN: invokes the
 * function ({@link LocalLambda}, the real runtime) with the effective input as JSON; its payload is the result;
 * a function error is the error Step Functions reports, named by the error document's {@code errorType}
 * (what {@code Retry} and {@code Catch} match) with the whole document as the cause.
 */
public final class RuntimeTaskInvoker implements TaskInvoker {

    private final LocalLambda lambda;

    public RuntimeTaskInvoker(LocalLambda lambda) {
        this.lambda = lambda;
    }

    @Override
    public boolean canInvoke(String resource) {
        return lambda.functions().names(resource);
    }

    @Override
    public JsonNode invoke(TaskInvocation invocation) {
        LocalFunction function = lambda.functions().resolve(invocation.resource()).orElseThrow(() ->
                LambdaErrors.notFound(lambda.functions(), invocation.resource()));
        InvocationResult result = lambda.invoke(function, invocation.resource(),
                JsonText.compact(invocation.input()).getBytes(StandardCharsets.UTF_8));
        if (!result.succeeded()) {
            throw new StatesError(result.errorType(), result.errorDocument());
        }
        return LambdaPayloads.taskResult(function, result.payloadText());
    }
}
