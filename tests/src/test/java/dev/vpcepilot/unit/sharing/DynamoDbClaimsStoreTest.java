package dev.vpcepilot.unit.sharing;

import static dev.vpcepilot.unit.Fixtures.dynamoError;
import static dev.vpcepilot.unit.sharing.SharingFixtures.RTB_A;
import static dev.vpcepilot.unit.sharing.SharingFixtures.SCOPE;
import static dev.vpcepilot.unit.sharing.SharingFixtures.claim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;

import dev.vpcepilot.errors.AwsRequestFailed;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.errors.TransientAwsError;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.ClaimsStore;
import dev.vpcepilot.sharing.DynamoDbClaimsStore;
import dev.vpcepilot.unit.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/** The claims item and its version: the second line of defence should a lease ever lapse mid-step. */
class DynamoDbClaimsStoreTest {

    private static final String TABLE = "vpce-pilot-locks";
    private static final String KEY = "claims/" + SCOPE.key();

    private final DynamoDbClient dynamoDb = Fixtures.dynamoDb();
    private final DynamoDbClaimsStore store = new DynamoDbClaimsStore(dynamoDb, TABLE);
    private final ClaimsDocument document = ClaimsDocument.empty().withClaim(Claimant.STANDING, claim(RTB_A));

    private PutItemRequest written() {
        ArgumentCaptor<PutItemRequest> sent = ArgumentCaptor.forClass(PutItemRequest.class);
        verify(dynamoDb).putItem(sent.capture());
        return sent.getValue();
    }

    @Test
    void noItemYetIsNoClaimsAtVersionZeroReadConsistently() {
        doReturn(GetItemResponse.builder().build()).when(dynamoDb).getItem(any(GetItemRequest.class));

        ClaimsStore.Versioned read = store.read(SCOPE);

        assertEquals(new ClaimsStore.Versioned(ClaimsDocument.empty(), 0), read);
        ArgumentCaptor<GetItemRequest> sent = ArgumentCaptor.forClass(GetItemRequest.class);
        verify(dynamoDb).getItem(sent.capture());
        assertEquals(TABLE, sent.getValue().tableName());
        assertEquals(Boolean.TRUE, sent.getValue().consistentRead(), "a read-modify-write reads the latest write");
        assertEquals(Map.of("key", AttributeValue.builder().s(KEY).build()), sent.getValue().key());
    }

    @Test
    void theFirstWriteOnlyCreatesTheItem() throws Exception {
        doReturn(PutItemResponse.builder().build()).when(dynamoDb).putItem(any(PutItemRequest.class));

        store.write(SCOPE, document, 0);

        PutItemRequest put = written();
        assertEquals(TABLE, put.tableName());
        assertEquals("attribute_not_exists(#k)", put.conditionExpression());
        assertEquals(Map.of("#k", "key"), put.expressionAttributeNames());
        assertEquals(KEY, put.item().get("key").s());
        assertEquals("1", put.item().get("version").n());
        assertEquals(document, Json.MAPPER.readValue(put.item().get("document").s(), ClaimsDocument.class));
    }

    @Test
    void aLaterWriteReplacesOnlyTheVersionItRead() {
        doReturn(PutItemResponse.builder().build()).when(dynamoDb).putItem(any(PutItemRequest.class));

        store.write(SCOPE, document, 41);

        PutItemRequest put = written();
        assertEquals("#v = :v", put.conditionExpression());
        assertEquals(Map.of("#v", "version"), put.expressionAttributeNames());
        assertEquals(Map.of(":v", AttributeValue.builder().n("41").build()), put.expressionAttributeValues());
        assertEquals("42", put.item().get("version").n());
    }

    @Test
    void aWriteAfterSomeoneElsesIsBusyAndRecordsNothing() {
        doThrow(dynamoError(400, "ConditionalCheckFailedException")).when(dynamoDb).putItem(any(PutItemRequest.class));

        EndpointBusy busy = assertThrows(EndpointBusy.class, () -> store.write(SCOPE, document, 3));

        assertTrue(busy.getMessage().contains(SCOPE.key()), busy.getMessage());
    }

    @Test
    void otherFailuresAreTranslated() {
        doThrow(dynamoError(400, "AccessDeniedException")).when(dynamoDb).putItem(any(PutItemRequest.class));
        assertThrows(AwsRequestFailed.class, () -> store.write(SCOPE, document, 3));

        doThrow(dynamoError(400, "ProvisionedThroughputExceededException")).when(dynamoDb)
                .getItem(any(GetItemRequest.class));
        assertThrows(TransientAwsError.class, () -> store.read(SCOPE));
    }

    @Test
    void whatItWritesItReadsBack() {
        doReturn(PutItemResponse.builder().build()).when(dynamoDb).putItem(any(PutItemRequest.class));
        store.write(SCOPE, document, 0);
        doReturn(GetItemResponse.builder().item(written().item()).build()).when(dynamoDb)
                .getItem(any(GetItemRequest.class));

        ClaimsStore.Versioned read = store.read(SCOPE);

        assertEquals(document, read.claims());
        assertEquals(1, read.version());
        assertNull(read.claims().claims().get(Claimant.STANDING.id()).expiresAt());
    }
}
