package dev.vpcepilot.datapath;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.DataPathBlocked;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The tutorial's last step, from inside the VPC: one {@code ListTables} (a single page: an answer is the proof)
 * sent by a function attached to the VPC whose role allows it only under {@code aws:SourceVpc} = that VPC, a key
 * IAM sets only on requests that came through a VPC endpoint. An answer therefore proves the VPC's path to DynamoDB
 * through its endpoint; a refusal ({@code AccessDenied*}) is {@link DataPathBlocked}: the request left the VPC
 * some other way (a NAT gateway, say). Throttling, 5xx and I/O errors are transient; any other refusal is
 * {@code AwsRequestFailed}.
 */
public final class InVpcProbe {

    private final DynamoDbClient dynamoDb;

    public InVpcProbe(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    /** @return how many table names the first page held; a refusal is {@link DataPathBlocked} */
    public int listTables(String vpcId) {
        try {
            return dynamoDb.listTables(r -> r.limit(1)).tableNames().size();
        } catch (AwsServiceException e) {
            String code = AwsCalls.errorCode(e);
            if (!AwsCalls.isTransient(e) && code != null && code.startsWith("AccessDenied")) {
                throw new DataPathBlocked("DynamoDB refused ListTables from the probe in " + vpcId + ": " + code
                        + " (HTTP " + e.statusCode() + "): the probe's role allows it only with aws:SourceVpc = "
                        + vpcId + ", so the request did not come through a gateway endpoint of that VPC. The "
                        + "endpoint is kept and claimed: what sends the traffic elsewhere is not this run's to "
                        + "change.");
            }
            throw AwsCalls.translate("DynamoDB ListTables from the probe in " + vpcId, e);
        } catch (SdkException e) {
            throw AwsCalls.translate("DynamoDB ListTables from the probe in " + vpcId, e);
        }
    }
}
