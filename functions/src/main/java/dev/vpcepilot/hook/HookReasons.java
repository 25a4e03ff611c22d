package dev.vpcepilot.hook;

import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.service.FailureDescriber;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The wording of the hook's answers: every Reason CloudFormation shows for this resource, in one place. A failure
 * names the stable error and where a person finds the details ({@code logHint}).
 */
final class HookReasons {

    private final String logHint;

    /** @param logHint where a person finds the details, e.g. the state machine's log group */
    HookReasons(String logHint) {
        this.logHint = logHint;
    }

    static String unknownRequestType(String type) {
        return "Unknown RequestType " + type + ". Allowed: Create, Update, Delete.";
    }

    /** What went wrong, for the log and the reason: the stable error name, or the unexpected exception's class. */
    static String what(RuntimeException e) {
        return e instanceof WorkflowError we ? we.errorName() + ": " + e.getMessage()
                : "Unexpected " + e.getClass().getName() + ": " + e.getMessage();
    }

    String error(String type, RuntimeException e) {
        return type + " failed. " + what(e) + " " + logHint;
    }

    /** The properties cannot become an execution's input: nothing was started. */
    static String refused(WorkflowError e) {
        return e.errorName() + ": " + e.getMessage();
    }

    String failed(String type, WorkflowRunner.Outcome outcome) {
        FailureDescriber.Described described = FailureDescriber.describe(outcome.error(), outcome.cause());
        return type + " failed: " + described.error() + ": " + described.cause() + " (execution "
                + outcome.executionArn() + "; " + logHint + ")";
    }

    String timedOut(String type, String executionArn, Duration timeBudget, List<String> deleted) {
        return type + " failed: the execution " + executionArn + " did not finish within the " + timeBudget.toSeconds()
                + " s this invocation had; it was stopped" + (deleted.isEmpty() ? "" : " and " + deleted + " deleted")
                + ". " + logHint;
    }

    static String tagsNotHeld(ServedResource output, String executionArn, List<String> deleted) {
        return "Update failed: the Tags changed, but the " + output.placesNoun().toLowerCase(Locale.ROOT)
                + " are served by endpoints this resource does not hold (" + output.endpoints() + "; claims "
                + json(output.claims()) + "): only the claimant an endpoint was created for may change its tags. What "
                + "the execution " + executionArn + " did was undone" + (deleted.isEmpty() ? "" : ": " + deleted
                + " deleted") + ".";
    }

    static String succeeded(ServedResource output, String executionArn) {
        return output.placesNoun() + " " + json(output.places()) + " served by " + output.servingIds() + " ("
                + (output.created() ? "created" : "reused") + ") and verified; claims " + json(output.claims())
                + " (execution " + executionArn + ")";
    }

    // ---- Delete ----

    static String nothingToDelete() {
        return "Nothing to delete.";
    }

    static String createNeverStarted() {
        return "The Create had failed before its execution started; nothing to undo.";
    }

    static String markerOfAnotherResource(CustomResourceRequest event) {
        return "The marker names an execution that was not for this resource (" + event.logicalResourceId()
                + " of this stack); nothing was undone.";
    }

    static String createHadNoVpc() {
        return "The Create had failed before a VPC was resolved; nothing to undo.";
    }

    static String createUndone(List<String> deleted) {
        return deleted.isEmpty() ? "The Create had failed; nothing it made was left for this resource."
                : "The Create had failed; deleted what its execution left: " + deleted + ".";
    }

    static String notAnEndpointId(String id) {
        return id + " is not an endpoint id; nothing was released.";
    }

    static String alreadyGone(String id) {
        return id + " is already gone.";
    }

    static String released(Scope scope, SharedEndpoints.Released released) {
        if (released.releasedRouteTables().isEmpty()) {
            return "This resource held no claim in " + scope.vpcId() + " under this id (an Update moved it); nothing "
                    + "was released.";
        }
        StringBuilder text = new StringBuilder("Released " + released.releasedRouteTables() + " in " + scope.vpcId()
                + ".");
        if (!released.deleted().isEmpty()) {
            text.append(" Deleted ").append(String.join(", ", released.deleted())).append(": nobody else claims it.");
        }
        released.keptFor().forEach((endpoint, claimants) -> text.append(' ').append(endpoint).append(" stays for ")
                .append(String.join(", ", claimants.stream().map(Claimant::describe).toList()))
                .append('.'));
        return text.toString();
    }

    /** As the execution's output writes it. */
    private static String json(Object value) {
        return Json.MAPPER.valueToTree(value).toString();
    }
}
