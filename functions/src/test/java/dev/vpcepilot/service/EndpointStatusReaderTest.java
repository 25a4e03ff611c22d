package dev.vpcepilot.service;

import static dev.vpcepilot.fixtures.Fixtures.RTB_A;
import static dev.vpcepilot.fixtures.Fixtures.RTB_B;
import static dev.vpcepilot.fixtures.Fixtures.T0;
import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static dev.vpcepilot.fixtures.Fixtures.owned;
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
import dev.vpcepilot.fixtures.Fixtures;
import dev.vpcepilot.sharing.EventualConsistency;
import dev.vpcepilot.sharing.ServingState;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;

class EndpointStatusReaderTest {

    private static ServingState pending(boolean createdByThisRun, String createdAt) {
        return new ServingState("vpce-0aaa", "pending", createdByThisRun, true, List.of(new ServingState.Endpoint(
                "vpce-0aaa", true, true, createdByThisRun, "pending", List.of(RTB_A), createdAt)), Map.of(), Map.of(), 2, null, null);
    }

    private final Ec2Client ec2 = Fixtures.ec2();

    private EndpointStatusReader readerAt(java.time.Instant now) {
        return new EndpointStatusReader(ec2, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theStateIsReadAgainAndTheCheckCounted() {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(owned("vpce-0aaa", T0, RTB_A, RTB_B)).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        ServingState now = readerAt(T0).refresh(pending(true, T0.toString()));

        assertEquals("available", now.state());
        assertEquals("available", now.endpoints().get(0).state());
        assertEquals(3, now.waitAttempts());
        ArgumentCaptor<DescribeVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DescribeVpcEndpointsRequest.class);
        verify(ec2).describeVpcEndpoints(sent.capture());
        assertEquals(List.of("vpce-0aaa"), sent.getValue().vpcEndpointIds());
    }

    @Test
    void aStillPendingEndpointIsCountedToo() {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(
                        owned("vpce-0aaa", T0, RTB_A).toBuilder().state("pending").build()).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        ServingState now = readerAt(T0).refresh(pending(false, null));

        assertEquals("pending", now.state());
        assertEquals(3, now.waitAttempts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"})
    void anEndpointThisRunJustCreatedThatEc2DoesNotKnowYetIsPendingNotGone(String code) {
        // EC2 is eventually consistent: the id named right after CreateVpcEndpoint may be unknown for a while.
        doThrow(ec2Error(400, code)).doReturn(DescribeVpcEndpointsResponse.builder().build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        ServingState now = readerAt(T0.plusSeconds(30)).refresh(pending(true, T0.toString()));

        assertEquals("pending", now.state());
        assertEquals(3, now.waitAttempts());
    }

    @Test
    void pastTheGraceWindowAnUnknownEndpointHasDisappeared() {
        doThrow(ec2Error(400, "InvalidVpcEndpointId.NotFound")).doReturn(DescribeVpcEndpointsResponse.builder().build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        EndpointNotAvailable error = assertThrows(EndpointNotAvailable.class, () -> readerAt(
                T0.plus(EventualConsistency.GRACE).plusSeconds(1)).refresh(pending(true, T0.toString())));
        assertTrue(error.getMessage().contains("vpce-0aaa disappeared"), error.getMessage());
    }

    @Test
    void anUnknownEndpointThisRunDidNotCreateHasDisappeared() {
        doReturn(DescribeVpcEndpointsResponse.builder().build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(EndpointNotAvailable.class, () -> readerAt(T0).refresh(pending(false, null)));
    }

    @Test
    void throttlingOutlastingTheSdkRetriesIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> readerAt(T0).refresh(pending(true, T0.toString())));
    }

    @Test
    void anIoErrorIsTransient() {
        doThrow(SdkClientException.create("connection reset")).when(ec2)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> readerAt(T0).refresh(pending(true, T0.toString())));
    }

    @Test
    void aRefusalIsAwsRequestFailed() {
        doThrow(ec2Error(403, "UnauthorizedOperation")).when(ec2)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(AwsRequestFailed.class, () -> readerAt(T0).refresh(pending(true, T0.toString())));
    }
}
