package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.EXECUTION;
import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.T0;
import static dev.vpcepilot.unit.Fixtures.VPC;
import static dev.vpcepilot.unit.Fixtures.context;
import static dev.vpcepilot.unit.Fixtures.ec2Error;
import static dev.vpcepilot.unit.Fixtures.fieldNames;
import static dev.vpcepilot.unit.Fixtures.filters;
import static dev.vpcepilot.unit.Fixtures.invoke;
import static dev.vpcepilot.unit.Fixtures.owned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.handlers.RollbackHandler;
import dev.vpcepilot.json.Json;
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

class RollbackHandlerTest {

    private static final String VPC_STATE = "{\"vpcId\":\"" + VPC + "\",\"isDefault\":true,\"routeTableIds\":[\""
            + RTB_A + "\"],\"prefixListRoutes\":{}}";

    private final Ec2Client ec2 = Fixtures.ec2();
    private final RollbackHandler handler = new RollbackHandler(Fixtures.clients(ec2, Fixtures.dynamoDb()));

    /** The whole execution state as a Catch with ResultPath $.error leaves it. */
    private static String state(String error, String cause, String vpc) throws Exception {
        String errorJson = Json.MAPPER.writeValueAsString(Map.of("Error", error, "Cause", cause));
        return "{\"input\":{\"vpcId\":\"" + VPC + "\"},\"execution\":\"" + EXECUTION + "\","
                + "\"settings\":{\"waitSeconds\":5,\"maxWaitAttempts\":60},"
                + (vpc == null ? "" : "\"vpc\":" + vpc + ",")
                + "\"error\":" + errorJson + "}";
    }

    private static String lambdaCause(String type, String message) throws Exception {
        return Json.MAPPER.writeValueAsString(Map.of("errorMessage", message, "errorType", type,
                "stackTrace", List.of("dev.vpcepilot.service.X.y(X.java:1)")));
    }

    private void created(VpcEndpoint... endpoints) {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(endpoints).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
    }

    @Test
    void beforeTheVpcIsResolvedNothingIsCalledAndTheErrorIsNamed() throws Exception {
        JsonNode out = invoke(handler, state("dev.vpcepilot.errors.InvalidInput",
                lambdaCause("dev.vpcepilot.errors.InvalidInput", "Unknown input key 'x'."), null), context());

        verifyNoInteractions(ec2);
        assertEquals(List.of("error", "cause", "rolledBack"), fieldNames(out));
        assertEquals("InvalidInput", out.get("error").asText());
        assertEquals("Unknown input key 'x'.", out.get("cause").asText());
        assertEquals("[]", out.get("rolledBack").toString());
    }

    @Test
    void aNullVpcCountsAsNotResolved() throws Exception {
        invoke(handler, state("dev.vpcepilot.errors.NoDefaultVpc", "none", "null"), context());

        verifyNoInteractions(ec2);
    }

    @Test
    void withoutAnExecutionIdNothingIsLookedUp() throws Exception {
        String noExecution = state("States.Timeout", "late", VPC_STATE).replace("\"execution\":\"" + EXECUTION + "\",", "");

        JsonNode out = invoke(handler, noExecution, context());

        verifyNoInteractions(ec2);
        assertEquals("States.Timeout", out.get("error").asText());
    }

    @Test
    void afterTheVpcIsResolvedWhatThisExecutionCreatedIsDeletedAndMentioned() throws Exception {
        created(owned("vpce-0aaa", T0, RTB_A));
        doReturn(DeleteVpcEndpointsResponse.builder().build()).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

        JsonNode out = invoke(handler, state("dev.vpcepilot.errors.VerificationFailed",
                lambdaCause("dev.vpcepilot.errors.VerificationFailed", "Routes are not in place."), VPC_STATE), context());

        assertEquals("VerificationFailed", out.get("error").asText());
        assertEquals("Routes are not in place. Rolled back vpce-0aaa, created by this execution.",
                out.get("cause").asText());
        assertEquals("[\"vpce-0aaa\"]", out.get("rolledBack").toString());
        ArgumentCaptor<DescribeVpcEndpointsRequest> lookup = ArgumentCaptor.forClass(DescribeVpcEndpointsRequest.class);
        verify(ec2).describeVpcEndpoints(lookup.capture());
        assertEquals(Map.of("tag:managed-by", List.of("vpce-pilot"), "tag:vpce-pilot:execution", List.of(EXECUTION)),
                filters(lookup.getValue().filters()));
        ArgumentCaptor<DeleteVpcEndpointsRequest> deleted = ArgumentCaptor.forClass(DeleteVpcEndpointsRequest.class);
        verify(ec2).deleteVpcEndpoints(deleted.capture());
        assertEquals(List.of("vpce-0aaa"), deleted.getValue().vpcEndpointIds());
    }

    @Test
    void aReusedEndpointIsNotRolledBackBecauseItIsNotTaggedWithThisExecution() throws Exception {
        created();

        JsonNode out = invoke(handler, state("EndpointNotAvailable",
                "Endpoint vpce-0fff is in state failed: it will not become available.", VPC_STATE), context());

        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
        assertEquals("EndpointNotAvailable", out.get("error").asText());
        assertEquals("Endpoint vpce-0fff is in state failed: it will not become available.", out.get("cause").asText());
        assertFalse(out.get("cause").asText().contains("Rolled back"));
    }

    @Test
    void anUnexpectedExceptionBecomesInternalError() throws Exception {
        JsonNode out = invoke(handler, state("java.lang.NullPointerException",
                lambdaCause("java.lang.NullPointerException", "boom"), null), context());

        assertEquals("InternalError", out.get("error").asText());
        assertTrue(out.get("cause").asText().contains("boom"), out.toString());
        assertFalse(out.get("cause").asText().contains("stackTrace"), out.toString());
    }

    @Test
    void aFailedRollbackDeleteFailsTheStep() {
        created(owned("vpce-0aaa", T0, RTB_A));
        doReturn(DeleteVpcEndpointsResponse.builder().unsuccessful(UnsuccessfulItem.builder().resourceId("vpce-0aaa")
                .error(UnsuccessfulItemError.builder().code("UnauthorizedOperation").message("no").build()).build())
                .build()).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

        AwsRequestFailed error = assertThrows(AwsRequestFailed.class, () -> invoke(handler,
                state("dev.vpcepilot.errors.VerificationFailed", "x", VPC_STATE), context()));
        assertTrue(error.getMessage().contains("vpce-0aaa"), error.getMessage());
    }

    @Test
    void aThrottledRollbackIsTransientSoTheStateMachineRetriesIt() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> invoke(handler,
                state("dev.vpcepilot.errors.VerificationFailed", "x", VPC_STATE), context()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"error\":", "nope"})
    void unreadableStateIsInvalidInput(String input) {
        assertThrows(InvalidInput.class, () -> invoke(handler, input, context()));
        verifyNoInteractions(ec2);
    }
}
