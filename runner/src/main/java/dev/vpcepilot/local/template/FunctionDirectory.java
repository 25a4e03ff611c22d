package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template's Lambda functions, and which of them a Task {@code Resource} names: a Lambda function ARN in the
 * local account and region, unqualified, {@code $LATEST}, or qualified with the function's
 * {@code AutoPublishAlias}.
 */
public final class FunctionDirectory {

    private static final Pattern LAMBDA_ARN = Pattern.compile(
            "arn:(aws|aws-cn|aws-us-gov):lambda:([a-z0-9-]+):(\\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?");

    private final String region;
    private final Map<String, LocalFunction> byName;

    private FunctionDirectory(String region, Map<String, LocalFunction> byName) {
        this.region = region;
        this.byName = byName;
    }

    public static FunctionDirectory of(SamTemplate template, String region) {
        Map<String, LocalFunction> byName = new LinkedHashMap<>();
        for (String type : new String[] {SamTemplate.SERVERLESS_FUNCTION, SamTemplate.LAMBDA_FUNCTION}) {
            for (String id : template.resourcesOfType(type)) {
                LocalFunction function = describe(template, id);
                byName.put(function.functionName(), function);
            }
        }
        return new FunctionDirectory(region, byName);
    }

    public String region() {
        return region;
    }

    public Collection<LocalFunction> functions() {
        return byName.values();
    }

    public Optional<LocalFunction> byLogicalId(String logicalId) {
        return byName.values().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst();
    }

    /** The function a Task {@code Resource} invokes, if it is one of the template's functions. */
    public Optional<LocalFunction> resolve(String resource) {
        if (resource == null) {
            return Optional.empty();
        }
        Matcher arn = LAMBDA_ARN.matcher(resource);
        if (!arn.matches() || !arn.group(1).equals(LocalAccount.partition(region)) || !arn.group(2).equals(region)
                || !arn.group(3).equals(LocalAccount.ACCOUNT_ID)) {
            return Optional.empty();
        }
        LocalFunction function = byName.get(arn.group(4));
        String qualifier = arn.group(5);
        if (function == null) {
            return Optional.empty();
        }
        if (qualifier == null || qualifier.equals("$LATEST") || qualifier.equals(function.alias())) {
            return Optional.of(function);
        }
        return Optional.empty();
    }

    static LocalFunction describe(SamTemplate template, String logicalId) {
        String handler = text(template.functionProperty(logicalId, "Handler"));
        if (handler == null || handler.isBlank()) {
            throw new TemplateException("Function " + logicalId + " has no Handler (neither in its Properties nor in "
                    + "Globals.Function)");
        }
        String handlerClass = handler;
        String handlerMethod = null;
        int separator = handler.indexOf("::");
        if (separator >= 0) {
            handlerClass = handler.substring(0, separator);
            handlerMethod = handler.substring(separator + 2);
        }
        String functionName = text(template.resourceProperties(logicalId).path("FunctionName"));
        return new LocalFunction(logicalId, functionName == null ? logicalId : functionName, handlerClass.trim(),
                handlerMethod == null ? null : handlerMethod.trim(),
                text(template.functionProperty(logicalId, "Runtime")),
                number(template.functionProperty(logicalId, "Timeout"), LocalFunction.DEFAULT_TIMEOUT_SECONDS),
                number(template.functionProperty(logicalId, "MemorySize"), LocalFunction.DEFAULT_MEMORY_MB),
                text(template.functionProperty(logicalId, "AutoPublishAlias")));
    }

    /** A literal string property; null when absent or given by an intrinsic function. */
    private static String text(JsonNode value) {
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static int number(JsonNode value, int fallback) {
        return value.isNumber() || (value.isTextual() && value.asText().matches("\\d+")) ? value.asInt() : fallback;
    }
}
