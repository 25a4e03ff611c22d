package dev.vpcepilot.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.service.EndpointStatusReader;

/** The wait loop's check: the endpoint's state now, and one more check counted. */
public final class GetEndpointStatusHandler extends JsonStepHandler<EndpointState, EndpointState> {

    private final EndpointStatusReader reader;

    public GetEndpointStatusHandler() {
        this(SharedClients.get());
    }

    public GetEndpointStatusHandler(AwsClients clients) {
        this(new EndpointStatusReader(clients.ec2()));
    }

    GetEndpointStatusHandler(EndpointStatusReader reader) {
        super(EndpointState.class);
        this.reader = reader;
    }

    @Override
    protected EndpointState handle(EndpointState input, Context context) {
        EndpointState now = reader.refresh(input);
        log(context, now.vpcEndpointId() + " is " + now.state() + " (check " + now.waitAttempts() + ")");
        return now;
    }
}
