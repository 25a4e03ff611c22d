package dev.vpcepilot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The commit waits for the gateway endpoints apply made or reused in the applied VPCs, and for nothing else: an
 * interface endpoint someone is creating beside them (AWS PrivateLink) is not the fleet's, and never holds it up.
 */
class TargetCommitterTest {

    private static final String SERVICE = "com.amazonaws.us-east-1.dynamodb";
    private static final String VPC = "vpc-0123456789abcdef0";

    private static VpcEndpoint pending(String id, String type) {
        return VpcEndpoint.builder().vpcEndpointId(id).vpcId(VPC).serviceName(SERVICE).vpcEndpointType(type)
                .state("pending").build();
    }

    @Test
    void onlyPendingGatewayEndpointsAreWaitedFor() {
        Ec2Client ec2 = mock(Ec2Client.class, withSettings().defaultAnswer(Answers.CALLS_REAL_METHODS));
        doAnswer(call -> {
            DescribeVpcEndpointsRequest asked = call.getArgument(0, DescribeVpcEndpointsRequest.class);
            assertEquals(List.of(VPC), asked.filters().get(0).values());
            return DescribeVpcEndpointsResponse.builder().vpcEndpoints(pending("vpce-0000000000000000a", "Gateway"),
                    pending("vpce-0000000000000000b", "Interface"), pending("vpce-0000000000000000c", null)).build();
        }).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        SurveyResult applied = new SurveyResult("111111111111", "us-east-1", List.of(),
                List.of(new VpcWork(VPC, List.of("rtb-0123456789abcdef0"), true)));

        assertEquals(List.of("vpce-0000000000000000a", "vpce-0000000000000000c"),
                TargetCommitter.pending(ec2, applied, SERVICE), "a type EC2 does not name is a gateway's");
    }
}
