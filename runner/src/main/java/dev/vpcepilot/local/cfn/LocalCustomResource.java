package dev.vpcepilot.local.cfn;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.handlers.CloudFormationHookHandler;
import dev.vpcepilot.handlers.FunctionSettings;
import java.util.Map;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.lambda.LocalLambdaContext;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.lambda.powertools.cloudformation.Response;

/**
 * The custom-resource path run locally: the template's hook function, with the same handler class as in Lambda,
 * runs the project's state machine through {@link LocalWorkflowRunner} and PUTs its answer to the event's
 * {@code ResponseURL} over real HTTP. A {@code ResponseURL} that is not on loopback (the samples in
 * {@code events/} carry CloudFormation's kind) is replaced by a presigned PUT URL on the emulator, since local runs
 * talk only to 127.0.0.1; the answer is then read back from there.
 */
public final class LocalCustomResource implements AutoCloseable {

    public static final String HOOK_HANDLER = CloudFormationHookHandler.class.getName();

    /** What CloudFormation received (or, when it cannot be read back, what the hook answered). */
    public record Answer(JsonNode response, boolean readBack, String responseUrlHost) {

        public boolean success() {
            return "SUCCESS".equals(response.path("Status").asText());
        }
    }

    private final LocalWorkflowRunner runner;
    private final AwsClients clients;
    private final ResponseBucket bucket;
    private final LocalFunction hookFunction;
    private final Duration maxWait;
    private final SdkHttpClient responseClient;
    private final Consumer<String> log;
    private final String region;
    private final Map<String, String> hookEnvironment;

    public LocalCustomResource(Path projectRoot, LocalWorkflow workflow, URI endpoint, Consumer<String> log) {
        SamTemplate template = SamTemplate.load(projectRoot.resolve("template.yaml"));
        this.region = workflow.region();
        this.hookFunction = FunctionDirectory.of(template, region).functions().stream()
                .filter(f -> HOOK_HANDLER.equals(f.handlerClass()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("template.yaml has no function with handler "
                        + HOOK_HANDLER));
        JsonNode timeout = template.parameters().get("HookTimeoutSeconds");
        this.maxWait = Duration.ofSeconds(timeout == null ? 600 : timeout.path("Default").asLong(600));
        this.runner = new LocalWorkflowRunner(workflow);
        this.hookEnvironment = workflow.environment(hookFunction.logicalId());
        this.clients = AwsClients.forEndpoint(region, endpoint);
        this.bucket = new ResponseBucket(endpoint, region);
        this.responseClient = UrlConnectionHttpClient.create();
        this.log = log;
    }

    public Answer handle(CloudFormationCustomResourceEvent event) {
        String key = (event.getRequestId() == null ? UUID.randomUUID().toString() : event.getRequestId()) + ".json";
        boolean replaced = !isLoopback(event.getResponseUrl());
        if (replaced) {
            log.accept("ResponseURL is not on loopback: answering to a presigned URL on the emulator instead");
            event.setResponseUrl(bucket.presignedPutUrl(key));
        }
        String host = URI.create(event.getResponseUrl()).getHost();
        CloudFormationHookHandler handler = new CloudFormationHookHandler(clients,
                new FunctionSettings(hookEnvironment), runner, maxWait, "See the local runner's output above.",
                responseClient);
        LocalLambdaContext context = new LocalLambdaContext(hookFunction,
                hookFunction.arn(region, hookFunction.alias() == null ? "$LATEST" : hookFunction.alias()),
                UUID.randomUUID().toString(), Clock.systemUTC(), log);
        Response response = handler.handleRequest(event, context);
        if (replaced) {
            Optional<JsonNode> delivered = bucket.read(key);
            if (delivered.isPresent()) {
                return new Answer(delivered.get(), true, host);
            }
        }
        return new Answer(summary(response), false, host);
    }

    private static JsonNode summary(Response response) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("Status", response == null || response.getStatus() == null ? "FAILED" : response.getStatus().name());
        answer.put("PhysicalResourceId", response == null ? null : response.getPhysicalResourceId());
        answer.put("Reason", response == null ? "The hook returned no answer." : response.getReason());
        return answer;
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
        runner.close();
        bucket.close();
        clients.close();
        responseClient.close();
    }
}
