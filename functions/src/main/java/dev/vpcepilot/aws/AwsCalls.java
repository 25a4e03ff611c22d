package dev.vpcepilot.aws;

import java.util.Set;
import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.WorkflowError;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs one AWS call and turns what the SDK throws (after its own retries) into the workflow's typed errors:
 * throttling, 5xx and I/O failures become {@link TransientAwsError} (the state machine retries it), anything
 * else becomes {@link AwsRequestFailed} naming the call and AWS's error code. Call sites that expect a
 * specific error code (a missing VPC, say) catch {@link AwsServiceException} themselves first.
 */
public final class AwsCalls {

    private AwsCalls() {
    }

    public static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (WorkflowError e) {
            throw e;
        } catch (SdkException e) {
            throw translate(operation, e);
        }
    }

    /**
     * Like {@link #call}, but an AWS error whose code is one of {@code expectedCodes} (a VPC that does not
     * exist, say) is an answer, not a failure: it yields {@code whenExpected}, which may also throw.
     */
    public static <T> T callOr(String operation, Supplier<T> call, Set<String> expectedCodes,
                               Supplier<T> whenExpected) {
        try {
            return call.get();
        } catch (WorkflowError e) {
            throw e;
        } catch (SdkException e) {
            String code = errorCode(e); // null for I/O errors: Set.of(...).contains(null) would throw
            if (code != null && expectedCodes.contains(code)) {
                return whenExpected.get();
            }
            throw translate(operation, e);
        }
    }

    public static WorkflowError translate(String operation, SdkException e) {
        if (isTransient(e)) {
            return new TransientAwsError(operation + " failed transiently after the SDK's retries: "
                    + describe(e), e);
        }
        return new AwsRequestFailed(operation + " was refused: " + describe(e), e);
    }

    public static boolean isTransient(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || ase.statusCode() >= 500 || ase.statusCode() == 429;
        }
        return e instanceof SdkClientException;
    }

    /** The AWS error code of a service exception, or null. */
    public static String errorCode(SdkException e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            return ase.awsErrorDetails().errorCode();
        }
        return null;
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String message = ase.awsErrorDetails().errorMessage();
            return ase.awsErrorDetails().errorCode() + " (HTTP " + ase.statusCode() + ")"
                    + (message == null ? "" : ": " + message);
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
