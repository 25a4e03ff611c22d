package dev.vpcepilot.handlers;

import static dev.vpcepilot.fixtures.Fixtures.PL;
import static dev.vpcepilot.fixtures.Fixtures.RTB_A;
import static dev.vpcepilot.fixtures.Fixtures.RTB_B;
import static dev.vpcepilot.fixtures.Fixtures.VPC;
import static dev.vpcepilot.fixtures.Fixtures.context;
import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static dev.vpcepilot.fixtures.Fixtures.fieldNames;
import static dev.vpcepilot.fixtures.Fixtures.invoke;
import static dev.vpcepilot.fixtures.Fixtures.prefixRoute;
import static dev.vpcepilot.fixtures.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.errors.InvalidInput;
import dev.vpcepilot.errors.RouteTableNotFound;
import dev.vpcepilot.errors.VpcNotFound;
import dev.vpcepilot.fixtures.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsResponse;
import software.amazon.awssdk.services.ec2.model.Vpc;

class ResolveVpcHandlerTest {

    private final Ec2Client ec2 = Fixtures.ec2();
    private final ResolveVpcHandler handler = new ResolveVpcHandler(Fixtures.clients(ec2, Fixtures.dynamoDb()));

    private void vpcWithTables(boolean isDefault) {
        doReturn(DescribeVpcsResponse.builder().vpcs(Vpc.builder().vpcId(VPC).isDefault(isDefault).build()).build())
                .when(ec2).describeVpcs(any(DescribeVpcsRequest.class));
        doReturn(DescribeRouteTablesResponse.builder().routeTables(table(RTB_B), table(RTB_A,
                prefixRoute(PL, "vpce-0aaa"))).build()).when(ec2).describeRouteTables(any(DescribeRouteTablesRequest.class));
    }

    @Test
    void nullsFromTheRequestMeanTheDefaultVpcAndAllItsTables() throws Exception {
        vpcWithTables(true);

        // exactly what the ResolveVpc state's Parameters send for an input without vpcId and routeTableIds
        JsonNode out = invoke(handler, "{\"vpcId\":null,\"routeTableIds\":null,\"endpointType\":\"Gateway\","
                + "\"serviceName\":\"s\",\"subnetIds\":null,\"serviceZones\":null}", context());

        assertEquals(List.of("vpcId", "isDefault", "routeTableIds", "routeTables", "interfaces"), fieldNames(out));
        assertTrue(out.get("interfaces").isNull(), "a gateway endpoint has no subnets to choose");
        assertEquals(VPC, out.get("vpcId").asText());
        assertTrue(out.get("isDefault").asBoolean());
        assertEquals("[\"" + RTB_A + "\",\"" + RTB_B + "\"]", out.get("routeTableIds").toString());
        // every table as EC2 answered, for CreateEndpoint's read without the lock (rule 16)
        assertEquals(RTB_B, out.at("/routeTables/0/routeTableId").asText());
        assertEquals("[]", out.at("/routeTables/0/routes").toString());
        assertEquals(PL, out.at("/routeTables/1/routes/0/destinationPrefixListId").asText());
        assertEquals("vpce-0aaa", out.at("/routeTables/1/routes/0/target").asText());
    }

    @Test
    void anExplicitVpcAndRouteTable() throws Exception {
        vpcWithTables(false);

        JsonNode out = invoke(handler, "{\"vpcId\":\"" + VPC + "\",\"routeTableIds\":[\"" + RTB_B + "\"]}", context());

        assertEquals("[\"" + RTB_B + "\"]", out.get("routeTableIds").toString());
        assertEquals(false, out.get("isDefault").asBoolean());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"vpcId\":null,\"routeTableIds\":null,\"extra\":1}", "{\"routeTableIds\":\"rtb-01234567\"}",
            "{\"vpcId\":{}}", "not json"})
    void malformedStepInputIsInvalidInput(String input) {
        InvalidInput error = assertThrows(InvalidInput.class, () -> invoke(handler, input, context()));

        assertTrue(error.getMessage().contains("ResolveVpcHandler step received input it cannot read"),
                error.getMessage());
        verifyNoInteractions(ec2);
    }

    @Test
    void aMissingVpcIsVpcNotFound() {
        doThrow(ec2Error(400, "InvalidVpcID.NotFound")).when(ec2).describeVpcs(any(DescribeVpcsRequest.class));

        assertThrows(VpcNotFound.class, () -> invoke(handler, "{\"vpcId\":\"" + VPC + "\"}", context()));
    }

    @Test
    void anUnknownRouteTableIsRouteTableNotFound() {
        vpcWithTables(false);

        assertThrows(RouteTableNotFound.class, () -> invoke(handler,
                "{\"vpcId\":\"" + VPC + "\",\"routeTableIds\":[\"rtb-0000000000000000f\"]}", context()));
    }
}
