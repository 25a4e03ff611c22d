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

    /** Interface endpoints are an execution's in this version: the resource refuses them before anything starts. */
    @Test
    void anInterfaceEndpointsPropertiesAreUnknownHere() {
        for (String property : List.of("EndpointType", "SubnetIds", "SecurityGroupIds", "AllowedCidrs")) {
            InvalidInput error = assertThrows(InvalidInput.class,
                    () -> ResourceProperties.toExecutionInput(Map.of(property, "Interface")));
            assertTrue(error.getMessage().contains("Unknown property " + property), error.getMessage());
        }
    }

    @Test
    void noPropertiesIsAnEmptyInput() {
        assertEquals(Fixtures.json("{}"), ResourceProperties.toExecutionInput(null));
    }
}
