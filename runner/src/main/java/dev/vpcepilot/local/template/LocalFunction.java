package dev.vpcepilot.local.template;

/**
 * A Lambda function of the template as the local runner runs it.
 *
 * @param logicalId      the resource's logical id
 * @param functionName   its {@code FunctionName} if the template sets a literal one, else the logical id
 * @param handlerClass   the class part of {@code Handler}
 * @param handlerMethod  the method part of {@code Handler} ({@code class::method}), or null when absent
 * @param runtime        {@code Runtime}, or null when the template does not say
 * @param timeoutSeconds {@code Timeout} (Lambda's default 3 s when absent)
 * @param memorySizeMb   {@code MemorySize} (Lambda's default 128 MB when absent)
 * @param alias          {@code AutoPublishAlias}, or null when the function publishes none
 */
public record LocalFunction(String logicalId, String functionName, String handlerClass, String handlerMethod,
                            String runtime, int timeoutSeconds, int memorySizeMb, String alias) {

    public static final int DEFAULT_TIMEOUT_SECONDS = 3;
    public static final int DEFAULT_MEMORY_MB = 128;

    /** The function's unqualified ARN in the local account. */
    public String arn(String region) {
        return "arn:" + LocalAccount.partition(region) + ":lambda:" + region + ":" + LocalAccount.ACCOUNT_ID
                + ":function:" + functionName;
    }

    /** The ARN of a version or alias of the function. */
    public String arn(String region, String qualifier) {
        return arn(region) + ":" + qualifier;
    }
}
