package dev.vpcepilot.datapath;

import static dev.vpcepilot.fixtures.Fixtures.dynamoError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.DataPathBlocked;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;

class InVpcProbeTest {

    private static final String VPC = "vpc-0123456789abcdef0";

    private final DynamoDbClient dynamoDb = Fixtures.dynamoDb();
    private final InVpcProbe probe = new InVpcProbe(dynamoDb);

    @Test
    void anAnswerIsOnePageOfOneName() {
        doReturn(ListTablesResponse.builder().tableNames("orders").lastEvaluatedTableName("orders").build())
                .when(dynamoDb).listTables(any(ListTablesRequest.class));

        assertEquals(1, probe.listTables(VPC));

        ArgumentCaptor<ListTablesRequest> sent = ArgumentCaptor.forClass(ListTablesRequest.class);
        verify(dynamoDb).listTables(sent.capture());
        assertEquals(1, sent.getValue().limit(), "an answer is the proof: one page, one name");
    }

    @Test
    void aRefusalIsABlockedDataPathNamingTheVpcAndTheCondition() {
        doThrow(dynamoError(400, "AccessDeniedException")).when(dynamoDb).listTables(any(ListTablesRequest.class));

        DataPathBlocked blocked = assertThrows(DataPathBlocked.class, () -> probe.listTables(VPC));

        assertTrue(blocked.getMessage().contains(VPC) && blocked.getMessage().contains("aws:SourceVpc")
                && blocked.getMessage().contains("AccessDeniedException"), blocked.getMessage());
        assertTrue(blocked.getMessage().contains("kept"), blocked.getMessage());
    }

    @Test
    void throttlingAndIoErrorsAreTransientNotABlockedPath() {
        doThrow(dynamoError(400, "ThrottlingException")).when(dynamoDb).listTables(any(ListTablesRequest.class));
        assertThrows(TransientAwsError.class, () -> probe.listTables(VPC));

        doThrow(SdkClientException.create("connect timed out")).when(dynamoDb).listTables(any(ListTablesRequest.class));
        assertThrows(TransientAwsError.class, () -> probe.listTables(VPC));
    }

    @Test
    void anotherRefusalIsNamedAsSuch() {
        doThrow(dynamoError(400, "UnrecognizedClientException")).when(dynamoDb)
                .listTables(any(ListTablesRequest.class));

        AwsRequestFailed failed = assertThrows(AwsRequestFailed.class, () -> probe.listTables(VPC));

        assertTrue(failed.getMessage().contains("UnrecognizedClientException"), failed.getMessage());
    }
}
