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
 * {@code AutoPublishAlias}. A function whose {@code Condition} is false for the parameter values is not deployed:
 * it is absent from {@link #functions()} and {@link #resolve}, and {@link #absence} says why a Resource naming it
 * cannot be invoked (as Lambda would answer a Task that invoked it: no such function).
 */
public final class FunctionDirectory {

    private static final Pattern LAMBDA_ARN = Pattern.compile(
            "arn:(aws|aws-cn|aws-us-gov):lambda:([a-z0-9-]+):(\\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?");

    private final String region;
    private final Map<String, LocalFunction> byName;
    private final Map<String, String> absentByName;

    private FunctionDirectory(String region, Map<String, LocalFunction> byName, Map<String, String> absentByName) {
        this.region = region;
        this.byName = byName;
        this.absentByName = absentByName;
    }

    /** The functions deployed with every parameter at its {@code Default}. */
    public static FunctionDirectory of(SamTemplate template, String region) {
        return of(template, region, Map.of());
    }

    /** The functions deployed with these parameter values (the rest at their {@code Default}). */
    public static FunctionDirectory of(SamTemplate template, String region, Map<String, String> parameterOverrides) {
        return of(template, region, ParameterValues.resolve(template, parameterOverrides));
    }

    static FunctionDirectory of(SamTemplate template, String region, ParameterValues parameters) {
        TemplateConditions conditions = new TemplateConditions(template, parameters);
        SubstitutionResolver names = new SubstitutionResolver(template, parameters,
                new FunctionDirectory(region, Map.of(), Map.of()), region);
        Map<String, LocalFunction> byName = new LinkedHashMap<>();
        Map<String, String> absentByName = new LinkedHashMap<>();
        for (String type : new String[] {SamTemplate.SERVERLESS_FUNCTION, SamTemplate.LAMBDA_FUNCTION}) {
            for (String id : template.resourcesOfType(type)) {
                LocalFunction function = describe(template, id, names);
                JsonNode condition = template.root().path("Resources").path(id).path("Condition");
                if (condition.isTextual() && !conditions.holds(condition.asText())) {
                    absentByName.put(function.functionName(), "the template's " + id + " is not deployed: its "
                            + "Condition " + condition.asText() + " is false for these parameter values");
                } else {
                    byName.put(function.functionName(), function);
                }
            }
        }
        return new FunctionDirectory(region, byName, absentByName);
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

    /** The function a Task {@code Resource} invokes, if it is one of the template's deployed functions. */
    public Optional<LocalFunction> resolve(String resource) {
        Optional<Matcher> arn = localArn(resource);
        if (arn.isEmpty()) {
            return Optional.empty();
        }
        LocalFunction function = byName.get(arn.get().group(4));
        String qualifier = arn.get().group(5);
        if (function == null) {
            return Optional.empty();
        }
        if (qualifier == null || qualifier.equals("$LATEST") || qualifier.equals(function.alias())) {
            return Optional.of(function);
        }
        return Optional.empty();
    }

    /**
     * Why a Task {@code Resource} that names a function of the template whose {@code Condition} is false cannot be
     * invoked; empty for any other Resource.
     */
    public Optional<String> absence(String resource) {
        return localArn(resource).map(arn -> absentByName.get(arn.group(4)))
                .map(why -> "Function not found: " + resource + " (" + why + ")");
    }

    /** The Resource names a function of the template, deployed ({@link #resolve}) or not ({@link #absence}). */
    public boolean names(String resource) {
        return resolve(resource).isPresent() || absence(resource).isPresent();
    }

    private Optional<Matcher> localArn(String resource) {
        if (resource == null) {
            return Optional.empty();
        }
        Matcher arn = LAMBDA_ARN.matcher(resource);
        if (!arn.matches() || !arn.group(1).equals(LocalAccount.partition(region)) || !arn.group(2).equals(region)
                || !arn.group(3).equals(LocalAccount.ACCOUNT_ID)) {
            return Optional.empty();
        }
        return Optional.of(arn);
    }

    static LocalFunction describe(SamTemplate template, String logicalId, SubstitutionResolver names) {
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
        JsonNode name = template.resourceProperties(logicalId).path("FunctionName");
        String functionName = name.isMissingNode() || name.isNull() ? null
                : names.resolveProperty(logicalId + ".FunctionName", name);
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
