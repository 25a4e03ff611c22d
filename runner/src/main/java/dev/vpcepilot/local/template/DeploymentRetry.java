package dev.vpcepilot.local.template;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A deployment's call to the emulator (creating the template's tables and buckets), tried again while it is
 * throttled, answered with a 5xx or its connection fails, as CloudFormation retries its own calls: the local
 * "deployment" goes through the same fault proxy as the run, and a storm the run survives must not fail it first.
 */
final class DeploymentRetry {

    /** Tries of one call. */
    static final int TRIES = 10;

    private DeploymentRetry() {
    }

    static void call(Runnable call) {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (SdkException e) {
                boolean transientError = e instanceof SdkClientException || (e instanceof AwsServiceException ase
                        && (ase.isThrottlingException() || ase.statusCode() >= 500));
                if (!transientError || attempt >= TRIES) {
                    throw e;
                }
                try {
                    Thread.sleep(Math.min(1000, 50L << attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
