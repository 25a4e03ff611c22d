package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.model.EndpointState;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/** One turn of the wait loop: reads the endpoint's state again and counts the check. */
public final class EndpointStatusReader {

    private final Ec2Client ec2;

    public EndpointStatusReader(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    public EndpointState refresh(EndpointState endpoint) {
        List<VpcEndpoint> found;
        try {
            found = ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(endpoint.vpcEndpointId())).vpcEndpoints();
        } catch (AwsServiceException e) {
            String code = AwsCalls.errorCode(e);
            if ("InvalidVpcEndpointId.NotFound".equals(code) || "InvalidVpcEndpoint.NotFound".equals(code)) {
                found = List.of();
            } else {
                throw AwsCalls.translate("EC2 DescribeVpcEndpoints", e);
            }
        } catch (SdkException e) {
            throw AwsCalls.translate("EC2 DescribeVpcEndpoints", e);
        }
        if (found.isEmpty()) {
            throw new EndpointNotAvailable("Endpoint " + endpoint.vpcEndpointId()
                    + " disappeared while waiting for it to become available.");
        }
        VpcEndpoint current = found.get(0);
        return endpoint.withStatus(current.stateAsString(), current.routeTableIds());
    }
}
