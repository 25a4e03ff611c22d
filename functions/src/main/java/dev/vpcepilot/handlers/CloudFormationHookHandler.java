package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.errors.AnswerNotDelivered;
import dev.vpcepilot.hook.AnswerDelivery;
import dev.vpcepilot.hook.Coordinators;
import dev.vpcepilot.hook.CustomResourceRequest;
import dev.vpcepilot.hook.EndpointHook;
import dev.vpcepilot.hook.HookAnswer;
import dev.vpcepilot.hook.PhysicalIds;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.hook.StepFunctionsWorkflowRunner;
import dev.vpcepilot.hook.WorkflowRunner;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.logging.FunctionLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The {@code Custom::DynamoDbVpcEndpoint} service token, as a stream handler: the request is read by our own
 * Jackson into {@link CustomResourceRequest} (no runtime serializer, no event library, no joda-time), checked,
 * decided by {@link EndpointHook} within a time bound, and answered by {@link AnswerDelivery}. The guarantees of the
 * entry point, enforced here:
 * <ul>
 *   <li>A request that can be answered always is: an invalid one (an unknown {@code RequestType}, no
 *       {@code RequestId}, a field of the wrong type) answers FAILED naming what is wrong, and starts nothing.</li>
 *   <li>A request without a usable {@code ResponseURL} (missing, not https, plain http off loopback) cannot be
 *       answered: it is logged (without the URL) and the invocation fails with {@code InvalidInput}.</li>
 *   <li>The workflow is waited for at most {@link FunctionSettings#hookTimeout()}, and never longer than the Lambda time
 *       left less {@link #HEADROOM}: the hook's deadline.</li>
 *   <li>The answer's delivery is retried until that deadline, and at least 20 s after the answer is ready (within
 *       the headroom, so that a FAILED answer after the time bound still has time to arrive).
 *       An answer that did not arrive is logged by request id and fails the invocation with
 *       {@code AnswerNotDelivered}; the ResponseURL reaches no log.</li>
 * </ul>
 */
public final class CloudFormationHookHandler implements RequestStreamHandler {

    /**
     * Headroom kept between our own time bound and the Lambda timeout, to send FAILED in time: it holds the
     * answer's minimum delivery window ({@link AnswerDelivery.Timing#LAMBDA}: 20 s) and one more PUT's bounds
     * (3 s to connect, 5 s to read).
     */
    static final Duration HEADROOM = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private final EndpointHook hook;
    private final Duration maxWait;
    private final AnswerDelivery delivery;
    private final Clock clock;
    private final FunctionLog log;

    public CloudFormationHookHandler() {
        this(SharedClients.get(), FunctionSettings.fromEnvironment());
    }

    /** As in Lambda: the state machine the settings name, polled every 2 s. */
    public CloudFormationHookHandler(AwsClients clients, FunctionSettings settings) {
        this(clients, settings, new StepFunctionsWorkflowRunner(clients.sfn(), settings.stateMachineArn(),
                        Duration.ofSeconds(2)),
                UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT)
                        .build(), AnswerDelivery.Timing.LAMBDA, Retrying.LAMBDA, FunctionLog.lambda());
    }

    /**
     * @param settings       the lock table, the hook's time bound and the state machine's log group
     * @param deliveryTiming how the answer's PUT is retried (local runs scale it down)
     * @param retrying       how the hook's own AWS work is retried until its deadline (local runs scale it down)
     * @param log            where the hook's log lines go (in Lambda: the runtime's logger, each line with its level)
     */
    public CloudFormationHookHandler(AwsClients clients, FunctionSettings settings, WorkflowRunner workflow,
                                     SdkHttpClient responseHttpClient, AnswerDelivery.Timing deliveryTiming,
                                     Retrying retrying, FunctionLog log) {
        this.maxWait = settings.hookTimeout();
        this.clock = Clock.systemUTC();
        this.log = log;
        String lockTable = settings.lockTable();
        this.hook = new EndpointHook(workflow, clients.ec2(), Coordinators.forTable(clients.ec2(), clients.dynamoDb(),
                lockTable, log.infoLines()), logHint(settings.stateMachineLogGroup()), log, retrying, clock);
        this.delivery = new AnswerDelivery(responseHttpClient, deliveryTiming, clock, log);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Instant started = clock.instant();
        CustomResourceRequest request;
        try {
            request = CustomResourceRequest.read(input);
        } catch (RuntimeException e) {
            log.error(e.getMessage());
            throw e;
        }
        // The ResponseURL is a presigned credential: it is never logged.
        log.info("CloudFormation " + request.describe());
        Duration budget = budget(context);
        HookAnswer answer = request.valid() ? hook.handle(request, budget) : refused(request);
        String answering = "Answering " + (answer.success() ? "SUCCESS" : "FAILED") + " with physical id "
                + answer.physicalResourceId() + ": " + answer.reason();
        if (answer.success()) {
            log.info(answering);
        } else {
            log.error(answering);
        }
        AnswerDelivery.Outcome outcome = delivery.deliver(request, answer, started.plus(budget));
        if (!outcome.delivered()) {
            String message = "The answer (" + (answer.success() ? "SUCCESS" : "FAILED") + ") to CloudFormation request "
                    + request.requestId() + " (" + request.requestType() + " " + request.logicalResourceId()
                    + ") could not be delivered after " + outcome.attempts() + " PUT" + (outcome.attempts() == 1 ? ""
                    : "s") + ": " + outcome.last();
            log.error(message);
            throw new AnswerNotDelivered(message);
        }
        // what the invocation returns (CloudFormation ignores it; local runs print it when the answer went elsewhere)
        ObjectNode summary = Json.MAPPER.createObjectNode();
        summary.put("RequestId", request.requestId());
        summary.put("Status", answer.success() ? "SUCCESS" : "FAILED");
        summary.put("PhysicalResourceId", answer.physicalResourceId());
        summary.put("Reason", answer.reason());
        summary.put("Delivered", true);
        summary.put("Attempts", outcome.attempts());
        Json.MAPPER.writeValue(output, summary);
    }

    /**
     * A request we will not act on answers FAILED and starts nothing. The physical id: the request's own for an
     * Update or Delete; for a Create (there is none yet) a failed-create marker that names no execution.
     */
    private static HookAnswer refused(CustomResourceRequest request) {
        return HookAnswer.failed(PhysicalIds.ofRefused(request), "Invalid custom-resource request: "
                + String.join("; ", request.problems()) + ". Nothing was started.");
    }

    /** Where a person finds the details of a failed execution, for the answer's Reason. */
    private static String logHint(Optional<String> stateMachineLogGroup) {
        return "See the state machine's execution history and the log group "
                + stateMachineLogGroup.orElse("of the state machine") + ".";
    }

    private Duration budget(Context context) {
        if (context == null || context.getRemainingTimeInMillis() <= 0) {
            return maxWait;
        }
        Duration left = Duration.ofMillis(context.getRemainingTimeInMillis()).minus(HEADROOM);
        Duration bound = left.compareTo(maxWait) < 0 ? left : maxWait;
        return bound.isNegative() ? Duration.ZERO : bound;
    }
}
