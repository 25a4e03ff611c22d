package dev.vpcepilot.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.TimeScaled;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.logging.FunctionLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Sends the hook's answer to CloudFormation: a PUT of the response document ("Custom resource response objects":
 * Status, Reason, PhysicalResourceId, StackId, RequestId, LogicalResourceId, NoEcho, Data) to the request's
 * presigned {@code ResponseURL}, and knows whether it arrived. The guarantees, enforced here:
 * <ul>
 *   <li>The HTTP status is read: only a 2xx is a delivery.</li>
 *   <li>5xx answers, 408, 429 and connection errors are retried, with exponential backoff and full jitter, until the
 *       deadline the caller gives (the hook's own time bound, see the handler), and for at least
 *       {@link Timing#minimumWindow()} after the answer is ready.</li>
 *   <li>Any other 4xx is not retried: S3 refuses that very request (an expired or otherwise invalid presigned URL
 *       is a 403, a malformed one a 400), and sending it again gets the same answer; the caller learns at once that
 *       the answer did not arrive, instead of spending the function's remaining time.</li>
 *   <li>The document fits CloudFormation's limit of 4096 bytes: the Reason is shortened if need be.</li>
 *   <li>The ResponseURL is a presigned credential: nothing here logs it or puts it in a message; an I/O error's
 *       message is stripped of it.</li>
 * </ul>
 * The body is sent with an empty {@code Content-Type}, as CloudFormation's own cfn-response module sends it: a URL
 * presigned with signature version 2 (the Lambda developer guide's example request has one) signs the content type,
 * empty.
 */
public final class AnswerDelivery {

    /** CloudFormation's limit on the response document ("Custom resource response objects"). */
    public static final int MAX_BODY_BYTES = 4096;

    /**
     * How the retries are spaced, and for how long at least: the pause before each PUT is the SDK's {@code backoff}
     * ({@link BackoffStrategy#computeDelay}: attempt 2 is the first retry); an answer always gets
     * {@code minimumWindow} of retries after it is ready, even when the hook's deadline has passed (the handler keeps
     * that much headroom before the Lambda timeout).
     */
    public record Timing(BackoffStrategy backoff, Duration minimumWindow) {

        /** In Lambda: exponential from 0.25 s, capped at 4 s, full jitter; 20 s at least. */
        public static final Timing LAMBDA = new Timing(BackoffStrategy.exponentialDelay(Duration.ofMillis(250),
                Duration.ofSeconds(4)), Duration.ofSeconds(20));

        public Timing {
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(minimumWindow, "minimumWindow");
        }

        /** Every interval multiplied by {@code factor} (local runs scale waits down). */
        public Timing scaled(double factor) {
            return new Timing(TimeScaled.backoff(backoff, factor), TimeScaled.duration(minimumWindow, factor));
        }
    }

    /** How a delivery ended: delivered or not, after how many PUTs, and the last status or error seen. */
    public record Outcome(boolean delivered, int attempts, String last) {
    }

    private final SdkHttpClient http;
    private final Timing timing;
    private final Clock clock;
    private final FunctionLog log;

    public AnswerDelivery(SdkHttpClient http, Timing timing, Clock clock, FunctionLog log) {
        this.http = http;
        this.timing = timing;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Sends {@code answer} for {@code request}, retrying what may pass until {@code deadline} or, if that is sooner,
     * for the timing's minimum window from now; at least one PUT.
     */
    public Outcome deliver(CustomResourceRequest request, HookAnswer answer, Instant hookDeadline) {
        Instant minimum = clock.instant().plus(timing.minimumWindow());
        Instant deadline = hookDeadline.isAfter(minimum) ? hookDeadline : minimum;
        byte[] body = body(request, answer);
        URI url = URI.create(request.responseUrl());
        int attempts = 0;
        String last;
        while (true) {
            attempts++;
            boolean retryable;
            try {
                int status = put(url, body);
                if (status >= 200 && status < 300) {
                    return new Outcome(true, attempts, "HTTP " + status);
                }
                last = "HTTP " + status;
                retryable = status >= 500 || status == 408 || status == 429;
            } catch (IOException | UncheckedIOException e) {
                last = e.getClass().getSimpleName() + ": " + withoutUrl(e.getMessage(), request.responseUrl());
                retryable = true;
            } catch (RuntimeException e) {
                return new Outcome(false, attempts, e.getClass().getSimpleName() + ": "
                        + withoutUrl(e.getMessage(), request.responseUrl()) + " (not retried: not a network error)");
            }
            if (!retryable) {
                return new Outcome(false, attempts, last + " (not retried: the URL refuses this request)");
            }
            Duration pause = timing.backoff().computeDelay(attempts + 1);
            if (clock.instant().plus(pause).isAfter(deadline)) {
                return new Outcome(false, attempts, last + " (retried until the hook's deadline)");
            }
            log.warn("The answer to CloudFormation request " + request.requestId() + " was not delivered (" + last
                    + "); PUT again in " + pause.toMillis() + " ms");
            sleep(pause);
        }
    }

    private int put(URI url, byte[] body) throws IOException {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .uri(url)
                .method(SdkHttpMethod.PUT)
                .headers(Map.of("Content-Type", List.of(""), "Content-Length", List.of(Integer.toString(body.length))))
                .build();
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                .request(request)
                .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body))
                .build()).call();
        Optional<? extends InputStream> responseBody = response.responseBody();
        if (responseBody.isPresent()) {
            try (InputStream in = responseBody.get()) {
                in.transferTo(java.io.OutputStream.nullOutputStream()); // drained, so the connection can be reused
            }
        }
        return response.httpResponse().statusCode();
    }

    /** The response document, its Reason shortened so that the whole stays within {@value #MAX_BODY_BYTES} bytes. */
    public static byte[] body(CustomResourceRequest request, HookAnswer answer) {
        String reason = answer.reason() == null ? "" : answer.reason();
        while (true) {
            ObjectNode document = Json.MAPPER.createObjectNode();
            document.put("Status", answer.success() ? "SUCCESS" : "FAILED");
            document.put("Reason", reason);
            document.put("PhysicalResourceId", answer.physicalResourceId());
            document.put("StackId", request.stackId());
            document.put("RequestId", request.requestId());
            document.put("LogicalResourceId", request.logicalResourceId());
            document.put("NoEcho", false);
            ObjectNode data = document.putObject("Data");
            answer.data().forEach(data::put);
            byte[] bytes;
            try {
                bytes = Json.MAPPER.writeValueAsBytes(document);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("The answer cannot be written as JSON", e);
            }
            int excess = bytes.length - MAX_BODY_BYTES;
            if (excess <= 0 || reason.isEmpty()) {
                return bytes;
            }
            int keep = Math.max(0, reason.length() - excess - 3);
            reason = reason.substring(0, keep) + "...";
        }
    }

    /** {@code message} without the URL, its query or its signature. */
    static String withoutUrl(String message, String url) {
        if (message == null) {
            return "(no message)";
        }
        String cleaned = message.replace(url, "<ResponseURL>");
        int query = url.indexOf('?');
        if (query > 0) {
            cleaned = cleaned.replace(url.substring(0, query), "<ResponseURL>").replace(url.substring(query + 1),
                    "<query>");
        }
        return cleaned.replaceAll("https?://\\S+", "<URL>");
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to deliver the answer", e);
        }
    }
}
