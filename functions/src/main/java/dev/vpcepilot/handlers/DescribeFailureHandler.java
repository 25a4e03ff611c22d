package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.service.FailureDescriber;

/**
 * A step that failed, described for the execution's result without undoing anything (a fleet step; the endpoint
 * workflow's DataPathBlocked): the stable error name (InvalidInput, not dev.vpcepilot.errors.InvalidInput) and the
 * message without the Lambda error document around it.
 */
public final class DescribeFailureHandler extends JsonStepHandler<DescribeFailureHandler.Input,
        FailureDescriber.Described> {

    /** A Catch's {@code Error} and {@code Cause}. */
    public record Input(String error, String cause) {
    }

    public DescribeFailureHandler() {
        super(Input.class);
    }

    /** The local runner's constructor: this step calls no AWS service. */
    public DescribeFailureHandler(dev.vpcepilot.aws.AwsClients clients, FunctionSettings settings) {
        this();
    }

    @Override
    protected FailureDescriber.Described handle(Input input, Context context) {
        FailureDescriber.Described described = FailureDescriber.describe(input.error(), input.cause());
        log(context).error("Failed: " + described.error() + ": " + described.cause());
        return described;
    }
}
