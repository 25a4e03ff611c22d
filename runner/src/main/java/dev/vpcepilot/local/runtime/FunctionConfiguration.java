package dev.vpcepilot.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.template.FunctionEnvironments;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import java.util.Map;

/**
 * What Lambda needs to know of a function of the template to start its execution environment, as SAM deploys it
 * (the function's own property, else {@code Globals.Function}'s):
 *
 * @param function           name, handler, memory, timeout, alias
 * @param handler            {@code Handler} as written ({@code class::method}): the runtime's {@code _HANDLER}
 * @param variables          {@code Environment.Variables}, resolved ({@link FunctionEnvironments})
 * @param logFormat          {@code LoggingConfig.LogFormat} ({@code Text} when absent, Lambda's default)
 * @param applicationLogLevel {@code LoggingConfig.ApplicationLogLevel}, or null when the template sets none
 * @param snapStart          {@code SnapStart.ApplyOn} is {@code PublishedVersions}
 */
public record FunctionConfiguration(LocalFunction function, String handler, Map<String, String> variables,
                                    String logFormat, String applicationLogLevel, boolean snapStart) {

    public static FunctionConfiguration of(SamTemplate template, LocalFunction function, String region,
                                           Map<String, String> parameterOverrides) {
        String id = function.logicalId();
        JsonNode logging = template.functionProperty(id, "LoggingConfig");
        String format = logging.path("LogFormat").asText("Text");
        String level = logging.path("ApplicationLogLevel").asText(null);
        boolean snapStart = "PublishedVersions".equals(template.functionProperty(id, "SnapStart").path("ApplyOn")
                .asText());
        return new FunctionConfiguration(function, template.functionProperty(id, "Handler").asText(),
                FunctionEnvironments.variables(template, id, region, parameterOverrides), format, level, snapStart);
    }

    /**
     * The version the state machine's invocations run: with {@code AutoPublishAlias} the alias points to the
     * version SAM published (the first deployment's is 1); without it, {@code $LATEST}.
     */
    public String version() {
        return function.alias() == null ? "$LATEST" : "1";
    }

    /**
     * {@code snap-start} when SnapStart applies to the version invoked (Lambda initialises such a version once, runs
     * the {@code beforeCheckpoint} hooks, snapshots it and restores the snapshot), else {@code on-demand}.
     */
    public String initializationType() {
        return snapStart && function.alias() != null ? "snap-start" : "on-demand";
    }
}
