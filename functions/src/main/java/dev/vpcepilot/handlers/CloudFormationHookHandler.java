package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.hook.EndpointHook;
import dev.vpcepilot.hook.HookAnswer;
import dev.vpcepilot.hook.RetryingHttpClient;
import dev.vpcepilot.hook.StepFunctionsWorkflowRunner;
import dev.vpcepilot.hook.WorkflowRunner;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.time.Duration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.lambda.powertools.cloudformation.AbstractCustomResourceHandler;
import software.amazon.lambda.powertools.cloudformation.Response;

/**
 * The {@code Custom::DynamoDbVpcEndpoint} service token. Powertools dispatches Create/Update/Delete and PUTs the
 * answer to {@code ResponseURL} (answering FAILED itself should anything escape); {@link EndpointHook} decides
 * the answer, within a time bound that ends well before this function's timeout, so CloudFormation always
 * gets one. The PUT is retried once.
 */
public final class CloudFormationHookHandler extends AbstractCustomResourceHandler {

    /** Headroom kept between our own time bound and the Lambda timeout, to send FAILED in time. */
    static final Duration HEADROOM = Duration.ofSeconds(30);

    private final EndpointHook hook;
    private final Duration maxWait;

    public CloudFormationHookHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment(), new StepFunctionsWorkflowRunner(
                SharedClients.get().sfn(), requiredEnv("STATE_MACHINE_ARN"), Duration.ofSeconds(2)),
                Duration.ofSeconds(Long.parseLong(envOr("HOOK_TIMEOUT_SECONDS", "600"))),
                "See the state machine's execution history and the log group " + envOr("STATE_MACHINE_LOG_GROUP",
                        "of the state machine") + ".",
                UrlConnectionHttpClient.create());
    }

    public CloudFormationHookHandler(AwsClients clients, FunctionSettings settings, WorkflowRunner workflow,
                                     Duration maxWait, String logHint, SdkHttpClient responseHttpClient) {
        super(new RetryingHttpClient(responseHttpClient));
        this.maxWait = maxWait;
        String lockTable = settings.lockTable();
        this.hook = new EndpointHook(workflow, clients.ec2(), owner -> SharedEndpoints.forTable(clients.ec2(),
                clients.dynamoDb(), lockTable, owner, System.err::println), clients.region(), logHint,
                System.err::println);
    }

    @Override
    protected Response create(CloudFormationCustomResourceEvent event, Context context) {
        return answer(event, context);
    }

    @Override
    protected Response update(CloudFormationCustomResourceEvent event, Context context) {
        return answer(event, context);
    }

    @Override
    protected Response delete(CloudFormationCustomResourceEvent event, Context context) {
        return answer(event, context);
    }

    private Response answer(CloudFormationCustomResourceEvent event, Context context) {
        // The ResponseURL is a presigned credential: it is never logged.
        System.err.println("CloudFormation " + event.getRequestType() + " for " + event.getLogicalResourceId()
                + " in " + event.getStackId() + " (request " + event.getRequestId() + ", physical id "
                + event.getPhysicalResourceId() + ")");
        HookAnswer answer = hook.handle(event, budget(context));
        System.err.println("Answering " + (answer.success() ? "SUCCESS" : "FAILED") + " with physical id "
                + answer.physicalResourceId() + ": " + answer.reason());
        return Response.builder()
                .status(answer.success() ? Response.Status.SUCCESS : Response.Status.FAILED)
                .physicalResourceId(answer.physicalResourceId())
                .reason(answer.reason())
                .value(answer.data())
                .build();
    }

    /** Powertools calls this when the PUT failed even after {@link RetryingHttpClient}'s second try. */
    @Override
    protected void onSendFailure(CloudFormationCustomResourceEvent event, Context context, Response response,
                                 Exception exception) {
        // The ResponseURL is a credential: name the request, never the URL.
        System.err.println("ERROR: the answer for CloudFormation request " + event.getRequestId() + " ("
                + event.getRequestType() + " " + event.getLogicalResourceId() + ") could not be delivered: "
                + exception.getClass().getSimpleName() + ": " + exception.getMessage());
    }

    private Duration budget(Context context) {
        if (context == null || context.getRemainingTimeInMillis() <= 0) {
            return maxWait;
        }
        Duration left = Duration.ofMillis(context.getRemainingTimeInMillis()).minus(HEADROOM);
        Duration bound = left.compareTo(maxWait) < 0 ? left : maxWait;
        return bound.isNegative() ? Duration.ZERO : bound;
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
