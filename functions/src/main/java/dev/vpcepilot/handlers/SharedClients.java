package dev.vpcepilot.handlers;

import dev.vpcepilot.aws.AwsClients;

/**
 * The per-container SDK clients of a Lambda function, built once at class initialisation (before the SnapStart
 * snapshot) from the function's environment; also registers the SnapStart priming hook.
 */
final class SharedClients {

    private static final class Holder {
        private static final AwsClients CLIENTS = AwsClients.fromEnvironment();

        static {
            SnapStartPriming.register();
        }
    }

    private SharedClients() {
    }

    static AwsClients get() {
        return Holder.CLIENTS;
    }
}
