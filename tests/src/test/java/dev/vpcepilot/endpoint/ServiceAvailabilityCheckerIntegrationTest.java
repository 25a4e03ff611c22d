package dev.vpcepilot.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.ServiceNotAvailable;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.service.ServiceAvailabilityChecker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DescribeVpcEndpointServices through the real SDK client against moto_server. */
@Integration
class ServiceAvailabilityCheckerIntegrationTest {

    private static MotoServer moto;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
    }


    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-1"})
    void dynamoDbIsAGatewayServiceInTheRegion(String region) {
        try (MotoEc2 aws = new MotoEc2(moto.endpoint(), region)) {
            assertEquals("Gateway", new ServiceAvailabilityChecker(aws.ec2()).requireGateway(aws.dynamoDbService()));
        }
    }

    @Test
    void anUnknownServiceIsServiceNotAvailable() {
        try (MotoEc2 aws = new MotoEc2(moto.endpoint(), "us-east-1")) {
            ServiceNotAvailable error = assertThrows(ServiceNotAvailable.class,
                    () -> new ServiceAvailabilityChecker(aws.ec2()).requireGateway("com.amazonaws.us-east-1.bogus"));
            assertTrue(error.getMessage().contains("com.amazonaws.us-east-1.bogus is not offered"), error.getMessage());
        }
    }

    @Test
    void aServiceOfferedOnlyAsInterfaceIsServiceNotAvailable() {
        try (MotoEc2 aws = new MotoEc2(moto.endpoint(), "us-east-1")) {
            ServiceNotAvailable error = assertThrows(ServiceNotAvailable.class,
                    () -> new ServiceAvailabilityChecker(aws.ec2()).requireGateway("com.amazonaws.us-east-1.sqs"));
            assertTrue(error.getMessage().contains("not as a Gateway endpoint"), error.getMessage());
        }
    }
}
