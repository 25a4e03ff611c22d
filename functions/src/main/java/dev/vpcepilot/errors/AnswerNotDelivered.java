package dev.vpcepilot.errors;

/**
 * The custom-resource hook could not deliver its answer to CloudFormation's ResponseURL (it retried what may pass
 * until its deadline). Fails the hook's invocation, so that the failure is visible (and Lambda's asynchronous
 * retries get one more chance: the execution is named after the request, so a retry starts nothing new). The
 * message names the request, never the URL.
 */
public final class AnswerNotDelivered extends WorkflowError {

    public AnswerNotDelivered(String message) {
        super(message);
    }
}
