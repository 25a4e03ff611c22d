package dev.vpcepilot.local.sfn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.asl.StateMachineInterpreter;
import dev.vpcepilot.local.http.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small Step Functions API on loopback, backed by the local interpreter ({@link LocalWorkflow}): what a function
 * that drives the state machine (the custom-resource hook) calls when it runs under the real Lambda runtime and its
 * SDK is pointed here ({@code AWS_ENDPOINT_URL_SFN}). The AWS JSON 1.0 protocol of the service model
 * ({@code POST /}, {@code X-Amz-Target: AWSStepFunctions.<Operation>}, errors as HTTP 400 with {@code __type}), and
 * three operations, with the rules of the API reference:
 * <ul>
 *   <li>{@code StartExecution}: starts the execution in the background. A name already used: while that execution
 *       is open and the input is identical, the call succeeds and returns the original execution; otherwise
 *       {@code ExecutionAlreadyExists}. Unknown state machine: {@code StateMachineDoesNotExist}; a name Step
 *       Functions refuses: {@code InvalidName}; input that is not JSON: {@code InvalidExecutionInput}.</li>
 *   <li>{@code DescribeExecution}: status ({@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code ABORTED}),
 *       dates, input, output or error and cause; {@code ExecutionDoesNotExist} for an unknown ARN.</li>
 *   <li>{@code StopExecution}: ends a running execution as {@code ABORTED} with the error and cause given (the
 *       interpreter stops at the next state boundary and runs no {@code Catch}); on an execution that already
 *       ended it changes nothing and answers that execution's stop date (a choice of this emulator: the API
 *       reference names no error for it).</li>
 * </ul>
 * Any other operation answers {@code UnknownOperationException}. Signatures are not checked.
 */
public final class LocalStepFunctionsApi implements AutoCloseable {

    private static final String TARGET_PREFIX = "AWSStepFunctions.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    private final LoopbackServer server;
    private final ExecutorService executions = Executors.newVirtualThreadPerTaskExecutor();
    private final LocalWorkflow workflow;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Execution> byArn = new ConcurrentHashMap<>();

    /** One execution: what StartExecution was given, its thread, how it ended or was stopped. */
    private static final class Execution {
        final String name;
        final String arn;
        final String input;
        final Instant startDate;
        final CompletableFuture<ExecutionResult> result = new CompletableFuture<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        volatile Stop stop;

        Execution(String name, String arn, String input, Instant startDate) {
            this.name = name;
            this.arn = arn;
            this.input = input;
            this.startDate = startDate;
        }

        boolean open() {
            return stop == null && !result.isDone();
        }
    }

    private record Stop(String error, String cause, Instant date) {
    }

    /** A client error of the API: HTTP 400 with the error's shape name. */
    private static final class ApiError extends Exception {
        final String type;

        ApiError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    private LocalStepFunctionsApi(LoopbackServer server, LocalWorkflow workflow) {
        this.server = server;
        this.workflow = workflow;
    }

    public static LocalStepFunctionsApi start(LocalWorkflow workflow) {
        LoopbackServer server = LoopbackServer.bind("the Step Functions API", 32);
        LocalStepFunctionsApi api = new LocalStepFunctionsApi(server, workflow);
        server.serve(api::handle);
        return api;
    }

    /** What {@code AWS_ENDPOINT_URL_SFN} should name. */
    public URI endpoint() {
        return URI.create("http://" + server.address());
    }

