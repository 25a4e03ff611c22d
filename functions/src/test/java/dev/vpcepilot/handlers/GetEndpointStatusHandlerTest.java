package dev.vpcepilot.handlers;

import static dev.vpcepilot.fixtures.Fixtures.RTB_A;
import static dev.vpcepilot.fixtures.Fixtures.RTB_B;
import static dev.vpcepilot.fixtures.Fixtures.T0;
import static dev.vpcepilot.fixtures.Fixtures.context;
import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static dev.vpcepilot.fixtures.Fixtures.fieldNames;
import static dev.vpcepilot.fixtures.Fixtures.invoke;
import static dev.vpcepilot.fixtures.Fixtures.owned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.errors.EndpointNotAvailable;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.fixtures.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;

class GetEndpointStatusHandlerTest {

    /** $.endpoint as CreateEndpoint wrote it. */
    private static final String PENDING = "{\"vpcEndpointId\":\"vpce-0aaa\",\"state\":\"pending\",\"created\":false,"
            + "\"owned\":true,\"endpoints\":[{\"vpcEndpointId\":\"vpce-0aaa\",\"owned\":true,\"held\":true,"
            + "\"created\":false,\"state\":\"pending\",\"routeTableIds\":[\"" + RTB_A + "\"],\"createdAt\":null}],"
            + "\"previousPolicies\":{},\"previousTags\":{},\"waitAttempts\":4,\"summary\":\"vpce-0aaa (pending)\"}";

    private final Ec2Client ec2 = Fixtures.ec2();
    private final GetEndpointStatusHandler handler = new GetEndpointStatusHandler(Fixtures.clients(ec2, Fixtures.dynamoDb()));

    @Test
    void refreshesTheStateAndCountsTheCheck() throws Exception {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(owned("vpce-0aaa", T0, RTB_A, RTB_B)).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        List<String> log = new ArrayList<>();

        JsonNode out = invoke(handler, PENDING, context(log));

        assertEquals(List.of("vpcEndpointId", "state", "created", "owned", "endpoints", "previousPolicies",
                "previousTags", "waitAttempts", "verified", "tables", "summary"), fieldNames(out));
        assertEquals("available", out.get("state").asText());
        assertEquals(5, out.get("waitAttempts").asInt());
        assertEquals("available", out.at("/endpoints/0/state").asText());
        assertEquals("vpce-0aaa (available)", out.get("summary").asText(), "what the failure causes quote");
        assertTrue(log.stream().anyMatch(l -> l.contains("vpce-0aaa available") && l.contains("(check 5)")),
                log.toString());
    }

    @Test
    void aVanishedEndpointIsEndpointNotAvailable() {
        // a reused endpoint (created: false) that EC2 no longer knows, whether asked with the others or alone
        doThrow(ec2Error(400, "InvalidVpcEndpointId.NotFound")).when(ec2)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(EndpointNotAvailable.class, () -> invoke(handler, PENDING, context()));
    }

    @Test
    void throttlingIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> invoke(handler, PENDING, context()));
    }

    @Test
    void anUnknownFieldIsInvalidInput() {
        assertThrows(InvalidInput.class, () -> invoke(handler, PENDING.replaceFirst("\\{", "{\"attempts\":1,"),
                context()));
        verifyNoInteractions(ec2);
    }

    @Test
    void aNullCounterIsInvalidInput() {
        assertThrows(InvalidInput.class, () -> invoke(handler, PENDING.replace("\"waitAttempts\":4",
                "\"waitAttempts\":null"), context()));
        verifyNoInteractions(ec2);
    }
}
