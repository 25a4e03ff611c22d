package dev.vpcepilot.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.handlers.CloudFormationHookHandler;
import dev.vpcepilot.handlers.FunctionSettings;
import dev.vpcepilot.hook.AnswerDelivery;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.local.cfn.ResponseBucket;
import dev.vpcepilot.local.lambda.LocalLambdaContext;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.logging.FunctionLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The custom-resource hook in this JVM, for the rules that need one Step Functions history across requests: a
 * failed Create's marker names an execution, and its later Delete reads that execution's input (on AWS through
 * DescribeExecution). Each {@code ./run-local --cfn-event} has a history of its own, so a marker's Delete there
 * never finds the execution; here the CloudFormationHookHandler and one LocalWorkflowRunner serve every request, the
 * answers PUT to presigned S3 URLs on the emulator and read back, as CustomResourceTest does.
 */
final class InProcessHook implements AutoCloseable {

    private static final String HOOK_FUNCTION = "CloudFormationHookFunction";
    private final LocalWorkflow workflow;
    private final LocalWorkflowRunner runner;
    private final AwsClients clients;
    private final ResponseBucket bucket;
    private final CloudFormationHookHandler handler;

    /** The hook and its workflow talk to {@code endpoint} (a proxy in front of the emulator, or the emulator). */
    InProcessHook(URI endpoint) {
        URI moto = SharingWorld.moto();
        workflow = LocalWorkflow.builder(TestProject.root()).region(SharingWorld.REGION).endpoint(endpoint)
                .resources(moto).timeScale(0).functionLog(line -> { }).build();
        runner = new LocalWorkflowRunner(workflow);
        clients = AwsClients.forEndpoint(SharingWorld.REGION, endpoint);
        bucket = new ResponseBucket(moto, SharingWorld.REGION);
        Map<String, String> environment = new HashMap<>(workflow.environment(HOOK_FUNCTION));
        environment.put(FunctionSettings.HOOK_TIMEOUT_SECONDS, "60");
        handler = new CloudFormationHookHandler(clients, new FunctionSettings(environment), runner,
                UrlConnectionHttpClient.create(), AnswerDelivery.Timing.LAMBDA, Retrying.LAMBDA.scaled(0.01),
                FunctionLog.discard());
    }

    /** The lock table (with the claims) of the deployment the hook's workflow runs in. */
    String lockTable() {
        return workflow.environment("CreateEndpointFunction").get("LOCK_TABLE_NAME");
    }

    /**
     * The execution the hook starts for a Create or Update: it is named after the request ({@code cfn-<RequestId>},
     * PhysicalIds.executionName), so that a retried request attaches to it.
     */
    String executionArn(ObjectNode event) {
        return workflow.executionArn("cfn-" + event.path("RequestId").asText());
    }

    /** The answer CloudFormation got for the event (exit 0 for SUCCESS, as ./run-local --cfn-event says it). */
    RunLocal.Run send(ObjectNode event) {
        return send(event, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #send(ObjectNode)}, with the request's text edited on its way to the handler (what a JSON tree
     * cannot hold, such as a key given twice).
     */
    RunLocal.Run send(ObjectNode event, java.util.function.UnaryOperator<String> edit) {
        String key = "sharing-" + UUID.randomUUID() + ".json";
        event.put("ResponseURL", bucket.presignedPutUrl(key));
        byte[] request = edit.apply(new String(CfnRequests.bytes(event), java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            handler.handleRequest(new ByteArrayInputStream(request), new ByteArrayOutputStream(), context());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode answer = bucket.read(key).orElseThrow(() -> new AssertionError("CloudFormation got no answer"));
        return new RunLocal.Run("in-process " + event.path("RequestType").asText() + " of "
                + event.path("LogicalResourceId").asText() + " (" + event.path("StackId").asText() + ", physical id "
                + event.path("PhysicalResourceId").asText(null) + ")",
                "SUCCESS".equals(answer.path("Status").asText()) ? 0 : 1, answer.toPrettyString(), "",
                Duration.ZERO);
    }

    private static LocalLambdaContext context() {
        LocalFunction hook = new LocalFunction(HOOK_FUNCTION, HOOK_FUNCTION, CloudFormationHookHandler.class.getName(),
                "handleRequest", "java21", 900, 1024, "live");
        return new LocalLambdaContext(hook, hook.arn(SharingWorld.REGION, "live"), UUID.randomUUID().toString(),
                Clock.systemUTC(), line -> { });
    }

    @Override
    public void close() {
        runner.close();
        workflow.close();
        clients.close();
        bucket.close();
    }
}
