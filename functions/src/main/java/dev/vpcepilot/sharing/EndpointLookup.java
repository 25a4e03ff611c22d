package dev.vpcepilot.sharing;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.sharing.Ownership;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/** One endpoint by id; an id EC2 no longer knows is an empty answer, not an error. */
public final class EndpointLookup {

    /** The error codes EC2 answers for an endpoint id it does not know. */
    public static final Set<String> NOT_FOUND = Set.of("InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound");

    private EndpointLookup() {
    }

    /** The live endpoints of ours that an execution created (its tags say so), in any VPC. */
    public static List<VpcEndpoint> createdBy(Ec2Client ec2, String executionArn) {
        List<VpcEndpoint> created = new java.util.ArrayList<>();
        AwsCalls.call("EC2 DescribeVpcEndpoints", () -> {
            ec2.describeVpcEndpointsPaginator(r -> r.filters(Ownership.ownedFilter(),
                    Ownership.createdByFilter(executionArn))).vpcEndpoints().forEach(e -> {
                        String state = e.stateAsString();
                        if (state == null || !(state.equalsIgnoreCase("deleted") || state.equalsIgnoreCase("deleting"))) {
                            created.add(e);
                        }
                    });
            return created;
        });
        return created;
    }

    public static Optional<VpcEndpoint> find(Ec2Client ec2, String vpcEndpointId) {
        List<VpcEndpoint> found = AwsCalls.callOr("EC2 DescribeVpcEndpoints",
                () -> ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(vpcEndpointId)).vpcEndpoints(),
                NOT_FOUND, List::of);
        return found.stream().findFirst();
    }
}
