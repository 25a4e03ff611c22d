package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.EXECUTION;
import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.T0;
import static dev.vpcepilot.unit.Fixtures.ec2Error;
import static dev.vpcepilot.unit.Fixtures.endpoint;
import static dev.vpcepilot.unit.Fixtures.filters;
import static dev.vpcepilot.unit.Fixtures.foreign;
import static dev.vpcepilot.unit.Fixtures.owned;
import static dev.vpcepilot.unit.Fixtures.ownedTags;
import static dev.vpcepilot.unit.Fixtures.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.model.CleanupResult;
import dev.vpcepilot.service.EndpointCleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItemError;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

class EndpointCleanerTest {

    private final Ec2Client ec2 = Fixtures.ec2();
    private final List<String> log = new ArrayList<>();
    private final EndpointCleaner cleaner = new EndpointCleaner(ec2, log::add);

    private void found(VpcEndpoint... endpoints) {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(endpoints).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
    }

    private void deleteOk() {
        doReturn(DeleteVpcEndpointsResponse.builder().build())
                .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    private List<String> deletedIds() {
        ArgumentCaptor<DeleteVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DeleteVpcEndpointsRequest.class);
        verify(ec2).deleteVpcEndpoints(sent.capture());
        return sent.getValue().vpcEndpointIds();
    }

