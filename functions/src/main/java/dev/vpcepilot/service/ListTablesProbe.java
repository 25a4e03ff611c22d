package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.VerificationFailed;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;

/**
 * The tutorial's second {@code list-tables}: DynamoDB answers the workflow's credentials, following every page
 * (bounded). The functions do not run in the VPC, so this proves the API answers; the route check proves traffic
 * from the VPC goes through the endpoint (README "What verification proves").
 */
public final class ListTablesProbe {

    static final int MAX_PAGES = 100;

    private final DynamoDbClient dynamoDb;

    public ListTablesProbe(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    /** @return how many tables ListTables listed; a refusal is {@link VerificationFailed} */
    public int countTables() {
        int count = 0;
        String startAfter = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String from = startAfter;
            ListTablesResponse response;
            try {
                response = dynamoDb.listTables(r -> r.exclusiveStartTableName(from));
            } catch (AwsServiceException e) {
                if (AwsCalls.isTransient(e)) {
                    throw AwsCalls.translate("DynamoDB ListTables", e);
                }
                throw new VerificationFailed("DynamoDB ListTables failed: " + AwsCalls.errorCode(e) + " (HTTP "
                        + e.statusCode() + "): " + e.awsErrorDetails().errorMessage(), e);
            } catch (SdkException e) {
                throw AwsCalls.translate("DynamoDB ListTables", e);
            }
            count += response.tableNames().size();
            startAfter = response.lastEvaluatedTableName();
            if (startAfter == null) {
                return count;
            }
        }
        return count;
    }
}
