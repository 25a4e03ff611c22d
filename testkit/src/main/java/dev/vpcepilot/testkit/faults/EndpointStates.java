package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.http.Response;
import java.util.Collection;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Endpoints that are not available yet, which moto cannot show (it creates every endpoint {@code available} at once,
 * so the state machine's wait loop never runs against it): each EC2 DescribeVpcEndpoints answer that shows an
 * {@code available} endpoint shows it in the next queued state instead, until the queue is empty; while states are
 * queued, a CreateVpcEndpoint answer shows the new endpoint {@code pending}, as EC2's does.
 */
final class EndpointStates {

    private static final String AVAILABLE = "<state>available</state>";

    private final Queue<String> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger rewritten = new AtomicInteger();

    void report(Collection<String> states) {
        queued.addAll(states);
    }

    void clear() {
        queued.clear();
    }

    /** DescribeVpcEndpoints answers rewritten so far. */
    int rewritten() {
        return rewritten.get();
    }

    /** The upstream answer to a call of {@code action}, as the queued states show it. */
    Response rewrite(String action, Response upstream) {
        if (action.equals("ec2:CreateVpcEndpoint") && !queued.isEmpty()) {
            String body = upstream.getBodyAsString();
            return body.contains(AVAILABLE)
                    ? FaultResponses.withBody(upstream, body.replace(AVAILABLE, "<state>pending</state>")) : upstream;
        }
        if (action.equals("ec2:DescribeVpcEndpoints")) {
            String body = upstream.getBodyAsString();
            String state = body.contains(AVAILABLE) ? queued.poll() : null;
            if (state != null) {
                rewritten.incrementAndGet();
                return FaultResponses.withBody(upstream, body.replace(AVAILABLE, "<state>" + state + "</state>"));
            }
        }
        return upstream;
    }
}
