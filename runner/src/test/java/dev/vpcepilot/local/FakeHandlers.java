package dev.vpcepilot.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.local.asl.JsonText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Handler classes loaded by name, like the real ones, with the constructor the runner uses. */
public final class FakeHandlers {

    private FakeHandlers() {
    }

    /** Answers {@code {"received": <input>, "function": <name>, "remainingMs": ...}}; counts its instances. */
    public static final class Echo implements RequestStreamHandler {
        public static final AtomicInteger INSTANCES = new AtomicInteger();

        public Echo(AwsClients clients) {
            INSTANCES.incrementAndGet();
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            JsonNode request = JsonText.MAPPER.readTree(input);
            context.getLogger().log("echo " + JsonText.compact(request) + "\n");
            ObjectNode response = JsonText.MAPPER.createObjectNode();
            response.set("received", request);
            response.put("function", context.getFunctionName());
            response.put("invokedArn", context.getInvokedFunctionArn());
            response.put("remainingMs", context.getRemainingTimeInMillis());
            response.put("memoryMb", context.getMemoryLimitInMB());
            output.write(JsonText.compact(response).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Waits at {@link #barrier} (so a test can make invocations overlap) and answers {@code {"instance": n}}, the
     * number of this handler instance.
     */
    public static final class Rendezvous implements RequestStreamHandler {
        public static volatile CyclicBarrier barrier = new CyclicBarrier(1);
        private static final AtomicInteger CREATED = new AtomicInteger();
        private final int instance = CREATED.incrementAndGet();

        public Rendezvous(AwsClients clients) {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            try {
                barrier.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException("the invocations did not overlap: " + e);
            }
            output.write(("{\"instance\": " + instance + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The error a step throws on purpose, named like the project's errors. */
    public static final class VpcGone extends RuntimeException {
        public VpcGone(String message) {
            super(message);
        }
    }

    /** Throws {@link VpcGone} with the input's {@code message} (or an exception without message if absent). */
    public static final class Failing implements RequestStreamHandler {
        public Failing(AwsClients clients) {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            JsonNode request = JsonText.MAPPER.readTree(input);
            if (request.hasNonNull("message")) {
                throw new VpcGone(request.get("message").asText());
            }
            throw new IllegalStateException();
        }
    }

    /** Writes nothing: Lambda's null result. */
    public static final class Silent implements RequestStreamHandler {
        public Silent(AwsClients clients) {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) {
            // a handler that returns nothing
        }
    }

    /** Writes text that is not JSON. */
    public static final class NotJson implements RequestStreamHandler {
        public NotJson(AwsClients clients) {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            output.write("plain text".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Only the no-argument constructor Lambda uses: cannot run locally. */
    public static final class NoClientsConstructor implements RequestStreamHandler {
        public NoClientsConstructor() {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) {
            // never called: the runner refuses the class
        }
    }

    /** Not a handler at all. */
    public static final class NotAHandler {
        public NotAHandler(AwsClients clients) {
        }
    }
}
