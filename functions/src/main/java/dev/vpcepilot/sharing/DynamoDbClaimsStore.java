package dev.vpcepilot.sharing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.EndpointBusy;
import dev.vpcepilot.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The claims of a scope as one item of the lock table ({@code key = claims/<scope>}), beside the scope's lock item
 * ({@code key = lock/<scope>}): the document as JSON in {@code document}, and {@code version}, which every write
 * increments under the condition that it is still the version read. One item per scope keeps a read-modify-write
 * a single consistent read and a single conditional write, and has no 50-tag limit (the document may grow to
 * DynamoDB's 400 KB item size: thousands of claims).
 */
public final class DynamoDbClaimsStore implements ClaimsStore {

    /** The lock table's partition key (the lock client's default name). */
    public static final String KEY = "key";
    private static final String DOCUMENT = "document";
    private static final String VERSION = "version";
    /** A later version may add fields: an older one reading them ignores them instead of failing. */
    private static final ObjectReader READER = Json.MAPPER.readerFor(ClaimsDocument.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbClaimsStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    static String itemKey(Scope scope) {
        return "claims/" + scope.key();
    }

    @Override
    public Versioned read(Scope scope) {
        GetItemResponse response = AwsCalls.call("DynamoDB GetItem", () -> dynamoDb.getItem(r -> r
                .tableName(tableName).consistentRead(true)
                .key(Map.of(KEY, AttributeValue.builder().s(itemKey(scope)).build()))));
        if (!response.hasItem() || response.item().isEmpty()) {
            return new Versioned(ClaimsDocument.empty(), 0);
        }
        try {
            ClaimsDocument document = READER.readValue(response.item().get(DOCUMENT).s());
            return new Versioned(document, Long.parseLong(response.item().get(VERSION).n()));
        } catch (IOException e) {
            throw new UncheckedIOException("The claims of " + scope + " in " + tableName + " are not readable", e);
        }
    }

    @Override
    public void write(Scope scope, ClaimsDocument claims, long readVersion) {
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(claims);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, AttributeValue> item = Map.of(
                KEY, AttributeValue.builder().s(itemKey(scope)).build(),
                DOCUMENT, AttributeValue.builder().s(text).build(),
                VERSION, AttributeValue.builder().n(Long.toString(readVersion + 1)).build());
        AwsCalls.callOr("DynamoDB PutItem", () -> dynamoDb.putItem(r -> r.tableName(tableName).item(item)
                        .conditionExpression(readVersion == 0 ? "attribute_not_exists(#k)" : "#v = :v")
                        .expressionAttributeNames(readVersion == 0 ? Map.of("#k", KEY) : Map.of("#v", VERSION))
                        .expressionAttributeValues(readVersion == 0 ? null
                                : Map.of(":v", AttributeValue.builder().n(Long.toString(readVersion)).build()))),
                Set.of("ConditionalCheckFailedException"), () -> {
                    throw new EndpointBusy("The claims of " + scope + " changed while this step held the lock "
                            + "(its lease lapsed?); nothing was recorded, the step is retried.");
                });
    }
}
