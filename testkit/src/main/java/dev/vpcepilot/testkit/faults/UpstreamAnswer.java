package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.util.List;

/**
 * The answer of the proxy stub, once the emulator has answered: tells the rules that held the call that it landed,
 * tells the endpoint rules the id a CreateVpcEndpoint returned, adds the endpoint ids a DeleteVpcEndpoints must not
 * see yet to its {@code unsuccessful} list, shows endpoints in the states queued ({@link EndpointStates}), and adds
 * the call's delay. An emulator that could not be reached is a 502 of the proxy.
 */
final class UpstreamAnswer extends StubAnswer {

    static final String NAME = "fault-proxy-upstream";

    private final URI target;
    private final List<FaultRule> rules;
    private final Decisions decisions;
    private final EndpointStates states;

    UpstreamAnswer(URI target, List<FaultRule> rules, Decisions decisions, EndpointStates states) {
        super(NAME);
        this.target = target;
        this.rules = rules;
        this.decisions = decisions;
        this.states = states;
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        Decision decision = decisions.take(serveEvent.getId());
        if (!response.isFromProxy()) {
            // WireMock answers HTTP 500 with the reason when the proxied request fails
            Response failed = FaultResponses.plain(502, "Bad Gateway", "fault proxy: upstream " + target
                    + " failed: " + response.getBodyAsString().strip());
            return decision == null ? failed : decision.delayed(failed);
        }
        if (decision == null) {
            return response;
        }
        decision.holds().forEach(FaultRule::landed);
        String action = decision.call().action();
        if (response.getStatus() == 200 && action.equals("ec2:CreateVpcEndpoint")) {
            EndpointIds.createdBy(response.getBody()).ifPresent(id -> rules.stream()
                    .filter(rule -> rule.kind() == FaultKind.NOT_FOUND)
                    .forEach(rule -> rule.learnEndpoint(id)));
        }
        Response answer = decision.hidden().isEmpty() ? response
                : FaultResponses.withUnsuccessful(response, decision.hidden());
        return decision.delayed(states.rewrite(action, answer));
    }
}
