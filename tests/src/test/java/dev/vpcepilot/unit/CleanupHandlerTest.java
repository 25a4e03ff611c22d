package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.T0;
import static dev.vpcepilot.unit.Fixtures.context;
import static dev.vpcepilot.unit.Fixtures.ec2Error;
import static dev.vpcepilot.unit.Fixtures.fieldNames;
import static dev.vpcepilot.unit.Fixtures.foreign;
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
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.handlers.CleanupHandler;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

class CleanupHandlerTest {

    private final Ec2Client ec2 = Fixtures.ec2();
    private final CleanupHandler handler = new CleanupHandler(Fixtures.clients(ec2, Fixtures.dynamoDb()));

    private void found(VpcEndpoint endpoint) {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(endpoint).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
    }

    @Test
    void deletesAnOwnedEndpointAndWritesTheCleanupResult() throws Exception {
        found(owned("vpce-0aaa", T0, RTB_A));
        doReturn(DeleteVpcEndpointsResponse.builder().build()).when(ec2).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));

        JsonNode out = invoke(handler, "{\"vpcEndpointId\":\"vpce-0aaa\"}", context());

        assertEquals(List.of("cleanedUp", "vpcEndpointId", "detail"), fieldNames(out));
        assertTrue(out.get("cleanedUp").asBoolean());
        assertEquals("vpce-0aaa", out.get("vpcEndpointId").asText());
        ArgumentCaptor<DeleteVpcEndpointsRequest> sent = ArgumentCaptor.forClass(DeleteVpcEndpointsRequest.class);
        verify(ec2).deleteVpcEndpoints(sent.capture());
        assertEquals(List.of("vpce-0aaa"), sent.getValue().vpcEndpointIds());
    }

    @Test
    void leavesAForeignEndpointInPlace() throws Exception {
        found(foreign("vpce-0fff", T0, RTB_A));

        JsonNode out = invoke(handler, "{\"vpcEndpointId\":\"vpce-0fff\"}", context());

        assertFalse(out.get("cleanedUp").asBoolean());
        assertTrue(out.get("detail").asText().contains("left in place"), out.toString());
        verify(ec2, never()).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"vpcEndpointId\":null}", "{\"vpcEndpointId\":\"vpc-0123456789abcdef0\"}",
            "{\"vpcEndpointId\":\"vpce-0aaa\",\"force\":true}", "{\"vpcEndpointId\":[\"vpce-0aaa\"]}"})
    void badInputIsInvalidInputWithoutAnyAwsCall(String input) {
        assertThrows(InvalidInput.class, () -> invoke(handler, input, context()));
        verifyNoInteractions(ec2);
    }

    @Test
    void throttlingIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> invoke(handler, "{\"vpcEndpointId\":\"vpce-0aaa\"}", context()));
    }
}
