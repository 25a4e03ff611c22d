package dev.vpcepilot.local.cfn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.errors.AnswerNotDelivered;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.handlers.CloudFormationHookHandler;
import dev.vpcepilot.handlers.FunctionSettings;
import dev.vpcepilot.hook.AnswerDelivery;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.local.lambda.LocalLambdaContext;
import dev.vpcepilot.local.runtime.InvocationResult;
import dev.vpcepilot.local.runtime.LocalLambda;
import dev.vpcepilot.local.sfn.LocalStepFunctionsApi;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.FunctionEnvironments;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import dev.vpcepilot.logging.FunctionLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The custom-resource path run locally: the template's hook function gets CloudFormation's request as the JSON
 * CloudFormation sends, runs the project's state machine and PUTs its answer to the request's {@code ResponseURL}
 * over real HTTP. In-process ({@link #inProcess}) the handler class runs in this JVM with {@link LocalWorkflowRunner};
 * under the real runtime ({@link #underRuntime}) the hook function runs in its own Lambda Java runtime
 * ({@link LocalLambda}) and drives the state machine through a Step Functions API on loopback
 * ({@link LocalStepFunctionsApi}) backed by the same workflow. A {@code ResponseURL} that is not on loopback (the
 * samples in {@code events/} carry CloudFormation's kind) is replaced by a presigned PUT URL on the emulator, since
 * local runs talk only to 127.0.0.1; the answer is then read back from there.
 */
public final class LocalCustomResource implements AutoCloseable {

    public static final String HOOK_HANDLER = CloudFormationHookHandler.class.getName();

    /**
     * What CloudFormation received (read back from the presigned URL), or, when it cannot be read back, what the
     * hook reported; {@code undelivered} holds the hook's error when its answer did not arrive or it could not
     * answer at all.
     */
    public record Answer(JsonNode response, boolean readBack, String responseUrlHost, String undelivered,
                         String errorName) {

        public boolean success() {
            return undelivered == null && "SUCCESS".equals(response.path("Status").asText());
        }
    }

    /** How the hook is invoked: the request's bytes in, its answer or its error out. */
    private interface HookInvocation extends AutoCloseable {
        InvocationResult invoke(byte[] request);

        @Override
        void close();
    }

    private final HookInvocation hook;
    private final ResponseBucket bucket;
    private final Consumer<String> log;

    private LocalCustomResource(HookInvocation hook, ResponseBucket bucket, Consumer<String> log) {
        this.hook = hook;
        this.bucket = bucket;
        this.log = log;
    }

    /**
     * The handler in this JVM.
     *
     * @param hookTimeout the local override of the hook's time bound ({@code HookTimeoutSeconds}), if any
     * @param timeScale   the local time scale, applied to the answer's retry intervals
     */
    public static LocalCustomResource inProcess(Path projectRoot, LocalWorkflow workflow, URI endpoint,
                                                Optional<Duration> hookTimeout, double timeScale,
                                                Consumer<String> log) {
        LocalFunction function = hookFunction(projectRoot, workflow.region());
        // the function's environment as the template resolves it (its log group, HookTimeoutSeconds' default),
        // with the local override of the time bound
        Map<String, String> environment = new LinkedHashMap<>(workflow.environment(function.logicalId()));
        hookTimeout.ifPresent(timeout -> environment.put(FunctionSettings.HOOK_TIMEOUT_SECONDS,
                Long.toString(timeout.toSeconds())));
        LocalWorkflowRunner runner = new LocalWorkflowRunner(workflow);
        AwsClients clients = AwsClients.forEndpoint(workflow.region(), endpoint);
        SdkHttpClient responseClient = UrlConnectionHttpClient.create();
        String region = workflow.region();
        HookInvocation invocation = new HookInvocation() {
            @Override
            public InvocationResult invoke(byte[] request) {
                LocalLambdaContext context = new LocalLambdaContext(function,
                        function.arn(region, function.alias() == null ? "$LATEST" : function.alias()),
                        UUID.randomUUID().toString(), Clock.systemUTC(), log);
                CloudFormationHookHandler handler = new CloudFormationHookHandler(clients,
                        new FunctionSettings(environment), runner, responseClient,
                        AnswerDelivery.Timing.LAMBDA.scaled(timeScale), Retrying.LAMBDA.scaled(timeScale),
                        FunctionLog.of(context.getLogger()));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    handler.handleRequest(new ByteArrayInputStream(request), out, context);
                    return InvocationResult.success(out.toByteArray(), Duration.ZERO, false);
                } catch (WorkflowError e) {
                    ObjectNode error = JsonText.MAPPER.createObjectNode();
                    error.put("errorMessage", e.getMessage());
                    error.put("errorType", e.getClass().getName());
                    return InvocationResult.error(JsonText.compact(error), "Runtime.UserException", Duration.ZERO,
                            false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void close() {
                runner.close();
                clients.close();
                responseClient.close();
            }
        };
        return new LocalCustomResource(invocation, new ResponseBucket(endpoint, region), log);
    }

    /**
     * The hook function under the real runtime: its Step Functions calls go to an API on loopback backed by
     * {@code workflow}, whose endpoint {@code announce} hands to the runtime before the hook first starts.
     */
    public static LocalCustomResource underRuntime(Path projectRoot, LocalWorkflow workflow, LocalLambda lambda,
                                                   URI endpoint, Consumer<URI> announce, Consumer<String> log) {
        LocalFunction function = hookFunction(projectRoot, workflow.region());
        LocalStepFunctionsApi api = LocalStepFunctionsApi.start(workflow);
        announce.accept(api.endpoint());
        HookInvocation invocation = new HookInvocation() {
            @Override
            public InvocationResult invoke(byte[] request) {
                return lambda.invoke(function.logicalId(), request);
            }

            @Override
            public void close() {
                api.close();
            }
        };
        return new LocalCustomResource(invocation, new ResponseBucket(endpoint, workflow.region()), log);
    }

    /** Runs the hook for {@code request} (a CloudFormation request as JSON); returns what CloudFormation got. */
    public Answer handle(ObjectNode request) {
        ObjectNode sent = request.deepCopy();
        String requestId = sent.path("RequestId").asText(UUID.randomUUID().toString());
        String key = requestId + "-" + UUID.randomUUID() + ".json";
        String url = sent.path("ResponseURL").asText(null);
        boolean replaced = !isLoopback(url);
        if (replaced) {
            log.accept("ResponseURL is not on loopback: answering to a presigned URL on the emulator instead");
            sent.put("ResponseURL", bucket.presignedPutUrl(key));
        }
        String host = URI.create(sent.get("ResponseURL").asText()).getHost();
        InvocationResult result = hook.invoke(JsonText.compact(sent).getBytes(StandardCharsets.UTF_8));
        Optional<JsonNode> delivered = replaced ? bucket.read(key) : Optional.empty();
        if (!result.succeeded()) {
            return new Answer(delivered.orElseGet(() -> JsonText.MAPPER.createObjectNode()), delivered.isPresent(),
                    host, result.errorMessage(), shortName(result.errorType()));
        }
        if (delivered.isPresent()) {
            return new Answer(delivered.get(), true, host, null, null);
        }
        return new Answer(summary(result.payloadText()), false, host, null, null);
    }

    private static JsonNode summary(String payload) {
        try {
            return JsonText.parse(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The hook answered something that is not JSON", e);
        }
    }

    private static String shortName(String errorType) {
        return errorType == null ? "Unknown" : errorType.substring(errorType.lastIndexOf('.') + 1);
    }

    private static LocalFunction hookFunction(Path projectRoot, String region) {
        return FunctionDirectory.of(SamTemplate.load(projectRoot.resolve("template.yaml")), region).functions().stream()
                .filter(f -> HOOK_HANDLER.equals(f.handlerClass()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("template.yaml has no function with handler "
                        + HOOK_HANDLER));
    }

    static boolean isLoopback(String url) {
        if (url == null || url.isBlank()) {
            return false;
        }
        try {
            String host = URI.create(url).getHost();
            return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                    || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {
        hook.close();
        bucket.close();
    }

    /** The name the hook fails with when its answer could not be delivered. */
    public static final String NOT_DELIVERED = AnswerNotDelivered.class.getSimpleName();
}
