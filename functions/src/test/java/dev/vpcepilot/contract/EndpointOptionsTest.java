package dev.vpcepilot.contract;

import static dev.vpcepilot.fixtures.Fixtures.REGION;
import static dev.vpcepilot.fixtures.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.sharing.EndpointType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EndpointOptionsTest {

    private final InputValidator validator = new InputValidator(REGION);

    @Test
    void withoutEndpointTypeEverythingIsAGatewayAsBefore() throws Exception {
        InputValidator.Input input = validator.validate(json("{\"routeTableIds\":[\"rtb-01234567\"]}"));

        assertEquals(EndpointOptions.GATEWAY, input.endpoint());
        assertEquals(EndpointOptions.GATEWAY, validator.validate(json("{\"endpointType\":\"Gateway\"}")).endpoint());
    }

    @Test
    void anInterfaceInputKeepsItsKeysSortedAndTheCidrsAsNetworks() throws Exception {
        InputValidator.Input input = validator.validate(json("""
                {"endpointType":"Interface","subnetIds":["subnet-89abcdef","subnet-01234567"],
                 "allowedCidrs":["192.168.0.0/24","10.20.0.0/16","172.16.4.7/32"]}"""));

        assertEquals(new EndpointOptions(EndpointType.INTERFACE, List.of("subnet-01234567", "subnet-89abcdef"), null,
                List.of("10.20.0.0/16", "172.16.4.7/32", "192.168.0.0/24")), input.endpoint());
        assertEquals(new EndpointOptions(EndpointType.INTERFACE, null, List.of("sg-01234567"), null), validator
                .validate(json("{\"endpointType\":\"Interface\",\"securityGroupIds\":[\"sg-01234567\"]}")).endpoint());
        assertEquals(new EndpointOptions(EndpointType.INTERFACE, null, null, null),
                validator.validate(json("{\"endpointType\":\"Interface\"}")).endpoint());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("{\"endpointType\":\"interface\"}", List.of("endpointType is 'interface'", "\"Gateway\"",
                        "\"Interface\"")),
                Arguments.of("{\"endpointType\":1}", List.of("endpointType is a number")),
                Arguments.of("{\"subnetIds\":[\"subnet-01234567\"]}", List.of("subnetIds applies to interface "
                        + "endpoints only", "\"endpointType\": \"Interface\"")),
                Arguments.of("{\"endpointType\":\"Gateway\",\"securityGroupIds\":[\"sg-01234567\"],"
                        + "\"allowedCidrs\":[\"10.0.0.0/8\"]}", List.of("securityGroupIds, allowedCidrs apply to "
                        + "interface endpoints only")),
                Arguments.of("{\"endpointType\":\"Interface\",\"routeTableIds\":[\"rtb-01234567\"]}",
                        List.of("routeTableIds applies to Gateway endpoints only", "subnetIds, securityGroupIds")),
                Arguments.of("{\"endpointType\":\"Interface\",\"subnetIds\":[]}", List.of("subnetIds is an array of 0")),
                Arguments.of("{\"endpointType\":\"Interface\",\"subnetIds\":[\"subnet-0123\"]}",
                        List.of("subnetIds contains \"subnet-0123\"")),
                Arguments.of("{\"endpointType\":\"Interface\",\"subnetIds\":[\"subnet-01234567\",\"subnet-01234567\"]}",
                        List.of("more than once")),
                Arguments.of("{\"endpointType\":\"Interface\",\"securityGroupIds\":\"sg-01234567\"}",
                        List.of("securityGroupIds is a string", "1 to 5")),
                Arguments.of("{\"endpointType\":\"Interface\",\"allowedCidrs\":[\"10.0.0.1/8\"]}",
                        List.of("not the block's network address (10.0.0.0/8)")),
                Arguments.of("{\"endpointType\":\"Interface\",\"allowedCidrs\":[\"10.0.0.0/33\"]}",
                        List.of("not an IPv4 CIDR block")),
                Arguments.of("{\"endpointType\":\"Interface\",\"allowedCidrs\":[\"fd00::/8\"]}",
                        List.of("not an IPv4 CIDR block")),
                Arguments.of("{\"endpointType\":\"Interface\",\"allowedCidrs\":[\"10.0.0.0/8\",\"10.0.0.0/8\"]}",
                        List.of("more than once")),
                Arguments.of("{\"endpointType\":\"Interface\",\"allowedCidrs\":[\"10.0.0.0/8\"],"
                        + "\"securityGroupIds\":[\"sg-01234567\"]}", List.of("allowedCidrs opens the security group")),
                Arguments.of("{\"endpointType\":\"Interface\",\"requireDataPath\":true}",
                        List.of("requireDataPath applies to Gateway endpoints")));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void crossTypeKeysAndMalformedValuesAreInvalidInputNamingTheKey(String input, List<String> fragments) {
        InvalidInput error = assertThrows(InvalidInput.class, () -> validator.validate(json(input)));
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), error.getMessage() + " lacks " + fragment);
        }
    }
}
