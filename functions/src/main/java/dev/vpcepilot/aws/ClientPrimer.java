package dev.vpcepilot.aws;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * SnapStart priming without calling AWS: runs every request the functions make through throwaway clients
 * whose interceptor stops each call just before it would go on the wire. Class loading, request marshalling,
 * endpoint rules, signing and the retry machinery are then in the snapshot instead of the first invocation.
 */
public final class ClientPrimer {

    /** Thrown by the interceptor to stop a priming call before transmission. */
    static final class PrimingStop extends RuntimeException {
        PrimingStop() {
            super("priming call stopped before transmission", null, false, false);
        }
    }

    private static final ExecutionInterceptor STOP_BEFORE_TRANSMISSION = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            throw new PrimingStop();
        }
    };

    private ClientPrimer() {
    }

    /** Primes the AWS calls of the functions (EC2, DynamoDB, Step Functions, STS, Organizations, S3); returns how many. */
    public static int prime(String region) {
        Region r = Region.of(region);
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
        URI nowhere = URI.create("https://priming.invalid");
        int primed = 0;
        try (Ec2Client ec2 = Ec2Client.builder().region(r).credentialsProvider(credentials).endpointOverride(nowhere)
                .overrideConfiguration(o -> o.addExecutionInterceptor(STOP_BEFORE_TRANSMISSION)).build()) {
            Filter filter = Filter.builder().name("vpc-id").values("vpc-00000000").build();
            primed += attempt(() -> ec2.describeVpcEndpointServices(b -> b.serviceNames("com.amazonaws." + region + ".dynamodb")));
            primed += attempt(() -> ec2.describeVpcs(b -> b.filters(filter)));
            primed += attempt(() -> ec2.describeRouteTables(b -> b.filters(filter)));
            primed += attempt(() -> ec2.describeVpcEndpoints(b -> b.filters(filter)));
            primed += attempt(() -> ec2.describeSubnets(b -> b.filters(filter)));
            primed += attempt(() -> ec2.describeNetworkAcls(b -> b.filters(filter)));
            primed += attempt(() -> ec2.getManagedPrefixListEntries(b -> b.prefixListId("pl-00000000")));
            primed += attempt(() -> ec2.createVpcEndpoint(b -> b.vpcId("vpc-00000000").serviceName("s")
                    .vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds("rtb-00000000").clientToken("t")
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VPC_ENDPOINT)
                            .tags(Tag.builder().key("k").value("v").build()).build())));
            primed += attempt(() -> ec2.modifyVpcEndpoint(b -> b.vpcEndpointId("vpce-00000000")
                    .addRouteTableIds(List.of("rtb-00000000"))));
            primed += attempt(() -> ec2.deleteVpcEndpoints(b -> b.vpcEndpointIds("vpce-00000000")));
            primed += attempt(() -> ec2.createTags(b -> b.resources("vpce-00000000")
                    .tags(Tag.builder().key("k").value("v").build())));
            primed += attempt(() -> ec2.deleteTags(b -> b.resources("vpce-00000000")
                    .tags(Tag.builder().key("k").build())));
            primed += attempt(() -> ec2.describeRegions(b -> b.allRegions(false)));
        }
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().region(r).credentialsProvider(credentials)
                .endpointOverride(nowhere)
                .overrideConfiguration(o -> o.addExecutionInterceptor(STOP_BEFORE_TRANSMISSION)).build()) {
            primed += attempt(() -> dynamoDb.listTables(b -> b.exclusiveStartTableName("t")));
            // The lease lock and the claims: conditional writes and consistent reads of the lock table.
            Map<String, AttributeValue> key = Map.of("key", AttributeValue.builder().s("k").build());
            primed += attempt(() -> dynamoDb.getItem(b -> b.tableName("t").key(key).consistentRead(true)));
            primed += attempt(() -> dynamoDb.putItem(b -> b.tableName("t").item(key)
                    .conditionExpression("attribute_not_exists(#k)").expressionAttributeNames(Map.of("#k", "key"))));
            primed += attempt(() -> dynamoDb.updateItem(b -> b.tableName("t").key(key).updateExpression("SET #v = :v")
                    .expressionAttributeNames(Map.of("#v", "v"))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.builder().n("1").build()))));
            primed += attempt(() -> dynamoDb.deleteItem(b -> b.tableName("t").key(key)));
            primed += attempt(() -> dynamoDb.batchGetItem(b -> b.requestItems(Map.of("t",
                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(key).build()))));
        }
        try (SfnClient sfn = SfnClient.builder().region(r).credentialsProvider(credentials).endpointOverride(nowhere)
                .overrideConfiguration(o -> o.addExecutionInterceptor(STOP_BEFORE_TRANSMISSION)).build()) {
            String execution = "arn:aws:states:" + region + ":000000000000:execution:priming:priming";
            primed += attempt(() -> sfn.startExecution(b -> b.stateMachineArn("arn:aws:states:" + region
                    + ":000000000000:stateMachine:priming").name("priming").input("{}")));
            primed += attempt(() -> sfn.describeExecution(b -> b.executionArn(execution)));
            primed += attempt(() -> sfn.stopExecution(b -> b.executionArn(execution).cause("priming")));
        }
        // The fleet: other accounts' roles, organizational units, and its objects in S3.
        try (StsClient sts = StsClient.builder().region(r).credentialsProvider(credentials).endpointOverride(nowhere)
                .overrideConfiguration(o -> o.addExecutionInterceptor(STOP_BEFORE_TRANSMISSION)).build()) {
            primed += attempt(() -> sts.assumeRole(b -> b.roleArn("arn:aws:iam::000000000000:role/priming")
                    .roleSessionName("priming").durationSeconds(900)));
        }
        try (OrganizationsClient organizations = OrganizationsClient.builder().region(r).credentialsProvider(credentials)
                .endpointOverride(nowhere)
                .overrideConfiguration(o -> o.addExecutionInterceptor(STOP_BEFORE_TRANSMISSION)).build()) {
            primed += attempt(() -> organizations.listAccountsForParent(b -> b.parentId("ou-0000-00000000")));
        }
        try (S3Client s3 = S3Client.builder().region(r).credentialsProvider(credentials).endpointOverride(nowhere)
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(STOP_BEFORE_TRANSMISSION)).build()) {
            primed += attempt(() -> s3.putObject(b -> b.bucket("priming").key("k"), RequestBody.fromString("{}")));
            primed += attempt(() -> s3.getObjectAsBytes(b -> b.bucket("priming").key("k")));
        }
        return primed;
    }

    private static int attempt(Runnable call) {
        try {
            call.run();
            return 0;
        } catch (PrimingStop e) {
            return 1;
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null) {
                if (cause instanceof PrimingStop) {
                    return 1;
                }
                cause = cause.getCause();
            }
            return 0;
        }
    }

    /** For callers that want to run a priming step and ignore its outcome. */
    public static void quietly(Consumer<String> log, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.accept("Priming step skipped: " + e);
        }
    }
}
