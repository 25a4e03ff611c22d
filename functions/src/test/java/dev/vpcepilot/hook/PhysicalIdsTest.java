package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The physical-id rules of the custom resource, on their own. */
class PhysicalIdsTest {

    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/app/1234";
    private static final String REQUEST_ID = "11111111-2222-3333-4444-555555555555";
    private static final String MARKER = "vpce-pilot-failed-create:cfn-" + REQUEST_ID;

    private static CustomResourceRequest request(String type, String requestId, String physicalId) {
        return new CustomResourceRequest(type, requestId, "https://example.com/answer", STACK, "DynamoDbEndpoint",
                physicalId, "Custom::DynamoDbVpcEndpoint", Map.of(), null, "arn:aws:lambda:us-east-1:123456789012:"
                + "function:hook", List.of());
    }

    @Test
    void theExecutionIsNamedAfterTheRequestWithinStepFunctionsRules() {
        assertEquals("cfn-" + REQUEST_ID, PhysicalIds.executionName(request("Create", REQUEST_ID, null)));
        assertEquals("cfn-a-b-c", PhysicalIds.executionName(request("Create", "a/b c", null)));
        assertEquals(80, PhysicalIds.executionName(request("Create", "x".repeat(100), null)).length());
    }

    @Test
    void aFailedCreateIsTheMarkerOfItsExecutionAndAFailedUpdateKeepsItsId() {
        assertEquals(MARKER, PhysicalIds.afterFailure(request("Create", REQUEST_ID, null)));
        assertEquals("vpce-0old", PhysicalIds.afterFailure(request("Update", REQUEST_ID, "vpce-0old")));
    }

    @Test
    void anErrorKeepsTheIdOrMarksACreate() {
        assertEquals(MARKER, PhysicalIds.afterError(request("Create", REQUEST_ID, null)));
        assertEquals("vpce-0old", PhysicalIds.afterError(request("Delete", REQUEST_ID, "vpce-0old")));
        assertEquals(MARKER, PhysicalIds.afterError(request("Update", REQUEST_ID, null)));
        assertEquals("vpce-pilot-failed-create:no-request", PhysicalIds.afterError(request("Create", null, null)));
    }

    @Test
    void aRefusedRequestKeepsItsIdOrGetsAMarkerNamingNoExecution() {
        assertEquals("vpce-0old", PhysicalIds.ofRefused(request("Update", REQUEST_ID, "vpce-0old")));
        assertEquals("vpce-pilot-failed-create:invalid-request", PhysicalIds.ofRefused(request("Create", null, " ")));
    }

    @Test
    void theServingEndpointsAreTheIdSortedAndTheSingleEndpointWhenNoneIsListed() {
        assertEquals(List.of("vpce-0aaa", "vpce-0fff"), PhysicalIds.serving(List.of("vpce-0fff", "vpce-0aaa"),
                null));
        assertEquals(List.of("vpce-0one"), PhysicalIds.serving(List.of(), "vpce-0one"));
        assertEquals(List.of(), PhysicalIds.serving(List.of(), null));
    }

    @Test
    void aDeleteReadsTheMarkersExecutionOrTheEndpointIds() {
        assertEquals(Optional.of("cfn-" + REQUEST_ID), PhysicalIds.markedExecution(MARKER));
        assertEquals(Optional.empty(), PhysicalIds.markedExecution("vpce-0aaa"));
        assertEquals(List.of("vpce-0aaa", "vpce-0fff"), PhysicalIds.endpointIds("vpce-0aaa, vpce-0fff"));
        assertEquals(List.of(), PhysicalIds.endpointIds("not-an-endpoint"));
    }
}
