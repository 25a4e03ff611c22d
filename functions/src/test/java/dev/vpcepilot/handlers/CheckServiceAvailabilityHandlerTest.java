package dev.vpcepilot.handlers;

import static dev.vpcepilot.fixtures.Fixtures.REGION;
import static dev.vpcepilot.fixtures.Fixtures.SERVICE;
import static dev.vpcepilot.fixtures.Fixtures.context;
import static dev.vpcepilot.fixtures.Fixtures.fieldNames;
import static dev.vpcepilot.fixtures.Fixtures.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.errors.ServiceNotAvailable;
import dev.vpcepilot.fixtures.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointServicesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointServicesResponse;
import software.amazon.awssdk.services.ec2.model.ServiceDetail;
import software.amazon.awssdk.services.ec2.model.ServiceType;
import software.amazon.awssdk.services.ec2.model.ServiceTypeDetail;

class CheckServiceAvailabilityHandlerTest {

    private final Ec2Client ec2 = Fixtures.ec2();
    private final CheckServiceAvailabilityHandler handler =
            new CheckServiceAvailabilityHandler(Fixtures.clients(ec2, Fixtures.dynamoDb()));

    private void offered(ServiceType type) {
        doReturn(DescribeVpcEndpointServicesResponse.builder().serviceDetails(ServiceDetail.builder()
                        .serviceName(SERVICE).serviceType(ServiceTypeDetail.builder().serviceType(type).build()).build())
                .build()).when(ec2).describeVpcEndpointServices(any(DescribeVpcEndpointServicesRequest.class));
    }

    @BeforeEach
    void gatewayOffered() {
        offered(ServiceType.GATEWAY);
    }

    @Test
    void writesTheValidatedRequestThatTheStateMachineKeepsAsRequest() throws Exception {
        List<String> log = new ArrayList<>();

        JsonNode out = invoke(handler, """
                {"vpcId":"vpc-0123456789abcdef0","routeTableIds":["rtb-89abcdef","rtb-01234567"],
                 "policyDocument":{"Statement":[]},"tags":{"team":"data"},"cleanup":true}""", context(log));

        assertEquals(List.of("region", "serviceName", "serviceType", "vpcId", "routeTableIds", "policyDocument", "tags",
                "cleanup", "release", "customResource", "requireDataPath", "subnetIds", "securityGroupIds", "allowedCidrs",
                "serviceZones"), fieldNames(out));
        assertFalse(out.get("requireDataPath").asBoolean(), "absent: the data path is reported, not required");
        assertEquals(REGION, out.get("region").asText());
        assertEquals(SERVICE, out.get("serviceName").asText());
        assertEquals("Gateway", out.get("serviceType").asText());
        assertEquals("vpc-0123456789abcdef0", out.get("vpcId").asText());
        assertEquals("[\"rtb-01234567\",\"rtb-89abcdef\"]", out.get("routeTableIds").toString());
        assertEquals("{\"Statement\":[]}", out.get("policyDocument").asText());
        assertEquals("{\"team\":\"data\"}", out.get("tags").toString());
        assertTrue(out.get("cleanup").asBoolean());
        assertTrue(log.stream().anyMatch(l -> l.contains(SERVICE) && l.contains("Gateway")), log.toString());
    }

    @Test
    void absentKeysAreWrittenAsNullsSoJsonPathsNeverMiss() throws Exception {
        JsonNode out = invoke(handler, "{}", context());

        for (String key : List.of("vpcId", "routeTableIds", "policyDocument", "tags", "customResource", "subnetIds",
                "securityGroupIds", "allowedCidrs", "serviceZones")) {
            assertTrue(out.has(key) && out.get(key).isNull(), key + " in " + out);
        }
        assertFalse(out.get("release").asBoolean());
        assertFalse(out.get("cleanup").asBoolean());
        assertTrue(out.get("cleanup").isBoolean(), "the Choice state compares it with BooleanEquals");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"vpcid\":\"vpc-0123456789abcdef0\"}", "[]", "\"x\"", "{\"cleanup\":\"true\"}", "{"})
    void badInputIsInvalidInputBeforeAnyAwsCall(String input) {
        assertThrows(InvalidInput.class, () -> invoke(handler, input, context()));

        verify(ec2, never()).describeVpcEndpointServices(any(DescribeVpcEndpointServicesRequest.class));
    }

    @Test
    void aServiceOnlyOfferedAsInterfaceIsServiceNotAvailable() {
        offered(ServiceType.INTERFACE);

        assertThrows(ServiceNotAvailable.class, () -> invoke(handler, "{}", context()));
    }

    @Test
    void anInterfaceRequestCarriesItsKeysAndTheZonesOfTheInterfaceOffer() throws Exception {
        doReturn(DescribeVpcEndpointServicesResponse.builder().serviceDetails(
                ServiceDetail.builder().serviceName(SERVICE).availabilityZones("us-east-1a", "us-east-1b", "us-east-1c")
                        .serviceType(ServiceTypeDetail.builder().serviceType(ServiceType.GATEWAY).build()).build(),
                ServiceDetail.builder().serviceName(SERVICE).availabilityZones("us-east-1b", "us-east-1a")
                        .serviceType(ServiceTypeDetail.builder().serviceType(ServiceType.INTERFACE).build()).build())
                .build()).when(ec2).describeVpcEndpointServices(any(DescribeVpcEndpointServicesRequest.class));

        JsonNode out = invoke(handler, """
                {"endpointType":"Interface","subnetIds":["subnet-89abcdef","subnet-01234567"],
                 "allowedCidrs":["10.20.0.0/16"]}""", context());

        assertEquals("Interface", out.get("serviceType").asText());
        assertEquals("[\"subnet-01234567\",\"subnet-89abcdef\"]", out.get("subnetIds").toString());
        assertEquals("[\"10.20.0.0/16\"]", out.get("allowedCidrs").toString());
        assertTrue(out.get("securityGroupIds").isNull());
        assertEquals("[\"us-east-1a\",\"us-east-1b\"]", out.get("serviceZones").toString());
    }

    @Test
    void worksWithoutALambdaContext() throws Exception {
        assertEquals("Gateway", invoke(handler, "{}", null).get("serviceType").asText());
    }
}
