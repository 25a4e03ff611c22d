package dev.vpcepilot.hook;

import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.logging.FunctionLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The {@code Custom::DynamoDbVpcEndpoint} lifecycle (docs/design.md section 5): Create and Update run the workflow
 * with the resource's claim (its stack and logical id: {@link CreateOrUpdate}); Delete releases that claim, and the
 * endpoint goes only when nobody else claims its route tables ({@link ResourceDelete}); what an execution did for a
 * FAILED answer is undone ({@link ExecutionUndo}). The ids follow {@link PhysicalIds}, the reasons
 * {@link HookReasons}. Never throws: every path ends in an answer for CloudFormation.
 */
public final class EndpointHook {

    private final CreateOrUpdate createOrUpdate;
    private final ResourceDelete delete;
    private final HookReasons reasons;
    private final FunctionLog log;
    private final Retrying retrying;
    private final Clock clock;

    /**
     * @param logHint  where a person finds the details, e.g. the state machine's log group (goes into reasons)
     * @param retrying how the hook's own AWS work is retried until its deadline
     */
    public EndpointHook(WorkflowRunner workflow, Ec2Client ec2, Coordinators coordinators, String logHint,
                        FunctionLog log, Retrying retrying, Clock clock) {
        HookScopes scopes = new HookScopes(ec2, workflow);
        this.reasons = new HookReasons(logHint);
        this.createOrUpdate = new CreateOrUpdate(workflow, new ExecutionUndo(workflow, coordinators, scopes, retrying,
                clock, log), reasons, retrying, clock, log);
        this.delete = new ResourceDelete(ec2, workflow, coordinators, scopes, log);
        this.log = log;
        this.retrying = retrying;
        this.clock = clock;
    }

    public HookAnswer handle(CustomResourceRequest event, Duration timeBudget) {
        String type = event.requestType();
        Instant deadline = clock.instant().plus(timeBudget);
        try {
            return switch (type == null ? "" : type) {
                case "Create", "Update" -> createOrUpdate.run(event, timeBudget, deadline);
                case "Delete" -> retrying.until(deadline, clock, log, "Delete", () -> delete.delete(event));
                default -> HookAnswer.failed(PhysicalIds.afterError(event), HookReasons.unknownRequestType(type));
            };
        } catch (RuntimeException e) {
            log.error(type + " failed: " + HookReasons.what(e));
            return HookAnswer.failed(PhysicalIds.afterError(event), reasons.error(type, e));
        }
    }
}
