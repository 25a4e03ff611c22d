package dev.vpcepilot.testkit.faults;

import com.github.tomakehurst.wiremock.http.Response;
import java.util.List;

/**
 * What the proxy decided for one call, when its request arrived ({@link CallFilter}), for the transformer that
 * answers it: the call, the fault to answer with (null: forward it), the role an AssumeRole is refused for, the
 * endpoint ids the call names and those it must not see, the delay to add, and the rules that held it.
 */
record Decision(AwsCall call, FaultKind fault, String deniedRole, List<String> named, List<String> hidden,
                long delayMillis, List<FaultRule> holds) {

    Decision {
        named = List.copyOf(named);
        hidden = List.copyOf(hidden);
        holds = List.copyOf(holds);
    }

    /** The answer with this call's delay added (WireMock waits that long before sending it). */
    Response delayed(Response response) {
        return delayMillis == 0 ? response
                : Response.Builder.like(response).incrementInitialDelay(delayMillis).build();
    }
}
