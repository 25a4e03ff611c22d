package dev.vpcepilot.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.handlers.FunctionSettings;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.asl.StatesError;
import dev.vpcepilot.local.asl.TaskInvoker;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalFunction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;

/**
 * Runs Task states the way Lambda runs the template's Java functions: the Task's {@code Resource} names a
 * function of the template; its handler is called through {@link RequestStreamHandler#handleRequest} with the
 * effective input as JSON bytes; the bytes it writes are the result (no bytes is {@code null}). An exception thrown
 * by the handler becomes the error the Lambda Java runtime reports: the class name, with a JSON cause holding
 * message, type and stack trace.
 *
 * <p>Handler instances are warm containers for the life of this invoker (one execution): as Lambda gives each
 * concurrent invocation a container of its own, an instance serves one invocation at a time, and invocations that
 * overlap (a Map's iterations) get another instance, created when no idle one is left.
 */
public final class LambdaTaskInvoker implements TaskInvoker {

    private final FunctionDirectory functions;
    private final AwsClients clients;
    private final Map<String, Map<String, String>> environments;
    private final ClassLoader loader;
    private final Consumer<String> logSink;
    private final Clock clock;
    private final Map<String, Deque<RequestStreamHandler>> idle = new ConcurrentHashMap<>();

    /** @param environments function logical id -> its environment variables as the template sets them */
    public LambdaTaskInvoker(FunctionDirectory functions, AwsClients clients,
                             Map<String, Map<String, String>> environments, ClassLoader loader,
                             Consumer<String> logSink, Clock clock) {
        this.functions = functions;
        this.clients = clients;
        this.environments = environments;
        this.loader = loader;
        this.logSink = logSink;
        this.clock = clock;
    }

    @Override
    public boolean canInvoke(String resource) {
        return functions.names(resource);
    }

    @Override
    public JsonNode invoke(TaskInvocation invocation) {
        LocalFunction function = functions.resolve(invocation.resource()).orElseThrow(() -> LambdaErrors.notFound(
                functions, invocation.resource()));
        byte[] request = JsonText.compact(invocation.input()).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        LocalLambdaContext context = new LocalLambdaContext(function, invocation.resource(),
                UUID.randomUUID().toString(), clock, logSink);
        RequestStreamHandler handler = null;
        try {
            handler = takeHandler(function);
            handler.handleRequest(new ByteArrayInputStream(request), response, context);
        } catch (HandlerClasses.HandlerLoadException e) {
            throw StatesError.runtime(e.getMessage());
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            throw new StatesError(LambdaErrors.errorName(e), LambdaErrors.cause(e));
        } finally {
            if (handler != null) {
                idle.get(function.logicalId()).push(handler);
            }
        }
        return LambdaPayloads.taskResult(function, response.toString(StandardCharsets.UTF_8));
    }

    /** An idle warm instance of the function's handler, or a new one (a cold start) if every one is busy. */
    private RequestStreamHandler takeHandler(LocalFunction function) {
        RequestStreamHandler handler = idle.computeIfAbsent(function.logicalId(), id -> new ConcurrentLinkedDeque<>())
                .poll();
        return handler != null ? handler : HandlerClasses.instantiate(HandlerClasses.load(function, loader), clients,
                new FunctionSettings(environments.getOrDefault(function.logicalId(), Map.of())));
    }
}
