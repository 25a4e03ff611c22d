package dev.vpcepilot.sharing;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointBusy;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * EC2 is eventually consistent ("Eventual consistency in the Amazon EC2 API", EC2 Developer Guide): right after
 * CreateVpcEndpoint, or right after a describe showed an endpoint, a call naming its id may answer
 * {@code InvalidVpcEndpointId.NotFound} although the endpoint exists. The guide's advice is to retry with
 * exponential backoff, for up to a few minutes. A call on an endpoint we know exists (we created it, or observed
 * it under the lock a moment ago) is therefore retried here a few times (about {@link #IN_STEP} in all), and if
 * the id is still not visible the step ends with {@link EndpointBusy}, which the state machine retries with its
 * own backoff: together well past {@link #GRACE}. Only after {@link #GRACE} does "not found" mean "gone".
 */
public final class EventualConsistency {

    /** How long after its creation an endpoint that EC2 does not know is "not visible yet", not "gone". */
    public static final Duration GRACE = Duration.ofMinutes(5);
    static final List<Duration> BACKOFF = List.of(Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2));
    static final Duration IN_STEP = Duration.ofMillis(3750);

    /** How to wait between tries (tests replace it). */
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    public static final Pause SLEEP = duration -> Thread.sleep(duration.toMillis());

    private final Pause pause;

    public EventualConsistency(Pause pause) {
        this.pause = pause;
    }

    /**
     * Runs a call that names an endpoint that exists; retries it while EC2 answers that the id is unknown.
     *
     * @throws EndpointBusy if the id is still unknown after the retries
     */
    public <T> T onExisting(String operation, String vpcEndpointId, Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (!isNotFound(e)) {
                    throw AwsCalls.translate(operation, e);
                }
                if (!backOff(attempt)) {
                    throw notVisible(operation, vpcEndpointId);
                }
            }
        }
    }

    /** Waits one backoff step before a retry of a call that found the id unknown ({@code attempt} from 0). */
    public boolean backOff(int attempt) {
        if (attempt >= BACKOFF.size()) {
            return false;
        }
        waitFor(BACKOFF.get(attempt));
        return true;
    }

    public static EndpointBusy notVisible(String operation, String vpcEndpointId) {
        return new EndpointBusy(operation + ": EC2 does not know " + vpcEndpointId + " yet (its API is eventually "
                + "consistent right after a create); the step is retried.");
    }

    static boolean isNotFound(SdkException e) {
        String code = AwsCalls.errorCode(e);
        return code != null && EndpointLookup.NOT_FOUND.contains(code);
    }

    private void waitFor(Duration duration) {
        try {
            pause.pause(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EndpointBusy("Interrupted while waiting for EC2 to know an endpoint");
        }
    }
}
