package dev.vpcepilot.hook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.PolicyWish;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Create and Update through the workflow: one execution of the endpoint state machine, named after the request and
 * claiming for this resource, waited for until the time bound less the reserve kept to stop and undo it. An
 * execution still running then, or an Update answered FAILED after its execution succeeded (its Tags changed on
 * endpoints this resource does not hold, rule 6), is undone before the answer (rules 11 and 13).
 */
final class CreateOrUpdate {

    /**
     * Of the hook's time, what is kept to stop and undo an execution that outlives the rest (at most a quarter of a
     * short time bound): the FAILED answer still comes at the time bound, with nothing left behind.
     */
    static final Duration UNDO_RESERVE = Duration.ofSeconds(20);

    private final WorkflowRunner workflow;
    private final ExecutionUndo undo;
    private final HookReasons reasons;
    private final Retrying retrying;
    private final Clock clock;
    private final FunctionLog log;

    CreateOrUpdate(WorkflowRunner workflow, ExecutionUndo undo, HookReasons reasons, Retrying retrying, Clock clock,
                   FunctionLog log) {
        this.workflow = workflow;
        this.undo = undo;
        this.reasons = reasons;
        this.retrying = retrying;
        this.clock = clock;
        this.log = log;
    }

    HookAnswer run(CustomResourceRequest event, Duration timeBudget, Instant deadline) {
        String failureId = PhysicalIds.afterFailure(event);
        ObjectNode input;
        try {
            input = executionInput(event);
        } catch (WorkflowError e) {
            return HookAnswer.failed(failureId, HookReasons.refused(e));
        }
        String name = PhysicalIds.executionName(event);
        // A retried run attaches to the execution of the same name: Step Functions starts it once.
        Duration reserve = min(UNDO_RESERVE, remaining(deadline).dividedBy(4));
        Instant waitUntil = deadline.minus(reserve);
        WorkflowRunner.Outcome outcome = retrying.until(waitUntil, clock, log, "Running the workflow",
                () -> workflow.run(name, input, remaining(waitUntil)));
        String executionArn = outcome.executionArn();
        if (outcome.status() == WorkflowRunner.Status.TIMED_OUT) {
            List<String> deleted = undo.stopAndUndo(event, executionArn, input, deadline);
            return HookAnswer.failed(failureId, reasons.timedOut(event.requestType(), executionArn, timeBudget,
                    deleted));
        }
        if (outcome.status() != WorkflowRunner.Status.SUCCEEDED) {
            return HookAnswer.failed(failureId, reasons.failed(event.requestType(), outcome));
        }
        ServedResource output = ServedResource.read(outcome.output());
        if ("Update".equals(event.requestType()) && tagsChanged(event) && !output.allHeld()) {
            // FAILED after the execution succeeded: CloudFormation keeps the event's id and never hears of what the
            // execution did (in another VPC, an endpoint it created and the stack's claim there would be orphans),
            // so it is undone before the answer, as after the time bound.
            List<String> deleted = undo.undo(event, executionArn, HookScopes.ofOutput(executionArn, output), deadline);
            return HookAnswer.failed(failureId, HookReasons.tagsNotHeld(output, executionArn, deleted));
        }
        String servingIds = String.join(",", output.servingIds());
        return HookAnswer.success(servingIds, HookReasons.succeeded(output, executionArn),
                ResourceData.of(output, servingIds));
    }

    /** The execution input: the properties, this resource as the claimant, and the declarative parts made explicit. */
    private static ObjectNode executionInput(CustomResourceRequest event) {
        ObjectNode input = ResourceProperties.toExecutionInput(event.resourceProperties());
        if (event.stackId() == null || event.logicalResourceId() == null) {
            throw new InvalidInput("The request lacks StackId or LogicalResourceId.");
        }
        ObjectNode customResource = input.putObject("customResource");
        customResource.put("stackId", event.stackId());
        customResource.put("logicalResourceId", event.logicalResourceId());
        // A template's Tags are the endpoint's user tags: removing them from the template removes them.
        if (!input.has("tags")) {
            input.putObject("tags");
        }
        // Removing PolicyDocument from the template puts AWS's default back (EC2 ResetPolicy), as the template says.
        if ("Update".equals(event.requestType()) && !input.has("policyDocument")
                && ResourceProperties.text(event.oldResourceProperties(), "PolicyDocument") != null) {
            input.put("policyDocument", PolicyWish.DEFAULT_KEYWORD);
        }
        return input;
    }

    private static boolean tagsChanged(CustomResourceRequest event) {
        Object before = event.oldResourceProperties() == null ? null : event.oldResourceProperties().get("Tags");
        Object after = event.resourceProperties() == null ? null : event.resourceProperties().get("Tags");
        return !Objects.equals(ResourceProperties.tagsOf(before), ResourceProperties.tagsOf(after));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
