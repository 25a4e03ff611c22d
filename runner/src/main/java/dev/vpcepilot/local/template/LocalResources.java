package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the template's resources other than functions are called in the local pseudo stack, as CloudFormation
 * would answer {@code !Ref} and {@code !GetAtt} for them: a DynamoDB table or an S3 bucket without a literal name
 * is {@code <stack>-<logical id>} (lower case for buckets), a log group keeps its literal or {@code !Sub} name,
 * a state machine is its ARN.
 */
public final class LocalResources {

    public static final String DYNAMODB_TABLE = "AWS::DynamoDB::Table";
    public static final String S3_BUCKET = "AWS::S3::Bucket";
    public static final String LOG_GROUP = "AWS::Logs::LogGroup";

    private LocalResources() {
    }

    /** The local name of a DynamoDB table of the template. */
    public static String tableName(SamTemplate template, String logicalId) {
        JsonNode literal = template.resourceProperties(logicalId).path("TableName");
        return literal.isTextual() ? literal.asText() : LocalAccount.STACK_NAME + "-" + logicalId;
    }

    /** The local name of an S3 bucket of the template. */
    public static String bucketName(SamTemplate template, String logicalId, String region) {
        JsonNode literal = template.resourceProperties(logicalId).path("BucketName");
        return literal.isTextual() ? literal.asText()
                : (LocalAccount.STACK_NAME + "-" + logicalId + "-" + region).toLowerCase();
    }

    static String ref(SamTemplate template, String logicalId, String region) {
        String type = template.resourceType(logicalId);
        return switch (type == null ? "" : type) {
            case DYNAMODB_TABLE -> tableName(template, logicalId);
            case S3_BUCKET -> bucketName(template, logicalId, region);
            case LOG_GROUP -> logGroupName(template, logicalId);
            case SamTemplate.SERVERLESS_STATE_MACHINE, "AWS::StepFunctions::StateMachine" ->
                    stateMachineArn(template, logicalId, region);
            default -> throw new TemplateException("!Ref " + logicalId + ": the local runner resolves references to "
                    + "functions, tables, buckets, log groups and state machines, not to a " + type);
        };
    }

    static String getAtt(SamTemplate template, String logicalId, String attribute, String region) {
        String type = template.resourceType(logicalId);
        String partition = LocalAccount.partition(region);
        if (DYNAMODB_TABLE.equals(type) && attribute.equals("Arn")) {
            return "arn:" + partition + ":dynamodb:" + region + ":" + LocalAccount.ACCOUNT_ID + ":table/"
                    + tableName(template, logicalId);
        }
        if (S3_BUCKET.equals(type) && attribute.equals("Arn")) {
            return "arn:" + partition + ":s3:::" + bucketName(template, logicalId, region);
        }
        if (LOG_GROUP.equals(type) && attribute.equals("Arn")) {
            return "arn:" + partition + ":logs:" + region + ":" + LocalAccount.ACCOUNT_ID + ":log-group:"
                    + logGroupName(template, logicalId) + ":*";
        }
        if (SamTemplate.SERVERLESS_STATE_MACHINE.equals(type) && attribute.equals("Name")) {
            return stateMachineName(template, logicalId);
        }
        if (SamTemplate.SERVERLESS_STATE_MACHINE.equals(type) && attribute.equals("Arn")) {
            return stateMachineArn(template, logicalId, region);
        }
        throw new TemplateException("!GetAtt " + logicalId + "." + attribute + " is not resolved by the local runner");
    }

    static String stateMachineName(SamTemplate template, String logicalId) {
        JsonNode name = template.resourceProperties(logicalId).path("Name");
        return name.isTextual() ? name.asText() : logicalId;
    }

    static String stateMachineArn(SamTemplate template, String logicalId, String region) {
        return "arn:" + LocalAccount.partition(region) + ":states:" + region + ":" + LocalAccount.ACCOUNT_ID
                + ":stateMachine:" + stateMachineName(template, logicalId);
    }

    private static String logGroupName(SamTemplate template, String logicalId) {
        JsonNode name = template.resourceProperties(logicalId).path("LogGroupName");
        if (name.isTextual()) {
            return name.asText();
        }
        JsonNode sub = name.path("Fn::Sub");
        if (sub.isTextual()) {
            return sub.asText().replace("${AWS::StackName}", LocalAccount.STACK_NAME);
        }
        return "/aws/local/" + LocalAccount.STACK_NAME + "/" + logicalId;
    }
}
