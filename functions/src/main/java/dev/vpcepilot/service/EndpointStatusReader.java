package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.sharing.EndpointLookup;
import dev.vpcepilot.sharing.EventualConsistency;
import dev.vpcepilot.sharing.ServingState;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * One turn of the wait loop: reads the serving endpoints' states again (one call) and counts the check. An
 * endpoint this execution created that EC2 does not know yet is "not visible yet" (pending) for
 * {@link EventualConsistency#GRACE} after its creation; any other endpoint EC2 does not know has disappeared.
 */
public final class EndpointStatusReader {

    private final Ec2Client ec2;
    private final Clock clock;

    public EndpointStatusReader(Ec2Client ec2, Clock clock) {
        this.ec2 = ec2;
        this.clock = clock;
    }

    public ServingState refresh(ServingState serving) {
        List<String> ids = serving.endpoints().stream().map(ServingState.Endpoint::vpcEndpointId).toList();
        Map<String, String> states = new HashMap<>();
        for (VpcEndpoint endpoint : describe(ids)) {
            states.put(endpoint.vpcEndpointId(), endpoint.stateAsString());
        }
        Instant now = clock.instant();
        for (ServingState.Endpoint endpoint : serving.endpoints()) {
            if (states.containsKey(endpoint.vpcEndpointId())) {
                continue;
            }
            boolean fresh = endpoint.created() && endpoint.createdAt() != null
                    && Instant.parse(endpoint.createdAt()).plus(EventualConsistency.GRACE).isAfter(now);
            if (!fresh) {
                throw new EndpointNotAvailable("Endpoint " + endpoint.vpcEndpointId()
                        + " disappeared while waiting for it to become available.");
            }
            states.put(endpoint.vpcEndpointId(), ServingState.PENDING);
        }
        return serving.withStates(states);
    }

    /**
     * The endpoints EC2 knows among the ids: one call; when EC2 answers that one of them is unknown (the call then
     * answers for none), one call per id, so that the others are still read.
     */
    private List<VpcEndpoint> describe(List<String> ids) {
        return AwsCalls.callOr("EC2 DescribeVpcEndpoints",
                () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(ids)).vpcEndpoints(),
                EndpointLookup.NOT_FOUND,
                () -> ids.stream().flatMap(id -> EndpointLookup.find(ec2, id).stream()).toList());
    }
}
