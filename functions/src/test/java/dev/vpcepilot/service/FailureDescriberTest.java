package dev.vpcepilot.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailureDescriberTest {

    /** What the Lambda Java runtime puts in a task failure's Cause. */
    private static String lambdaCause(String type, String message) {
        return "{\"errorMessage\":\"" + message + "\",\"errorType\":\"" + type + "\",\"stackTrace\":["
                + "\"dev.vpcepilot.service.VpcResolver.existingVpc(VpcResolver.java:92)\","
                + "\"dev.vpcepilot.handlers.JsonStepHandler.handleRequest(JsonStepHandler.java:36)\"]}";
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("dev.vpcepilot.errors.VpcNotFound",
                        lambdaCause("dev.vpcepilot.errors.VpcNotFound", "VPC vpc-01234567 does not exist."),
                        "VpcNotFound", "VPC vpc-01234567 does not exist."),
                Arguments.of("dev.vpcepilot.errors.InvalidInput",
                        lambdaCause("dev.vpcepilot.errors.InvalidInput", "Unknown input key 'x'."),
                        "InvalidInput", "Unknown input key 'x'."),
                Arguments.of("dev.vpcepilot.errors.TransientAwsError", "plain text cause",
                        "TransientAwsError", "plain text cause"),
                Arguments.of("States.Timeout", "Task timed out after 60.00 seconds", "States.Timeout",
                        "Task timed out after 60.00 seconds"),
                Arguments.of("States.TaskFailed", null, "States.TaskFailed", ""),
                Arguments.of("Lambda.ServiceException", "  Rate exceeded  ", "Lambda.ServiceException", "Rate exceeded"),
                // raised by the state machine's own Pass states
                Arguments.of("EndpointNotAvailable", "Endpoint vpce-1 is in state failed: it will not become available.",
                        "EndpointNotAvailable", "Endpoint vpce-1 is in state failed: it will not become available."),
                Arguments.of(null, "something", "InternalError", "something"),
                Arguments.of("  ", "something", "InternalError", "something"),
                // a JSON cause without errorMessage, and one that is not JSON at all, are kept as they are
                Arguments.of("States.Runtime", "{\"detail\":\"x\"}", "States.Runtime", "{\"detail\":\"x\"}"),
                Arguments.of("States.Runtime", "{not json", "States.Runtime", "{not json"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void namesTheErrorAndKeepsOnlyTheMessage(String error, String cause, String expectedError, String expectedCause) {
        FailureDescriber.Described described = FailureDescriber.describe(error, cause);

        assertEquals(expectedError, described.error());
        assertEquals(expectedCause, described.cause());
    }

    @Test
    void noStackTraceSurvives() {
        FailureDescriber.Described described = FailureDescriber.describe("dev.vpcepilot.errors.VpcNotFound",
                lambdaCause("dev.vpcepilot.errors.VpcNotFound", "VPC vpc-01234567 does not exist."));

        assertFalse(described.cause().contains("stackTrace"), described.cause());
        assertFalse(described.cause().contains("VpcResolver.java"), described.cause());
        assertFalse(described.cause().contains("errorType"), described.cause());
    }

    @Test
    void anUnexpectedJavaExceptionIsAnInternalErrorThatStillSaysWhatHappened() {
        FailureDescriber.Described described = FailureDescriber.describe("java.lang.NullPointerException",
                lambdaCause("java.lang.NullPointerException", "Cannot invoke \\\"String.length()\\\""));

        assertEquals("InternalError", described.error());
        assertTrue(described.cause().startsWith("Unexpected java.lang.NullPointerException: Cannot invoke"),
                described.cause());
        assertTrue(described.cause().contains("function's log"), described.cause());
        assertFalse(described.cause().contains("stackTrace"), described.cause());
    }

    @Test
    void anUnexpectedExceptionWithoutMessageStillNamesTheException() {
        FailureDescriber.Described described = FailureDescriber.describe("java.lang.IllegalStateException", null);

        assertEquals("InternalError", described.error());
        assertTrue(described.cause().startsWith("Unexpected java.lang.IllegalStateException (see"), described.cause());
    }

    @Test
    void theCauseIsCutTo4000Characters() {
        String longMessage = "x".repeat(10_000);

        FailureDescriber.Described described = FailureDescriber.describe("dev.vpcepilot.errors.VerificationFailed",
                lambdaCause("dev.vpcepilot.errors.VerificationFailed", longMessage));

        assertEquals(FailureDescriber.MAX_CAUSE_CHARS, described.cause().length());
        assertTrue(described.cause().endsWith("..."));
        assertTrue(described.cause().startsWith("xxxx"));
    }

    @Test
    void aCauseOfExactly4000CharactersIsKeptWhole() {
        String message = "y".repeat(FailureDescriber.MAX_CAUSE_CHARS);

        assertEquals(message, FailureDescriber.describe("States.TaskFailed", message).cause());
    }
}
