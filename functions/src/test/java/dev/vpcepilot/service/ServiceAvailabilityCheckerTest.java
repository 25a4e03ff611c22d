package dev.vpcepilot.service;

import static dev.vpcepilot.fixtures.Fixtures.SERVICE;
import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.ServiceNotAvailable;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.fixtures.Fixtures;
import dev.vpcepilot.sharing.EndpointType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointServicesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointServicesResponse;
import software.amazon.awssdk.services.ec2.model.ServiceDetail;
import software.amazon.awssdk.services.ec2.model.ServiceType;
import software.amazon.awssdk.services.ec2.model.ServiceTypeDetail;

class ServiceAvailabilityCheckerTest {

    private final Ec2Client ec2 = Fixtures.ec2();
    private final ServiceAvailabilityChecker checker = new ServiceAvailabilityChecker(ec2);

    private static ServiceDetail service(String name, ServiceType... types) {
        return ServiceDetail.builder().serviceName(name)
                .serviceType(Stream.of(types).map(t -> ServiceTypeDetail.builder().serviceType(t).build()).toList())
                .build();
    }

    private void answer(ServiceDetail... details) {
        doReturn(DescribeVpcEndpointServicesResponse.builder().serviceDetails(details).build())
                .when(ec2).describeVpcEndpointServices(any(DescribeVpcEndpointServicesRequest.class));
    }

    @Test
    void aGatewayServiceIsAcceptedAndOnlyThatServiceIsAskedFor() {
        answer(service(SERVICE, ServiceType.GATEWAY));

        assertEquals("Gateway", checker.requireGateway(SERVICE));

        ArgumentCaptor<DescribeVpcEndpointServicesRequest> sent =
                ArgumentCaptor.forClass(DescribeVpcEndpointServicesRequest.class);
        verify(ec2).describeVpcEndpointServices(sent.capture());
        assertEquals(List.of(SERVICE), sent.getValue().serviceNames());
    }

    @Test
    void aServiceOfferedAsBothInterfaceAndGatewayIsAccepted() {
        answer(service(SERVICE, ServiceType.INTERFACE), service(SERVICE, ServiceType.GATEWAY));

        assertEquals("Gateway", checker.requireGateway(SERVICE));
    }

    @Test
    void onlyInterfaceIsNotAvailable() {
        answer(service(SERVICE, ServiceType.INTERFACE));

        ServiceNotAvailable error = assertThrows(ServiceNotAvailable.class, () -> checker.requireGateway(SERVICE));
        assertTrue(error.getMessage().contains("not as a Gateway endpoint"), error.getMessage());
        assertTrue(error.getMessage().contains(SERVICE), error.getMessage());
    }

    @Test
    void theEntryOfTheRequestedTypeDecidesWhateverTheOrderAndGivesItsZones() {
        ServiceDetail gateway = service(SERVICE, ServiceType.GATEWAY).toBuilder().availabilityZones("us-east-1a",
                "us-east-1b", "us-east-1c").build();
        ServiceDetail interfaces = service(SERVICE, ServiceType.INTERFACE).toBuilder().availabilityZones("us-east-1b",
                "us-east-1a").build();

        for (List<ServiceDetail> order : List.of(List.of(gateway, interfaces), List.of(interfaces, gateway))) {
            answer(order.toArray(ServiceDetail[]::new));
            assertEquals(new ServiceAvailabilityChecker.Offer("Interface", List.of("us-east-1a", "us-east-1b")),
                    checker.require(SERVICE, EndpointType.INTERFACE));
            assertEquals(new ServiceAvailabilityChecker.Offer("Gateway", List.of("us-east-1a", "us-east-1b",
                    "us-east-1c")), checker.require(SERVICE, EndpointType.GATEWAY));
        }
    }

    @Test
    void onlyGatewayIsNotAvailableAsInterfaceAndTheErrorNamesTheType() {
        answer(service(SERVICE, ServiceType.GATEWAY));

        ServiceNotAvailable error = assertThrows(ServiceNotAvailable.class,
                () -> checker.require(SERVICE, EndpointType.INTERFACE));
        assertTrue(error.getMessage().contains("not as an Interface endpoint (EC2 offers it as Gateway)"),
                error.getMessage());
    }

    @Test
    void anEmptyListIsNotAvailable() {
        answer();

        ServiceNotAvailable error = assertThrows(ServiceNotAvailable.class, () -> checker.requireGateway(SERVICE));
        assertTrue(error.getMessage().contains(SERVICE + " is not offered"), error.getMessage());
    }

    @Test
    void aGatewayUnderAnotherNameDoesNotCount() {
        answer(service("com.amazonaws.us-east-1.dynamodb-fips", ServiceType.GATEWAY));

        assertThrows(ServiceNotAvailable.class, () -> checker.requireGateway(SERVICE));
    }

    @Test
    void invalidServiceNameIsNotAvailable() {
        doThrow(ec2Error(400, "InvalidServiceName")).when(ec2)
                .describeVpcEndpointServices(any(DescribeVpcEndpointServicesRequest.class));

        ServiceNotAvailable error = assertThrows(ServiceNotAvailable.class, () -> checker.requireGateway(SERVICE));
        assertTrue(error.getMessage().contains(SERVICE), error.getMessage());
    }

    static Stream<Arguments> awsFailures() {
        return Stream.of(
                Arguments.of(ec2Error(503, "RequestLimitExceeded"), TransientAwsError.class),
                Arguments.of(ec2Error(400, "Throttling"), TransientAwsError.class),
                Arguments.of(ec2Error(500, "InternalError"), TransientAwsError.class),
                Arguments.of(ec2Error(503, "Unavailable"), TransientAwsError.class),
                Arguments.of(SdkClientException.create("connection reset"), TransientAwsError.class),
                Arguments.of(ec2Error(403, "UnauthorizedOperation"), AwsRequestFailed.class),
                Arguments.of(ec2Error(403, "AccessDenied"), AwsRequestFailed.class),
                Arguments.of(ec2Error(400, "InvalidParameterValue"), AwsRequestFailed.class));
    }

    @ParameterizedTest
    @MethodSource("awsFailures")
    void otherAwsFailuresAreTranslated(SdkException failure, Class<? extends WorkflowError> expected) {
        doThrow(failure).when(ec2).describeVpcEndpointServices(any(DescribeVpcEndpointServicesRequest.class));

        WorkflowError error = assertThrows(expected, () -> checker.requireGateway(SERVICE));
        assertTrue(error.getMessage().contains("DescribeVpcEndpointServices"), error.getMessage());
        assertEquals(failure, error.getCause());
    }
}