    @Test
    void anOwnedEndpointIsDeleted() {
        found(owned("vpce-0aaa", T0, RTB_A));
        deleteOk();

        CleanupResult result = cleaner.deleteIfOwned("vpce-0aaa");

        assertEquals(new CleanupResult(true, "vpce-0aaa", "vpce-0aaa was deleted."), result);
        assertEquals(List.of("vpce-0aaa"), deletedIds());
        ArgumentCaptor<DescribeVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DescribeVpcEndpointsRequest.class);
        verify(ec2).describeVpcEndpoints(sent.capture());
        assertEquals(List.of("vpce-0aaa"), sent.getValue().vpcEndpointIds());
    }

    @Test
    void aForeignEndpointIsNeverDeleted() {
        found(foreign("vpce-0fff", T0, RTB_A));

        CleanupResult result = cleaner.deleteIfOwned("vpce-0fff");

        assertFalse(result.cleanedUp());
        assertTrue(result.detail().contains("not created by vpce-pilot"), result.detail());
        assertTrue(result.detail().contains("managed-by=vpce-pilot"), result.detail());
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @Test
    void onlyTheVpcePilotTagValueCountsAsOwnership() {
        found(endpoint("vpce-0fff", "available", T0, List.of(RTB_A), List.of(tag("managed-by", "someone-else")), null));

        assertFalse(cleaner.deleteIfOwned("vpce-0fff").cleanedUp());
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @Test
    void anEmptyAnswerMeansAlreadyGone() {
        found();

        CleanupResult result = cleaner.deleteIfOwned("vpce-0aaa");

        assertTrue(result.cleanedUp());
        assertTrue(result.detail().contains("already gone"), result.detail());
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"})
    void aNotFoundErrorMeansAlreadyGone(String code) {
        doThrow(ec2Error(400, code)).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        CleanupResult result = cleaner.deleteIfOwned("vpce-0aaa");

        assertTrue(result.cleanedUp());
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"deleted", "deleting", "Deleted"})
    void aDeletedOrDeletingEndpointIsAlreadyGone(String state) {
        found(endpoint("vpce-0aaa", state, T0, List.of(RTB_A), ownedTags(EXECUTION), null));

        assertTrue(cleaner.deleteIfOwned("vpce-0aaa").cleanedUp());
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @Test
    void requiredTagsMustAllMatchBeforeDeleting() {
        found(owned("vpce-0aaa", T0, RTB_A).toBuilder().tags(tag("managed-by", "vpce-pilot"),
                tag("vpce-pilot:stack", "stack-a"), tag("vpce-pilot:logical-id", "Endpoint")).build());

        CleanupResult result = cleaner.deleteIfOwned("vpce-0aaa",
                Map.of("vpce-pilot:stack", "stack-b", "vpce-pilot:logical-id", "Endpoint"));

        assertFalse(result.cleanedUp());
        assertTrue(result.detail().contains("[vpce-pilot:stack]"), result.detail());
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @Test
    void matchingRequiredTagsDelete() {
        found(owned("vpce-0aaa", T0, RTB_A).toBuilder().tags(tag("managed-by", "vpce-pilot"),
                tag("vpce-pilot:stack", "stack-a")).build());
        deleteOk();

        assertTrue(cleaner.deleteIfOwned("vpce-0aaa", Map.of("vpce-pilot:stack", "stack-a")).cleanedUp());
        assertEquals(List.of("vpce-0aaa"), deletedIds());
    }

    @Test
    void anUnsuccessfulDeleteIsAwsRequestFailed() {
        found(owned("vpce-0aaa", T0, RTB_A));
        doReturn(DeleteVpcEndpointsResponse.builder().unsuccessful(UnsuccessfulItem.builder().resourceId("vpce-0aaa")
                .error(UnsuccessfulItemError.builder().code("UnauthorizedOperation").message("no").build()).build())
                .build()).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

        AwsRequestFailed error = assertThrows(AwsRequestFailed.class, () -> cleaner.deleteIfOwned("vpce-0aaa"));
        assertTrue(error.getMessage().contains("vpce-0aaa"), error.getMessage());
    }

    @Test
    void aDeleteThatRacedWithAnotherDeleteIsStillCleanedUp() {
        found(owned("vpce-0aaa", T0, RTB_A));
        doReturn(DeleteVpcEndpointsResponse.builder().unsuccessful(UnsuccessfulItem.builder().resourceId("vpce-0aaa")
                .error(UnsuccessfulItemError.builder().code("InvalidVpcEndpoint.NotFound").message("gone").build())
                .build()).build()).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

        assertTrue(cleaner.deleteIfOwned("vpce-0aaa").cleanedUp());
    }

    @Test
    void aThrottledLookupIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> cleaner.deleteIfOwned("vpce-0aaa"));
    }

    @Test
    void anAccessDeniedLookupIsAwsRequestFailed() {
        doThrow(ec2Error(403, "UnauthorizedOperation")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(AwsRequestFailed.class, () -> cleaner.deleteIfOwned("vpce-0aaa"));
    }

    @Test
    void deleteCreatedByFiltersByBothTagsAndDeletesOnlyLiveOwnedOnes() {
        found(owned("vpce-0aaa", T0, RTB_A),
                endpoint("vpce-0del", "deleted", T0, List.of(RTB_A), ownedTags(EXECUTION), null),
                // defensive: a filter answer without the ownership tag is never deleted
                endpoint("vpce-0odd", "available", T0, List.of(RTB_A), List.of(tag("vpce-pilot:execution", EXECUTION)),
                        null),
                owned("vpce-0bbb", T0, RTB_A));
        deleteOk();

        List<String> rolledBack = cleaner.deleteCreatedBy(EXECUTION);

        assertEquals(List.of("vpce-0aaa", "vpce-0bbb"), rolledBack);
        assertEquals(List.of("vpce-0aaa", "vpce-0bbb"), deletedIds());
        ArgumentCaptor<DescribeVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DescribeVpcEndpointsRequest.class);
        verify(ec2).describeVpcEndpoints(sent.capture());
        assertEquals(Map.of("tag:managed-by", List.of("vpce-pilot"), "tag:vpce-pilot:execution", List.of(EXECUTION)),
                filters(sent.getValue().filters()));
        assertTrue(log.contains("Rolled back [vpce-0aaa, vpce-0bbb]"), log.toString());
    }

    @Test
    void deleteCreatedByFollowsPages() {
        doAnswer(invocation -> {
            DescribeVpcEndpointsRequest request = invocation.getArgument(0);
            return request.nextToken() == null
                    ? DescribeVpcEndpointsResponse.builder().vpcEndpoints(owned("vpce-0aaa", T0, RTB_A))
                            .nextToken("2").build()
                    : DescribeVpcEndpointsResponse.builder().vpcEndpoints(owned("vpce-0bbb", T0, RTB_A)).build();
        }).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        deleteOk();

        assertEquals(List.of("vpce-0aaa", "vpce-0bbb"), cleaner.deleteCreatedBy(EXECUTION));
    }

    @Test
    void deleteCreatedByWithNothingCreatedDeletesNothing() {
        found();

        assertEquals(List.of(), cleaner.deleteCreatedBy(EXECUTION));
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @Test
    void deleteCreatedByThrottledIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> cleaner.deleteCreatedBy(EXECUTION));
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }
}
