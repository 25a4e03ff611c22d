package dev.vpcepilot.handlers;

import static dev.vpcepilot.fixtures.Fixtures.context;
import static dev.vpcepilot.fixtures.Fixtures.dynamoError;
import static dev.vpcepilot.fixtures.Fixtures.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.errors.DataPathBlocked;
import dev.vpcepilot.fixtures.Fixtures;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;

class DataPathProbeHandlerTest {

    private static final String INPUT = "{\"vpcId\":\"vpc-0123456789abcdef0\"}";

    private final DynamoDbClient dynamoDb = Fixtures.dynamoDb();

    private DataPathProbeHandler handler(String where) {
        return new DataPathProbeHandler(Fixtures.clients(Fixtures.ec2(), dynamoDb),
                new FunctionSettings(Map.of(FunctionSettings.PROBE_PLACEMENT, where)));
    }

    @Test
    void anAnswerIsTheProbesResultWithWhereItRan() throws Exception {
        doReturn(ListTablesResponse.builder().build()).when(dynamoDb).listTables(any(ListTablesRequest.class));
        List<String> log = new ArrayList<>();

        JsonNode vpc = invoke(handler("vpc"), INPUT, context(log));
        JsonNode local = invoke(handler("local"), INPUT, context());

        assertEquals(Fixtures.json("{\"ran\":true,\"listTablesOk\":true,\"where\":\"vpc\"}"), vpc);
        assertEquals(Fixtures.json("{\"ran\":true,\"listTablesOk\":true,\"where\":\"local\"}"), local);
        assertTrue(log.stream().anyMatch(l -> l.contains("vpc-0123456789abcdef0")), log.toString());
    }

    @Test
    void withAnInterfaceEndpointsUrlTheProbeListsTablesThroughItAndLocallyTheEmulatorStandsIn() throws Exception {
        DynamoDbClient through = Fixtures.dynamoDb();
        doReturn(ListTablesResponse.builder().build()).when(through).listTables(any(ListTablesRequest.class));
        doReturn(ListTablesResponse.builder().build()).when(dynamoDb).listTables(any(ListTablesRequest.class));
        AwsClients clients = Fixtures.clients(Fixtures.ec2(), dynamoDb);
        String url = "https://vpce-0abc-1x2y3z4w.dynamodb.us-east-1.vpce.amazonaws.com";
        doReturn(through).when(clients).dynamoDbThrough(URI.create(url));
        String input = "{\"vpcId\":\"vpc-0123456789abcdef0\",\"endpointUrl\":\"" + url + "\"}";

        JsonNode vpc = invoke(new DataPathProbeHandler(clients, new FunctionSettings(Map.of(
                FunctionSettings.PROBE_PLACEMENT, "vpc"))), input, context());

        assertEquals(Fixtures.json("{\"ran\":true,\"listTablesOk\":true,\"where\":\"vpc\"}"), vpc);
        verify(through).listTables(any(ListTablesRequest.class));
        verify(through).close();
        verify(dynamoDb, never()).listTables(any(ListTablesRequest.class));

        invoke(new DataPathProbeHandler(clients, new FunctionSettings(Map.of(FunctionSettings.PROBE_PLACEMENT,
                "local"))), input, context());
        verify(dynamoDb).listTables(any(ListTablesRequest.class));
    }

    @Test
    void aRefusalFailsAsDataPathBlocked() {
        doThrow(dynamoError(400, "AccessDeniedException")).when(dynamoDb).listTables(any(ListTablesRequest.class));

        assertThrows(DataPathBlocked.class, () -> invoke(handler("vpc"), INPUT, context()));
    }

    @Test
    void aPlacementOtherThanVpcOrLocalIsRefusedAtStart() {
        assertThrows(IllegalStateException.class, () -> handler("somewhere"));
        assertThrows(IllegalStateException.class, () -> new DataPathProbeHandler(Fixtures.clients(Fixtures.ec2(),
                dynamoDb), new FunctionSettings(Map.of())));
    }
}
