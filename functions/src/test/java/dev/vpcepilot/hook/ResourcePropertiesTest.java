package dev.vpcepilot.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.fixtures.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcePropertiesTest {

    @Test
    void mapsThePascalCasePropertiesToTheExecutionInput() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:hook");
        properties.put("ServiceTimeout", "900");
        properties.put("VpcId", "vpc-0123456789abcdef0");
        properties.put("RouteTableIds", List.of("rtb-01234567"));
        properties.put("ServiceName", "com.amazonaws.us-east-1.dynamodb");
        properties.put("PolicyDocument", Map.of("Statement", List.of()));
        properties.put("Tags", Map.of("team", "data"));

        var input = ResourceProperties.toExecutionInput(properties);

        assertEquals(Fixtures.json("{\"vpcId\":\"vpc-0123456789abcdef0\",\"routeTableIds\":[\"rtb-01234567\"],"
                + "\"serviceName\":\"com.amazonaws.us-east-1.dynamodb\",\"policyDocument\":{\"Statement\":[]},"
                + "\"tags\":{\"team\":\"data\"}}"), input);
        // and the result passes the execution input's own validation
        new InputValidator("us-east-1").validate(input);
    }

    @Test
    void requireDataPathArrivesAsTheStringCloudFormationSendsAndBecomesABoolean() {
        assertEquals(Fixtures.json("{\"requireDataPath\":true}"),
                ResourceProperties.toExecutionInput(Map.of("RequireDataPath", "true")));
        assertEquals(Fixtures.json("{\"requireDataPath\":false}"),
                ResourceProperties.toExecutionInput(Map.of("RequireDataPath", "false")));
        var odd = ResourceProperties.toExecutionInput(Map.of("RequireDataPath", "yes"));
        InvalidInput refused = assertThrows(InvalidInput.class, () -> new InputValidator("us-east-1").validate(odd));
        assertTrue(refused.getMessage().startsWith("requireDataPath must be true or false"), refused.getMessage());
    }

    @Test
    void tagsAsAListOfKeyValueObjectsBecomeAMap() {
        var input = ResourceProperties.toExecutionInput(Map.of("Tags", List.of(
                Map.of("Key", "team", "Value", "data"), Map.of("Key", "env", "Value", "prod"))));

        assertEquals(Fixtures.json("{\"team\":\"data\",\"env\":\"prod\"}"), input.get("tags"));
    }

    @Test
    void aMalformedTagListIsInvalidInput() {
        InvalidInput error = assertThrows(InvalidInput.class, () -> ResourceProperties.toExecutionInput(
                Map.of("Tags", List.of(Map.of("Name", "team", "Value", "data")))));
        assertTrue(error.getMessage().contains("Key/Value"), error.getMessage());
    }

    @Test
    void unknownPropertiesAreInvalidInputNamingThemAndTheAllowedOnes() {
        InvalidInput error = assertThrows(InvalidInput.class,
                () -> ResourceProperties.toExecutionInput(Map.of("VpcID", "vpc-1")));
        assertTrue(error.getMessage().contains("Unknown property VpcID"), error.getMessage());
        assertTrue(error.getMessage().contains("VpcId, RouteTableIds, ServiceName, PolicyDocument, Tags"),
                error.getMessage());
    }

    @Test
    void noPropertiesIsAnEmptyInput() {
        assertEquals(Fixtures.json("{}"), ResourceProperties.toExecutionInput(null));
    }

    @Test
    void theInterfacePropertiesBecomeTheInterfaceKeysOfTheInput() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("VpcId", "vpc-0123456789abcdef0");
        properties.put("EndpointType", "Interface");
        properties.put("SubnetIds", List.of("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"));
        properties.put("SecurityGroupIds", List.of("sg-0123456789abcdef0"));
        properties.put("AllowedCidrs", List.of("192.168.0.0/16"));

        assertEquals(Fixtures.json("{\"vpcId\":\"vpc-0123456789abcdef0\",\"endpointType\":\"Interface\","
                + "\"subnetIds\":[\"subnet-0123456789abcdef0\",\"subnet-0123456789abcdef1\"],"
                + "\"securityGroupIds\":[\"sg-0123456789abcdef0\"],\"allowedCidrs\":[\"192.168.0.0/16\"]}"),
                ResourceProperties.toExecutionInput(properties));
        assertEquals(Fixtures.json("{\"endpointType\":\"Gateway\",\"routeTableIds\":[\"rtb-01234567\"]}"),
                ResourceProperties.toExecutionInput(Map.of("EndpointType", "Gateway", "RouteTableIds",
                        List.of("rtb-01234567"))));
    }

    @Test
    void routeTableIdsOnAnInterfaceResourceIsInvalidInputNamingWhatToGiveInstead() {
        InvalidInput error = assertThrows(InvalidInput.class, () -> ResourceProperties.toExecutionInput(Map.of(
                "EndpointType", "Interface", "RouteTableIds", List.of("rtb-01234567"))));

        assertTrue(error.getMessage().startsWith("RouteTableIds is for Gateway endpoints"), error.getMessage());
        assertTrue(error.getMessage().contains("give SubnetIds"), error.getMessage());
    }

    @Test
    void theInterfacePropertiesOnAGatewayResourceAreInvalidInputNamingEachOfThem() {
        InvalidInput byDefault = assertThrows(InvalidInput.class, () -> ResourceProperties.toExecutionInput(Map.of(
                "SubnetIds", List.of("subnet-0123456789abcdef0"))));
        assertTrue(byDefault.getMessage().startsWith("SubnetIds is for EndpointType Interface only; this resource "
                + "is a Gateway endpoint (EndpointType not given)"), byDefault.getMessage());

        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("EndpointType", "Gateway");
        properties.put("AllowedCidrs", List.of("192.168.0.0/16"));
        properties.put("SecurityGroupIds", List.of("sg-0123456789abcdef0"));
        InvalidInput explicit = assertThrows(InvalidInput.class, () -> ResourceProperties.toExecutionInput(properties));
        assertTrue(explicit.getMessage().startsWith("SecurityGroupIds, AllowedCidrs are for EndpointType Interface "
                + "only; this resource is a Gateway endpoint (EndpointType Gateway)"), explicit.getMessage());
    }

    @Test
    void anEndpointTypeOtherThanGatewayOrInterfaceIsInvalidInput() {
        for (Object type : List.of("interface", "GatewayLoadBalancer", "", List.of("Interface"))) {
            InvalidInput error = assertThrows(InvalidInput.class, () -> ResourceProperties.toExecutionInput(
                    Map.of("EndpointType", type)), String.valueOf(type));
            assertTrue(error.getMessage().startsWith("EndpointType must be Gateway or Interface"), error.getMessage());
        }
    }
}
