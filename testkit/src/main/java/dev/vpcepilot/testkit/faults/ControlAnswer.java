package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * The answer of the control stubs: {@code GET /__faults/counts} the counts as JSON ({@link FaultProxy#countsJson()}),
 * {@code POST /__faults/reset} resets them ({@link FaultProxy#reset()}).
 */
final class ControlAnswer extends StubAnswer {

    static final String NAME = "fault-proxy-control";

    private final FaultProxy proxy;

    ControlAnswer(FaultProxy proxy) {
        super(NAME);
        this.proxy = proxy;
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        String json;
        if (serveEvent.getRequest().getUrl().startsWith(FaultProxy.RESET_PATH)) {
            proxy.reset();
            json = "{\"reset\":true}";
        } else {
            json = proxy.countsJson();
        }
        return Response.Builder.like(response).status(200)
                .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/json")))
                .body(json + "\n").build();
    }
}
