package dev.vpcepilot.sharing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vpcepilot.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The claims ledger of the soak's VPCs, read straight from moto's DynamoDB: one item of the lock table per scope
 * (account, region, VPC, service; key {@link Scope#key()}), its {@code data} attribute the claims document
 * ({@link ClaimsDocument}) and its other attributes the lock client's ({@code recordVersionNumber}, present
 * {@code isReleased} when nobody holds the lock). One consistent BatchGetItem for all the VPCs.
 */
final class SoakLedger {

    /** moto's account, the one every local run works in. */
    static final String ACCOUNT = "123456789012";
    private static final String SERVICE = "com.amazonaws." + SharingWorld.REGION + ".dynamodb";
    private static final ObjectReader READER = Json.MAPPER.readerFor(ClaimsDocument.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Map<String, String> vpcByKey = new LinkedHashMap<>();

    SoakLedger(DynamoDbClient dynamoDb, String table, List<String> vpcIds) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        vpcIds.forEach(vpc -> vpcByKey.put(new Scope(ACCOUNT, SharingWorld.REGION, vpc, SERVICE).key(), vpc));
    }

    /** The lock item of one scope as it was read (no attributes: there is none yet). */
    record Item(Map<String, AttributeValue> attributes) {

        ClaimsDocument claims() {
            AttributeValue data = attributes.get("data");
            if (data == null) {
                return ClaimsDocument.empty();
            }
            try {
                return READER.readValue(data.b() != null ? data.b().asByteArray()
                        : SdkBytes.fromUtf8String(data.s()).asByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException("a lock item's data is not a claims document: " + attributes, e);
            }
        }

        /** Nobody holds the scope's lock (the lock client marks a released item so; no item: never locked). */
        boolean released() {
            return attributes.isEmpty() || attributes.containsKey("isReleased");
        }
    }

    /** VPC -> its lock item now. */
    Map<String, Item> read() {
        Map<String, Item> items = new LinkedHashMap<>();
        vpcByKey.values().forEach(vpc -> items.put(vpc, new Item(Map.of())));
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                .keys(vpcByKey.keySet().stream().map(key -> Map.of(LeaseLedger.KEY,
                        AttributeValue.builder().s(key).build())).toList()).build());
        for (int attempt = 0; !request.isEmpty(); attempt++) {
            if (attempt == 5) {
                throw new IllegalStateException("moto left keys of " + table + " unprocessed 5 times");
            }
            Map<String, KeysAndAttributes> asked = request;
            var response = dynamoDb.batchGetItem(r -> r.requestItems(asked));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                items.put(vpcByKey.get(item.get(LeaseLedger.KEY).s()), new Item(Map.copyOf(item)));
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return items;
    }

    /** VPC -> its claims now. */
    Map<String, ClaimsDocument> claims() {
        Map<String, ClaimsDocument> claims = new LinkedHashMap<>();
        read().forEach((vpc, item) -> claims.put(vpc, item.claims()));
        return claims;
    }
}
