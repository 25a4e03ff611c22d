package dev.vpcepilot.aws;

import static dev.vpcepilot.fixtures.Fixtures.dynamoError;
import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.VpcNotFound;
import dev.vpcepilot.errors.WorkflowError;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

class AwsCallsTest {

    @Test
    void requestLimitExceededIsAThrottlingErrorToTheSdk() {
        assertTrue(ec2Error(503, "RequestLimitExceeded").isThrottlingException());
        assertTrue(ec2Error(400, "Throttling").isThrottlingException());
        assertTrue(dynamoError(400, "ThrottlingException").isThrottlingException());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(ec2Error(503, "RequestLimitExceeded"), true),
                Arguments.of(ec2Error(400, "RequestLimitExceeded"), true),
                Arguments.of(ec2Error(400, "Throttling"), true),
                Arguments.of(ec2Error(429, "TooManyRequests"), true),
                Arguments.of(ec2Error(500, "InternalError"), true),
                Arguments.of(ec2Error(502, "BadGateway"), true),
                Arguments.of(dynamoError(400, "ProvisionedThroughputExceededException"), true),
                Arguments.of(SdkClientException.create("connection reset"), true),
                Arguments.of(ec2Error(400, "InvalidParameterValue"), false),
                Arguments.of(ec2Error(403, "UnauthorizedOperation"), false),
                Arguments.of(dynamoError(400, "AccessDeniedException"), false));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void classifiesFailures(SdkException failure, boolean transientFailure) {
        assertEquals(transientFailure, AwsCalls.isTransient(failure));

        WorkflowError error = assertThrows(WorkflowError.class, () -> AwsCalls.call("EC2 Something", () -> {
            throw failure;
        }));
        Class<? extends WorkflowError> expected = transientFailure ? TransientAwsError.class : AwsRequestFailed.class;
        assertEquals(expected, error.getClass());
        assertTrue(error.getMessage().startsWith("EC2 Something "), error.getMessage());
        assertSame(failure, error.getCause());
        String code = AwsCalls.errorCode(failure);
        if (code != null) {
            assertTrue(error.getMessage().contains(code), error.getMessage());
        }
    }

    @Test
    void aServiceErrorMessageNamesCodeStatusAndAwsMessage() {
        WorkflowError error = AwsCalls.translate("EC2 DescribeVpcs", ec2Error(403, "UnauthorizedOperation"));

        assertEquals("EC2 DescribeVpcs was refused: UnauthorizedOperation (HTTP 403): UnauthorizedOperation happened",
                error.getMessage());
    }

    @Test
    void aClientErrorMessageNamesTheExceptionAndItsMessage() {
        WorkflowError error = AwsCalls.translate("EC2 DescribeVpcs", SdkClientException.create("connection reset"));

        assertEquals("EC2 DescribeVpcs failed transiently after the SDK's retries: SdkClientException: "
                + "connection reset", error.getMessage());
    }

    @Test
    void workflowErrorsPassThroughUntouchedAndResultsAreReturned() {
        VpcNotFound original = new VpcNotFound("gone");
        assertSame(original, assertThrows(VpcNotFound.class, () -> AwsCalls.call("x", () -> {
            throw original;
        })));
        assertEquals("ok", AwsCalls.call("x", () -> "ok"));
    }

    @Test
    void errorCodeIsNullWithoutServiceDetails() {
        assertNull(AwsCalls.errorCode(SdkClientException.create("no details")));
        assertEquals("InvalidVpcID.NotFound", AwsCalls.errorCode(ec2Error(400, "InvalidVpcID.NotFound")));
    }

    @Test
    void workflowErrorsAreNamedAfterTheirClassAndCarryNoStackTrace() {
        WorkflowError error = new VpcNotFound("gone");

        assertEquals("VpcNotFound", error.errorName());
        assertEquals(0, error.getStackTrace().length);
        assertEquals("dev.vpcepilot.errors", WorkflowError.ERROR_PACKAGE);
    }
}
