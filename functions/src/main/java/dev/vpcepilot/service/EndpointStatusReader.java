package dev.vpcepilot.service;

import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.model.EndpointState;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/** One turn of the wait loop: reads the endpoint's state again and counts the check. */
public final class EndpointStatusReader {

    private final Ec2Client ec2;

    public EndpointStatusReader(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public EndpointState refresh(EndpointState endpoint) {
        VpcEndpoint current = EndpointLookup.find(ec2, endpoint.vpcEndpointId())
                .orElseThrow(() -> new EndpointNotAvailable("Endpoint " + endpoint.vpcEndpointId()
                        + " disappeared while waiting for it to become available."));
        return endpoint.withStatus(current.stateAsString(), current.routeTableIds());
    }
}