    /** How many executions StartExecution started (a repeated call that attached to one does not count). */
    public int executionsStarted() {
        return byArn.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                if (!"POST".equals(exchange.getRequestMethod()) || target == null
                        || !target.startsWith(TARGET_PREFIX)) {
                    throw new ApiError("UnknownOperationException", "Expected POST / with X-Amz-Target: "
                            + TARGET_PREFIX + "<Operation>");
                }
                JsonNode request = parse(body);
                ObjectNode response = switch (target.substring(TARGET_PREFIX.length())) {
                    case "StartExecution" -> startExecution(request);
                    case "DescribeExecution" -> describeExecution(request);
                    case "StopExecution" -> stopExecution(request);
                    default -> throw new ApiError("UnknownOperationException", "This local Step Functions API "
                            + "serves StartExecution, DescribeExecution and StopExecution, not " + target);
                };
                respond(exchange, 200, response);
            } catch (ApiError e) {
                ObjectNode error = JsonNodeFactory.instance.objectNode();
                error.put("__type", e.type);
                error.put("message", e.getMessage());
                respond(exchange, 400, error);
            }
        }
    }

    private ObjectNode startExecution(JsonNode request) throws ApiError {
        String stateMachineArn = requiredText(request, "stateMachineArn");
        if (!stateMachineArn.equals(workflow.stateMachineArn())) {
            throw new ApiError("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + stateMachineArn + "'");
        }
        String name = request.hasNonNull("name") ? request.get("name").asText() : UUID.randomUUID().toString();
        if (!StateMachineInterpreter.isValidExecutionName(name)) {
            throw new ApiError("InvalidName", "Invalid Name: '" + name + "'");
        }
        String input = request.hasNonNull("input") ? request.get("input").asText() : "{}";
        JsonNode inputJson;
        try {
            inputJson = JsonText.parse(input);
        } catch (JsonProcessingException e) {
            throw new ApiError("InvalidExecutionInput", "Invalid State Machine Execution Input: '"
                    + e.getOriginalMessage() + "'");
        }
        String arn = workflow.executionArn(name);
        Execution fresh = new Execution(name, arn, input, clock.instant());
        Execution existing = byArn.putIfAbsent(arn, fresh);
        if (existing != null) {
            if (existing.open() && existing.input.equals(input)) {
                return started(existing);
            }
            throw new ApiError("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
        }
        executions.submit(() -> {
            synchronized (fresh) {
                fresh.thread.set(Thread.currentThread());
                if (fresh.stop != null) {
                    fresh.result.cancel(false); // stopped before it began
                    return;
                }
            }
            try {
                fresh.result.complete(workflow.run(inputJson, name, () -> fresh.stop != null));
            } catch (RuntimeException | Error e) {
                fresh.result.completeExceptionally(e);
            }
        });
        return started(fresh);
    }

    private ObjectNode describeExecution(JsonNode request) throws ApiError {
        Execution execution = execution(requiredText(request, "executionArn"));
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("executionArn", execution.arn);
        response.put("stateMachineArn", workflow.stateMachineArn());
        response.put("name", execution.name);
        response.put("startDate", epochSeconds(execution.startDate));
        response.put("input", execution.input);
        response.putObject("inputDetails").put("included", true);
        Stop stop = execution.stop;
        if (stop != null) {
            response.put("status", "ABORTED");
            response.put("stopDate", epochSeconds(stop.date()));
            putIfPresent(response, "error", stop.error());
            putIfPresent(response, "cause", stop.cause());
            return response;
        }
        if (!execution.result.isDone()) {
            response.put("status", "RUNNING");
            return response;
        }
        ExecutionResult result;
        try {
            result = execution.result.join();
        } catch (RuntimeException e) {
            response.put("status", "FAILED");
            response.put("error", "States.Runtime");
            response.put("cause", "The local execution ended with " + e.getCause());
            return response;
        }
        response.put("stopDate", epochSeconds(result.stopTime()));
        if (result.succeeded()) {
            response.put("status", "SUCCEEDED");
            response.put("output", JsonText.compact(result.output()));
            response.putObject("outputDetails").put("included", true);
        } else {
            response.put("status", "FAILED");
            putIfPresent(response, "error", result.error());
            putIfPresent(response, "cause", result.cause());
        }
        return response;
    }

    private ObjectNode stopExecution(JsonNode request) throws ApiError {
        Execution execution = execution(requiredText(request, "executionArn"));
        Instant date;
        synchronized (execution) {
            if (execution.open()) {
                execution.stop = new Stop(text(request, "error"), text(request, "cause"), clock.instant());
                Thread thread = execution.thread.get();
                if (thread != null) {
                    thread.interrupt();
                }
            }
            date = execution.stop != null ? execution.stop.date() : execution.result.isCompletedExceptionally()
                    ? execution.startDate : execution.result.join().stopTime();
        }
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("stopDate", epochSeconds(date));
        return response;
    }

    private Execution execution(String arn) throws ApiError {
        Execution execution = byArn.get(arn);
        if (execution == null) {
            throw new ApiError("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
        }
        return execution;
    }

    private static ObjectNode started(Execution execution) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("executionArn", execution.arn);
        response.put("startDate", epochSeconds(execution.startDate));
        return response;
    }

    private static JsonNode parse(byte[] body) throws ApiError {
        try {
            JsonNode request = JsonText.parse(new String(body, StandardCharsets.UTF_8));
            if (request == null || !request.isObject()) {
                throw new ApiError("SerializationException", "The request body must be a JSON object");
            }
            return request;
        } catch (JsonProcessingException e) {
            throw new ApiError("SerializationException", "The request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String requiredText(JsonNode request, String field) throws ApiError {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new ApiError("ValidationException", "1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value.asText();
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** AWS JSON timestamps: seconds since the epoch, with milliseconds. */
    private static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli(), 3);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JsonText.compact(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.close();
        executions.shutdownNow();
    }
}
