package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.AwsRequestFailed;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;

/**
 * DeleteVpcEndpoints, read properly: the call succeeds even when some ids could not be deleted, and lists them
 * under {@code Unsuccessful}. An endpoint that is already gone counts as deleted; any other entry is an error.
 * Callers decide ownership before calling this.
 */
public final class EndpointDeleter {

    private final Ec2Client ec2;

    public EndpointDeleter(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public void delete(List<String> vpcEndpointIds) {
        if (vpcEndpointIds.isEmpty()) {
            return;
        }
        DeleteVpcEndpointsResponse response = AwsCalls.call("EC2 DeleteVpcEndpoints",
                () -> ec2.deleteVpcEndpoints(r -> r.vpcEndpointIds(vpcEndpointIds)));
        List<UnsuccessfulItem> failures = response.unsuccessful().stream()
                .filter(item -> item.error() == null || !EndpointLookup.NOT_FOUND.contains(item.error().code()))
                .toList();
        if (!failures.isEmpty()) {
            StringBuilder message = new StringBuilder("DeleteVpcEndpoints could not delete:");
            for (UnsuccessfulItem item : failures) {
                message.append(' ').append(item.resourceId()).append(" (")
                        .append(item.error() == null ? "no reason given" : item.error().code() + ": " + item.error().message())
                        .append(')');
            }
            throw new AwsRequestFailed(message.toString());
        }
    }
}
