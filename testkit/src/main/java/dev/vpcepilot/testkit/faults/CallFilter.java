package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.common.ContentTypes;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestWrapper;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Body;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The first step of every call that reaches the proxy (a WireMock request filter, run once per request before the
 * stubs are matched): it names the call ({@link AwsCall}), counts it, lets every rule in scope count it, and decides
 * its fate. A call some rule holds waits here, before anything else happens to it, until the rule lets it go: it is
 * then forwarded even if its client gave up meanwhile. A call a fault fired on is marked with
 * {@value #FAULT_HEADER} so that the fault stub of that kind answers it; the one request the proxy changes is a
 * DeleteVpcEndpoints that also names ids EC2 knows, sent on without the hidden ids. Control requests under
 * {@value FaultProxy#CONTROL_PREFIX} are neither counted nor faulted; nor is the emulator's {@code /moto-api/}
 * faulted.
 */
final class CallFilter implements StubRequestFilterV2 {

    /** The header that routes a call to the fault stub of its kind (its value is {@link FaultKind#jsonName()}). */
    static final String FAULT_HEADER = "X-Fault-Proxy-Fault";

    private final List<FaultRule> rules;
    private final CallCounts counts;
    private final Decisions decisions;

    CallFilter(List<FaultRule> rules, CallCounts counts, Decisions decisions) {
        this.rules = rules;
        this.counts = counts;
        this.decisions = decisions;
    }

    @Override
    public String getName() {
        return "fault-proxy-calls";
    }

    @Override
    public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
        String url = request.getUrl();
        if (FaultProxy.isControl(path(url))) {
            return RequestFilterAction.continueWith(request);
        }
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody();
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpHeader header : request.getHeaders().all()) {
            headers.putIfAbsent(header.key(), header.firstValue());
        }
        AwsCall call = AwsCall.classify(request.getMethod().getName(), url, headers, body);
        counts.record(call);
        String form = formBody(headers.get(ContentTypes.CONTENT_TYPE), body);
        List<String> named = call.protocol() == AwsCall.Protocol.EC2_QUERY
                ? EndpointIds.namedBy(operation(call), query(url), form) : List.of();

        FaultRule fired = null;
        List<String> hidden = List.of();
        String deniedRole = null;
        long delay = 0;
        List<FaultRule> holds = new ArrayList<>();
        if (call.faultable()) {
            for (FaultRule rule : rules) {
                if (!rule.appliesTo(call.action(), body)) {
                    continue;
                }
                if (rule.deniesRoles()) {
                    String role = rule.deniedRole(form);
                    if (role != null && fired == null) {
                        fired = rule;
                        deniedRole = role;
                    }
                    continue;
                }
                if (rule.kind() == FaultKind.NOT_FOUND) {
                    List<String> notVisible = rule.hiddenOf(named);
                    if (!notVisible.isEmpty() && fired == null) {
                        fired = rule;
                        hidden = notVisible;
                    }
                    continue;
                }
                if (!rule.advance(call.action())) {
                    continue;
                }
                if (rule.holds()) {
                    holds.add(rule);
                    counts.injected(FaultKind.LATENCY);
                } else if (rule.kind() == FaultKind.LATENCY) {
                    delay = Math.min(delay + rule.latencyMillis(), FaultRule.MAX_LATENCY_MILLIS);
                    counts.injected(FaultKind.LATENCY);
                } else if (fired == null) {
                    fired = rule;
                }
            }
        }
        try {
            for (FaultRule hold : holds) {
                hold.hold();
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return RequestFilterAction.continueWith(mark(request, FaultKind.DROP));
        }
        FaultKind fault = fired == null ? null : fired.kind();
        if (fault != null) {
            counts.injected(fault);
        }
        boolean partialDelete = fault == FaultKind.NOT_FOUND && call.action().equals("ec2:DeleteVpcEndpoints")
                && !hidden.containsAll(named);
        decisions.put(serveEvent.getId(),
                new Decision(call, partialDelete ? null : fault, deniedRole, named, hidden, delay, holds));
        if (partialDelete) {
            return RequestFilterAction.continueWith(without(request, form, hidden));
        }
        return RequestFilterAction.continueWith(fault == null ? request : mark(request, fault));
    }

    private static Request mark(Request request, FaultKind fault) {
        return RequestWrapper.create().addHeader(FAULT_HEADER, fault.jsonName()).wrap(request);
    }

    /**
     * The DeleteVpcEndpoints request without the endpoint ids EC2 must not see yet (in its query and its form body;
     * the others numbered again), for EC2 to delete the ids it knows.
     */
    private static Request without(Request request, String form, List<String> hidden) {
        RequestWrapper.Builder changed = RequestWrapper.create().transformAbsoluteUrl(absolute -> {
            int q = absolute.indexOf('?');
            return q < 0 ? absolute : absolute.substring(0, q + 1) + EndpointIds.formWithout(absolute.substring(q + 1),
                    hidden);
        });
        if (!form.isEmpty()) {
            changed.transformBody(body -> new Body(EndpointIds.formWithout(form, hidden)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return changed.wrap(request);
    }

    private static String operation(AwsCall call) {
        return call.action().substring(call.action().indexOf(':') + 1);
    }

    private static String path(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static String query(String url) {
        int q = url.indexOf('?');
        return q < 0 ? "" : url.substring(q + 1);
    }

    /** The body as a form, or "" when it is not one (the same test as {@link AwsCall}'s). */
    private static String formBody(String contentType, byte[] body) {
        boolean form = contentType == null ? body.length > 0
                : contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        return form ? new String(body, StandardCharsets.UTF_8) : "";
    }
}
