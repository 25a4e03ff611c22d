package dev.vpcepilot.sharing;

import static dev.vpcepilot.sharing.SharingFixtures.EXEC;
import static dev.vpcepilot.sharing.SharingFixtures.SERVICE;
import static dev.vpcepilot.sharing.SharingFixtures.VPC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

    @Test
    void anExecutionArnGivesTheAccountAndRegion() {
        Scope scope = Scope.of(EXEC, VPC, SERVICE);

        assertEquals(new Scope("123456789012", "us-east-1", VPC, SERVICE), scope);
        assertEquals("123456789012/us-east-1/" + VPC + "/" + SERVICE, scope.key());
        assertEquals(scope.key(), scope.toString());
    }

    @Test
    void aFunctionArnAndOtherPartitionsWorkToo() {
        assertEquals(new Scope("210987654321", "eu-west-1", VPC, SERVICE),
                Scope.of("arn:aws:lambda:eu-west-1:210987654321:function:vpce-pilot-Create:live", VPC, SERVICE));
        assertEquals(new Scope("123456789012", "cn-north-1", VPC, SERVICE),
                Scope.of("arn:aws-cn:states:cn-north-1:123456789012:execution:m:e", VPC, SERVICE));
    }

    @Test
    void scopesOfAnotherVpcServiceAccountOrRegionHaveOtherKeys() {
        Scope scope = Scope.of(EXEC, VPC, SERVICE);

        assertNotEquals(scope.key(), Scope.of(EXEC, "vpc-0123456789abcdef1", SERVICE).key());
        assertNotEquals(scope.key(), Scope.of(EXEC, VPC, "com.amazonaws.us-east-1.s3").key());
        assertNotEquals(scope.key(), Scope.of(EXEC.replace("123456789012", "123456789013"), VPC, SERVICE).key());
        assertNotEquals(scope.key(), Scope.of(EXEC.replace("us-east-1", "us-east-2"), VPC, SERVICE).key());
    }

    @Test
    void anInterfaceScopeHasAKeyOfItsOwnAndTheGatewayKeyStaysAsItWas() {
        Scope gateway = Scope.of(EXEC, VPC, SERVICE);
        Scope interfaces = gateway.withType(EndpointType.INTERFACE);

        assertEquals("123456789012/us-east-1/" + VPC + "/" + SERVICE, gateway.withType(EndpointType.GATEWAY).key());
        assertEquals(gateway.key() + "#Interface", interfaces.key());
        assertNotEquals(gateway, interfaces);
        assertTrue(interfaces.isInterface());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "execution-1",
            "arn:aws:states:us-east-1:123456789012",
            "arn:aws:s3:::bucket",
            "arn:aws:states::123456789012:execution:m:e",
            "arn:aws:states:us-east-1:12345678901:execution:m:e",
            "arn:aws:states:us-east-1:1234567890123:execution:m:e",
            "arn:aws:states:us-east-1:abcdefghijkl:execution:m:e",
            "urn:aws:states:us-east-1:123456789012:execution:m:e"})
    void anythingElseIsInvalidInputNamingTheValueAndTheForm(String arn) {
        InvalidInput invalid = assertThrows(InvalidInput.class, () -> Scope.of(arn, VPC, SERVICE));

        assertTrue(invalid.getMessage().contains("'" + arn + "'"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("arn:<partition>:<service>:<region>:<account>:"),
                invalid.getMessage());
    }

    @Test
    void everyPartIsRequired() {
        assertThrows(NullPointerException.class, () -> new Scope(null, "us-east-1", VPC, SERVICE));
        assertThrows(NullPointerException.class, () -> new Scope("123456789012", null, VPC, SERVICE));
        assertThrows(NullPointerException.class, () -> Scope.of(EXEC, null, SERVICE));
        assertThrows(NullPointerException.class, () -> Scope.of(EXEC, VPC, null));
    }
}
