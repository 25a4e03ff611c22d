package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.RTB_B;
import static dev.vpcepilot.unit.Fixtures.T0;
import static dev.vpcepilot.unit.Fixtures.ec2Error;
import static dev.vpcepilot.unit.Fixtures.owned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.service.EndpointStatusReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;

class EndpointStatusReaderTest {

    private static final EndpointState PENDING =
            new EndpointState("vpce-0aaa", true, true, true, "pending", List.of(RTB_A), 2);

    private final Ec2Client ec2 = Fixtures.ec2();
    private final EndpointStatusReader reader = new EndpointStatusReader(ec2);

    @Test
    void theStateIsReadAgainAndTheCheckCounted() {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(owned("vpce-0aaa", T0, RTB_A, RTB_B)).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        EndpointState now = reader.refresh(PENDING);

        assertEquals(new EndpointState("vpce-0aaa", true, true, true, "available", List.of(RTB_A, RTB_B), 3), now);
        ArgumentCaptor<DescribeVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DescribeVpcEndpointsRequest.class);
        verify(ec2).describeVpcEndpoints(sent.capture());
        assertEquals(List.of("vpce-0aaa"), sent.getValue().vpcEndpointIds());
    }

    @Test
    void aStillPendingEndpointIsCountedToo() {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(
                        owned("vpce-0aaa", T0, RTB_A).toBuilder().state("pending").build()).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        EndpointState now = reader.refresh(new EndpointState("vpce-0aaa", false, false, false, "pending",
                List.of(RTB_A), 0));

        assertEquals("pending", now.state());
        assertEquals(1, now.waitAttempts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"})
    void anEndpointThatDisappearedIsEndpointNotAvailable(String code) {
        doThrow(ec2Error(400, code)).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        EndpointNotAvailable error = assertThrows(EndpointNotAvailable.class, () -> reader.refresh(PENDING));
        assertTrue(error.getMessage().contains("vpce-0aaa disappeared"), error.getMessage());
    }

    @Test
    void anEmptyAnswerIsEndpointNotAvailable() {
        doReturn(DescribeVpcEndpointsResponse.builder().build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(EndpointNotAvailable.class, () -> reader.refresh(PENDING));
    }

    @Test
    void throttlingIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> reader.refresh(PENDING));
    }

    @Test
    void aConnectionFailureIsTransient() {
        doThrow(SdkClientException.create("connection reset")).when(ec2)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> reader.refresh(PENDING));
    }

    @Test
    void accessDeniedIsAwsRequestFailed() {
        doThrow(ec2Error(403, "UnauthorizedOperation")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(AwsRequestFailed.class, () -> reader.refresh(PENDING));
    }
}
