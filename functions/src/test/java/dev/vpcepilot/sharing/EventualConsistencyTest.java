package dev.vpcepilot.sharing;

import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.WorkflowError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

class EventualConsistencyTest {

    /** The backoff of the EC2 guide's advice, as the class documents it: about 3.75 s within one step. */
    static final List<Duration> BACKOFF = List.of(Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2));

    private final List<Duration> pauses = new ArrayList<>();
    private final EventualConsistency consistency = new EventualConsistency(pauses::add);

    /** A call that throws the given failures in turn, then answers "done". */
    private static Supplier<String> failing(AtomicInteger calls, SdkException... failures) {
        return () -> {
            int call = calls.getAndIncrement();
            if (call < failures.length) {
                throw failures[call];
            }
            return "done";
        };
    }

    @Test
    void aCallThatAnswersIsNotRepeated() {
        AtomicInteger calls = new AtomicInteger();

        assertEquals("done", consistency.onExisting("EC2 ModifyVpcEndpoint", "vpce-1", failing(calls)));
        assertEquals(1, calls.get());
        assertEquals(List.of(), pauses);
    }

    @ParameterizedTest
    @ValueSource(strings = {"InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"})
    void anIdEc2DoesNotKnowYetIsTriedAgainAfterABackoff(String code) {
        AtomicInteger calls = new AtomicInteger();

        String answer = consistency.onExisting("EC2 ModifyVpcEndpoint", "vpce-1",
                failing(calls, ec2Error(400, code), ec2Error(400, code)));

        assertEquals("done", answer);
        assertEquals(3, calls.get());
        assertEquals(BACKOFF.subList(0, 2), pauses);
    }

    @Test
    void anIdStillUnknownAfterTheBackoffIsBusyForTheStateMachineToRetry() {
        AtomicInteger calls = new AtomicInteger();
        SdkException notFound = ec2Error(400, "InvalidVpcEndpointId.NotFound");

        EndpointBusy busy = assertThrows(EndpointBusy.class, () -> consistency.onExisting("EC2 ModifyVpcEndpoint",
                "vpce-1", failing(calls, notFound, notFound, notFound, notFound, notFound, notFound)));

        assertEquals(5, calls.get());
        assertEquals(BACKOFF, pauses);
        assertEquals(Duration.ofMillis(3750), pauses.stream().reduce(Duration.ZERO, Duration::plus));
        assertTrue(busy.getMessage().startsWith("EC2 ModifyVpcEndpoint: ") && busy.getMessage().contains("vpce-1"),
                busy.getMessage());
        // Well inside the grace after which "not found" means "gone" (with the state machine's retries on top).
        assertTrue(EventualConsistency.GRACE.compareTo(Duration.ofMillis(3750)) > 0);
    }

    static List<Object[]> otherFailures() {
        return List.of(
                new Object[] {ec2Error(400, "InvalidParameterValue"), AwsRequestFailed.class},
                new Object[] {ec2Error(403, "UnauthorizedOperation"), AwsRequestFailed.class},
                new Object[] {ec2Error(400, "InvalidRouteTableId.NotFound"), AwsRequestFailed.class},
                new Object[] {ec2Error(503, "RequestLimitExceeded"), TransientAwsError.class},
                new Object[] {ec2Error(500, "InternalError"), TransientAwsError.class},
                new Object[] {SdkClientException.create("connection reset"), TransientAwsError.class});
    }

    @ParameterizedTest
    @MethodSource("otherFailures")
    void anyOtherFailureIsTranslatedAtOnce(SdkException failure, Class<? extends WorkflowError> expected) {
        AtomicInteger calls = new AtomicInteger();

        WorkflowError error = assertThrows(WorkflowError.class,
                () -> consistency.onExisting("EC2 DeleteTags", "vpce-1", failing(calls, failure)));

        assertEquals(expected, error.getClass());
        assertTrue(error.getMessage().startsWith("EC2 DeleteTags "), error.getMessage());
        assertSame(failure, error.getCause());
        assertEquals(1, calls.get());
        assertEquals(List.of(), pauses);
    }

    @Test
    void backOffWaitsEachStepOnceThenSaysStop() {
        for (int attempt = 0; attempt < BACKOFF.size(); attempt++) {
            assertTrue(consistency.backOff(attempt));
        }
        assertFalse(consistency.backOff(BACKOFF.size()));
        assertEquals(BACKOFF, pauses);
    }

    @Test
    void anInterruptedWaitEndsTheStepAsBusyAndKeepsTheInterrupt() {
        EventualConsistency interrupted = new EventualConsistency(d -> {
            throw new InterruptedException();
        });
        try {
            assertThrows(EndpointBusy.class, () -> interrupted.onExisting("EC2 ModifyVpcEndpoint", "vpce-1",
                    failing(new AtomicInteger(), ec2Error(400, "InvalidVpcEndpointId.NotFound"))));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
