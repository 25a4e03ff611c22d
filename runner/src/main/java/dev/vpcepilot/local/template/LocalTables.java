package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * Creates the template's DynamoDB tables in the emulator, as the deployment would: same key schema and attribute
 * definitions, on-demand, under their local names ({@link LocalResources#tableName}). A table that exists already
 * (an earlier run against the same emulator) is kept.
 */
public final class LocalTables {

    private LocalTables() {
    }

    private static void createRetrying(DynamoDbClient dynamoDb, String name, List<KeySchemaElement> keys,
                                       List<AttributeDefinition> attributes) {
        DeploymentRetry.call(() -> {
            try {
                dynamoDb.createTable(r -> r.tableName(name).keySchema(keys).attributeDefinitions(attributes)
                        .billingMode(BillingMode.PAY_PER_REQUEST));
            } catch (ResourceInUseException e) {
                // created by an earlier run against the same emulator
            }
        });
    }

    /** @return the local names of the tables */
    public static List<String> create(SamTemplate template, DynamoDbClient dynamoDb) {
        List<String> names = new ArrayList<>();
        for (String logicalId : template.resourcesOfType(LocalResources.DYNAMODB_TABLE)) {
            JsonNode properties = template.resourceProperties(logicalId);
            String name = LocalResources.tableName(template, logicalId);
            List<KeySchemaElement> keys = new ArrayList<>();
            properties.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                    .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
            List<AttributeDefinition> attributes = new ArrayList<>();
            properties.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                    .attributeName(a.path("AttributeName").asText())
                    .attributeType(a.path("AttributeType").asText()).build()));
            if (keys.isEmpty()) {
                throw new TemplateException(logicalId + " (" + LocalResources.DYNAMODB_TABLE + ") has no KeySchema");
            }
            createRetrying(dynamoDb, name, keys, attributes);
            names.add(name);
        }
        return names;
    }
}
