package dev.vpcepilot.unit;

import static dev.vpcepilot.unit.Fixtures.PL;
import static dev.vpcepilot.unit.Fixtures.RTB_A;
import static dev.vpcepilot.unit.Fixtures.SERVICE;
import static dev.vpcepilot.unit.Fixtures.VPC;
import static dev.vpcepilot.unit.Fixtures.context;
import static dev.vpcepilot.unit.Fixtures.dynamoError;
import static dev.vpcepilot.unit.Fixtures.fieldNames;
import static dev.vpcepilot.unit.Fixtures.invoke;
import static dev.vpcepilot.unit.Fixtures.prefixRoute;
import static dev.vpcepilot.unit.Fixtures.table;
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
import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.handlers.ResolveVpcHandler;
import dev.vpcepilot.handlers.VerifyEndpointHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsResponse;
import software.amazon.awssdk.services.ec2.model.Vpc;

class VerifyEndpointHandlerTest {

    private static final String ENDPOINT = "{\"vpcEndpointId\":\"vpce-0aaa\",\"created\":false,\"owned\":false,"
            + "\"modified\":false,\"state\":\"available\",\"routeTableIds\":[\"" + RTB_A + "\"],\"waitAttempts\":0}";
    private static final String VPC_STATE = "{\"vpcId\":\"" + VPC + "\",\"isDefault\":true,\"routeTableIds\":[\""
            + RTB_A + "\"],\"prefixListRoutes\":{\"" + RTB_A + "\":{\"" + PL + "\":\"vpce-0aaa\"}}}";

    private final Ec2Client ec2 = Fixtures.ec2();
    private final DynamoDbClient dynamoDb = Fixtures.dynamoDb();
    private final VerifyEndpointHandler handler = new VerifyEndpointHandler(Fixtures.clients(ec2, dynamoDb));

    private static String input(String endpoint, String vpc) {
        return "{\"serviceName\":\"" + SERVICE + "\",\"endpoint\":" + endpoint + ",\"vpc\":" + vpc + "}";
    }

    private void tables(String... names) {
        doReturn(ListTablesResponse.builder().tableNames(names).build())
                .when(dynamoDb).listTables(any(ListTablesRequest.class));
    }

    @Test
    void writesTheVerificationTheOutputIsBuiltFrom() throws Exception {
        tables("orders");
        List<String> log = new ArrayList<>();

        JsonNode out = invoke(handler, input(ENDPOINT, VPC_STATE), context(log));

        assertEquals(List.of("routesOk", "listTablesOk", "prefixListId", "checkedRouteTableIds", "routesReadAgain",
                "tableCount"), fieldNames(out));
        assertTrue(out.get("routesOk").asBoolean());
        assertTrue(out.get("listTablesOk").asBoolean());
        assertEquals(PL, out.get("prefixListId").asText());
        assertFalse(out.get("routesReadAgain").asBoolean());
        assertEquals(1, out.get("tableCount").asInt());
        verify(ec2, never()).describeRouteTables(any(DescribeRouteTablesRequest.class));
        assertTrue(log.stream().anyMatch(l -> l.contains("Verified vpce-0aaa") && l.contains(PL)), log.toString());
    }

    @Test
    void acceptsTheRealOutputOfResolveVpcAsItsVpc() throws Exception {
        doReturn(DescribeVpcsResponse.builder().vpcs(Vpc.builder().vpcId(VPC).isDefault(true).build()).build())
                .when(ec2).describeVpcs(any(DescribeVpcsRequest.class));
        doReturn(DescribeRouteTablesResponse.builder().routeTables(table(RTB_A, prefixRoute(PL, "vpce-0aaa"))).build())
                .when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));
        tables();
        JsonNode vpc = invoke(new ResolveVpcHandler(Fixtures.clients(ec2, dynamoDb)),
                "{\"vpcId\":null,\"routeTableIds\":null}", context());

        JsonNode out = invoke(handler, input(ENDPOINT, vpc.toString()), context());

        assertEquals(PL, out.get("prefixListId").asText());
    }

    @Test
    void aMissingRouteIsVerificationFailed() {
        String noRoute = VPC_STATE.replace("{\"" + PL + "\":\"vpce-0aaa\"}", "{}");
        // read again before failing (the route may have appeared since ResolveVpc): still missing
        doReturn(DescribeRouteTablesResponse.builder().routeTables(table(RTB_A)).build())
                .when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));

        VerificationFailed error = assertThrows(VerificationFailed.class,
                () -> invoke(handler, input(ENDPOINT, noRoute), context()));
        assertTrue(error.getMessage().contains(RTB_A), error.getMessage());
    }

    @Test
    void listTablesAccessDeniedIsVerificationFailed() {
        doThrow(dynamoError(400, "AccessDeniedException")).when(dynamoDb).listTables(any(ListTablesRequest.class));

        assertThrows(VerificationFailed.class, () -> invoke(handler, input(ENDPOINT, VPC_STATE), context()));
    }

    @Test
    void listTablesThrottlingIsTransient() {
        doThrow(dynamoError(400, "ThrottlingException")).when(dynamoDb).listTables(any(ListTablesRequest.class));

        assertThrows(TransientAwsError.class, () -> invoke(handler, input(ENDPOINT, VPC_STATE), context()));
    }

    @Test
    void anUnknownFieldAnywhereIsInvalidInput() {
        assertThrows(InvalidInput.class, () -> invoke(handler,
                input(ENDPOINT, VPC_STATE).replace("{\"serviceName\"", "{\"request\":{},\"serviceName\""), context()));
        assertThrows(InvalidInput.class, () -> invoke(handler,
                input(ENDPOINT.replace("{", "{\"extra\":true,"), VPC_STATE), context()));
        verifyNoInteractions(ec2, dynamoDb);
    }
}
