package dev.vpcepilot.testkit.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls a {@link FaultProxy} saw, per action ({@link AwsCall}), in total and the mutating ones, and the faults it
 * injected per kind. Thread-safe.
 */
final class CallCounts {

    static final int MAX_DISTINCT_ACTIONS = 10_000;
    static final String OVERFLOW_ACTION = "other:(more distinct actions than counted)";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ConcurrentHashMap<String, AtomicInteger> perAction = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger mutating = new AtomicInteger();
    private final Map<FaultKind, AtomicInteger> faults = new EnumMap<>(FaultKind.class);

    CallCounts() {
        for (FaultKind kind : FaultKind.values()) {
            faults.put(kind, new AtomicInteger());
        }
    }

    void record(AwsCall call) {
        total.incrementAndGet();
        if (call.mutating()) {
            mutating.incrementAndGet();
        }
        AtomicInteger n = perAction.get(call.action());
        if (n == null) {
            n = perAction.size() >= MAX_DISTINCT_ACTIONS
                    ? perAction.computeIfAbsent(OVERFLOW_ACTION, a -> new AtomicInteger())
                    : perAction.computeIfAbsent(call.action(), a -> new AtomicInteger());
        }
        n.incrementAndGet();
    }

    void injected(FaultKind kind) {
        faults.get(kind).incrementAndGet();
    }

    Map<String, Integer> perAction() {
        Map<String, Integer> copy = new TreeMap<>();
        perAction.forEach((action, n) -> copy.put(action, n.get()));
        return Collections.unmodifiableMap(copy);
    }

    int of(String action) {
        AtomicInteger n = perAction.get(action);
        return n == null ? 0 : n.get();
    }

    int total() {
        return total.get();
    }

    int mutating() {
        return mutating.get();
    }

    Map<FaultKind, Integer> faults() {
        Map<FaultKind, Integer> copy = new EnumMap<>(FaultKind.class);
        faults.forEach((kind, n) -> copy.put(kind, n.get()));
        return Collections.unmodifiableMap(copy);
    }

    int faults(FaultKind kind) {
        return faults.get(kind).get();
    }

    void reset() {
        perAction.clear();
        total.set(0);
        mutating.set(0);
        faults.values().forEach(n -> n.set(0));
    }

    /**
     * {@code {"counts":{action:n,...},"total":n,"mutating":n,"faults":{"throttle":n,"error":n,"drop":n,"latency":n,
     * "not_found":n,"access_denied":n}}} ({@code not_found} counts calls, however many ids each hid).
     */
    String json() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode actions = root.putObject("counts");
        perAction().forEach(actions::put);
        root.put("total", total());
        root.put("mutating", mutating());
        ObjectNode injected = root.putObject("faults");
        faults().forEach((kind, n) -> injected.put(kind.jsonName(), n));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
