package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.ec2Error;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.service.EndpointDeleter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItemError;

class EndpointDeleterTest {

    private final Ec2Client ec2 = Fixtures.ec2();
    private final EndpointDeleter deleter = new EndpointDeleter(ec2);

    private static UnsuccessfulItem failed(String id, String code) {
        return UnsuccessfulItem.builder().resourceId(id)
                .error(code == null ? null : UnsuccessfulItemError.builder().code(code).message(code + " message").build())
                .build();
    }

    private void answer(UnsuccessfulItem... unsuccessful) {
        doReturn(DeleteVpcEndpointsResponse.builder().unsuccessful(unsuccessful).build())
                .when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @Test
    void nothingToDeleteMakesNoCall() {
        deleter.delete(List.of());

        verifyNoInteractions(ec2);
    }

    @Test
    void deletesTheGivenIdsInOneCall() {
        answer();

        deleter.delete(List.of("vpce-0aaa", "vpce-0bbb"));

        ArgumentCaptor<DeleteVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DeleteVpcEndpointsRequest.class);
        verify(ec2).deleteVpcEndpoints(sent.capture());
        assertEquals(List.of("vpce-0aaa", "vpce-0bbb"), sent.getValue().vpcEndpointIds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"InvalidVpcEndpoint.NotFound", "InvalidVpcEndpointId.NotFound"})
    void anEndpointThatIsAlreadyGoneCountsAsDeleted(String code) {
        answer(failed("vpce-0aaa", code));

        assertDoesNotThrow(() -> deleter.delete(List.of("vpce-0aaa")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UnauthorizedOperation", "DependencyViolation", "InvalidVpcEndpointId.Malformed"})
    void anyOtherUnsuccessfulEntryIsAwsRequestFailedNamingTheId(String code) {
        answer(failed("vpce-0gone", "InvalidVpcEndpoint.NotFound"), failed("vpce-0bad", code));

        AwsRequestFailed error = assertThrows(AwsRequestFailed.class,
                () -> deleter.delete(List.of("vpce-0gone", "vpce-0bad")));
        assertTrue(error.getMessage().contains("vpce-0bad (" + code + ": " + code + " message)"), error.getMessage());
        assertFalse(error.getMessage().contains("vpce-0gone"), error.getMessage());
    }

    @Test
    void anUnsuccessfulEntryWithoutAReasonIsStillAFailure() {
        answer(failed("vpce-0bad", null));

        AwsRequestFailed error = assertThrows(AwsRequestFailed.class, () -> deleter.delete(List.of("vpce-0bad")));
        assertTrue(error.getMessage().contains("vpce-0bad (no reason given)"), error.getMessage());
    }

    @Test
    void aThrottledDeleteIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> deleter.delete(List.of("vpce-0aaa")));
    }

    @Test
    void aRefusedDeleteIsAwsRequestFailed() {
        doThrow(ec2Error(403, "UnauthorizedOperation")).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

        AwsRequestFailed error = assertThrows(AwsRequestFailed.class, () -> deleter.delete(List.of("vpce-0aaa")));
        assertTrue(error.getMessage().contains("DeleteVpcEndpoints"), error.getMessage());
    }
}
