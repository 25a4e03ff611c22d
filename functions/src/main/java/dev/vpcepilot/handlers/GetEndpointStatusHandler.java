package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.service.EndpointStatusReader;
import dev.vpcepilot.sharing.ServingState;
import java.time.Clock;

/** The wait loop's check: the serving endpoints' states now, and one more check counted. */
public final class GetEndpointStatusHandler extends JsonStepHandler<ServingState, ServingState> {

    private final EndpointStatusReader reader;

    public GetEndpointStatusHandler() {
        this(SharedClients.get());
    }

    public GetEndpointStatusHandler(AwsClients clients, FunctionSettings settings) {
        this(clients);
    }

    public GetEndpointStatusHandler(AwsClients clients) {
        this(new EndpointStatusReader(clients.ec2(), Clock.systemUTC()));
    }

    GetEndpointStatusHandler(EndpointStatusReader reader) {
        super(ServingState.class);
        this.reader = reader;
    }

    @Override
    protected ServingState handle(ServingState input, Context context) {
        ServingState now = reader.refresh(input);
        log(context).info("Endpoints " + now.endpoints().stream().map(e -> e.vpcEndpointId() + " " + e.state()).toList()
                + ": " + now.state() + " (check " + now.waitAttempts() + ")");
        return now;
    }
}
