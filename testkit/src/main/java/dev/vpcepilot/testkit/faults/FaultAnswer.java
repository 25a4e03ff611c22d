package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * The answer of the fault stubs: the error the service sends for the call's protocol ({@link FaultResponses}), or, on
 * the stub that drops the connection, WireMock's own {@code Fault.EMPTY_RESPONSE} as it is; with the call's delay.
 */
final class FaultAnswer extends StubAnswer {

    static final String NAME = "fault-proxy-answer";

    private final Decisions decisions;

    FaultAnswer(Decisions decisions) {
        super(NAME);
        this.decisions = decisions;
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        Decision decision = decisions.take(serveEvent.getId());
        if (decision == null || decision.fault() == null) {
            return response;
        }
        AwsCall call = decision.call();
        Response answer = switch (decision.fault()) {
            case THROTTLE -> FaultResponses.throttle(call);
            case ERROR -> FaultResponses.internalError(call);
            case NOT_FOUND -> call.action().equals("ec2:DeleteVpcEndpoints")
                    ? FaultResponses.deleteVpcEndpointsUnsuccessful(decision.hidden())
                    : FaultResponses.endpointNotFound(decision.hidden().get(0));
            case ACCESS_DENIED -> decision.deniedRole() != null
                    ? FaultResponses.assumeRoleDenied(call, decision.deniedRole())
                    : FaultResponses.accessDenied(call);
            case DROP, LATENCY -> response;
        };
        return decision.delayed(answer);
    }
}
