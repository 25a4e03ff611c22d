package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.EXECUTION;
import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.SERVICE;
import static dev.vpcepilot.unit.Fixtures.T0;
import static dev.vpcepilot.unit.Fixtures.VPC;
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
import dev.vpcepilot.handlers.CreateEndpointHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

class CreateEndpointHandlerTest {

    /** What the CreateEndpoint state's Parameters send. */
    private static String input(String tags, String policy) {
        return "{\"serviceName\":\"" + SERVICE + "\",\"vpcId\":\"" + VPC + "\",\"routeTableIds\":[\"" + RTB_A + "\"],"
                + "\"policyDocument\":" + policy + ",\"tags\":" + tags + ",\"executionId\":\"" + EXECUTION + "\"}";
    }

    private final Ec2Client ec2 = Fixtures.ec2();
    private final CreateEndpointHandler handler = new CreateEndpointHandler(Fixtures.clients(ec2, Fixtures.dynamoDb()));

    private void describes(VpcEndpoint[] first, VpcEndpoint... second) {
        doReturn(DescribeVpcEndpointsResponse.builder().vpcEndpoints(first).build(),
                DescribeVpcEndpointsResponse.builder().vpcEndpoints(second).build())
                .when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
    }

    @Test
    void createsAndWritesTheEndpointStateTheWaitLoopReads() throws Exception {
        VpcEndpoint mine = owned("vpce-0new", T0, RTB_A).toBuilder().state("pending").build();
        describes(new VpcEndpoint[0], mine);
        doReturn(CreateVpcEndpointResponse.builder().vpcEndpoint(mine).build())
                .when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
        List<String> log = new ArrayList<>();

        JsonNode out = invoke(handler, input("{\"team\":\"data\"}", "null"), context(log));

        assertEquals(List.of("vpcEndpointId", "created", "owned", "modified", "state", "routeTableIds", "waitAttempts"),
                fieldNames(out));
        assertEquals("vpce-0new", out.get("vpcEndpointId").asText());
        assertTrue(out.get("created").asBoolean());
        assertTrue(out.get("owned").asBoolean());
        assertEquals("pending", out.get("state").asText());
        assertEquals(0, out.get("waitAttempts").asInt());
        assertTrue(out.get("waitAttempts").isInt(), "compared numerically by the Choice state");

        ArgumentCaptor<CreateVpcEndpointRequest> sent = ArgumentCaptor.forClass(CreateVpcEndpointRequest.class);
        verify(ec2).createVpcEndpoint(sent.capture());
        Map<String, String> tags = sent.getValue().tagSpecifications().get(0).tags().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
        assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", EXECUTION, "team", "data"), tags);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Created vpce-0new")), log.toString());
    }

    @Test
    void nullTagsMeanNoUserTags() throws Exception {
        VpcEndpoint mine = owned("vpce-0new", T0, RTB_A);
        describes(new VpcEndpoint[0], mine);
        doReturn(CreateVpcEndpointResponse.builder().vpcEndpoint(mine).build())
                .when(ec2).createVpcEndpoint(any(CreateVpcEndpointRequest.class));

        invoke(handler, input("null", "null"), context());

        ArgumentCaptor<CreateVpcEndpointRequest> sent = ArgumentCaptor.forClass(CreateVpcEndpointRequest.class);
        verify(ec2).createVpcEndpoint(sent.capture());
        assertEquals(List.of("managed-by", "vpce-pilot:execution"),
                sent.getValue().tagSpecifications().get(0).tags().stream().map(Tag::key).toList());
    }

    @Test
    void reusesAForeignEndpointAndSaysSo() throws Exception {
        describes(new VpcEndpoint[] {foreign("vpce-0fff", T0, RTB_A)});

        JsonNode out = invoke(handler, input("{}", "\"{\\\"Statement\\\":[]}\""), context());

        assertEquals("vpce-0fff", out.get("vpcEndpointId").asText());
        assertFalse(out.get("created").asBoolean());
        assertFalse(out.get("owned").asBoolean());
        assertFalse(out.get("modified").asBoolean());
        verify(ec2, never()).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
    }

    @Test
    void anUnknownFieldIsInvalidInput() {
        String input = input("{}", "null").replace("{\"serviceName\"", "{\"region\":\"us-east-1\",\"serviceName\"");

        InvalidInput error = assertThrows(InvalidInput.class, () -> invoke(handler, input, context()));
        assertTrue(error.getMessage().contains("region"), error.getMessage());
        verifyNoInteractions(ec2);
    }

    @Test
    void throttlingIsTransient() {
        doThrow(ec2Error(503, "RequestLimitExceeded")).when(ec2).describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));

        assertThrows(TransientAwsError.class, () -> invoke(handler, input("{}", "null"), context()));
    }
}
