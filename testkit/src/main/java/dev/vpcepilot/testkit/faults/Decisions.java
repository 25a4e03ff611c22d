package dev.vpcepilot.testkit.faults;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decisions of {@link CallFilter} for the calls in flight, by WireMock's serve-event id (one id follows a request
 * from the filter to the transformer that answers it), each taken once by that transformer.
 */
final class Decisions {

    private final ConcurrentHashMap<UUID, Decision> inFlight = new ConcurrentHashMap<>();

    void put(UUID serveEvent, Decision decision) {
        inFlight.put(serveEvent, decision);
    }

    /** The decision for the call, removed; null for a call the filter let through undecided (a control request). */
    Decision take(UUID serveEvent) {
        return inFlight.remove(serveEvent);
    }

    /** Forgets every decision (the proxy is closing: no answer will come for them). */
    void clear() {
        inFlight.clear();
    }
}
