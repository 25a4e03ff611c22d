package dev.vpcepilot.local.runtime;

import dev.vpcepilot.local.template.LocalFunction;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The environment variables of one execution environment, as Lambda sets them for a Java function (Lambda developer
 * guide, "Defined runtime environment variables"; the names the runtime interface client reads are in its
 * {@code ReservedRuntimeEnvironmentVariables}), followed by the function's own {@code Environment.Variables}
 * (which may not redefine the reserved ones), the emulator endpoints, and the container credentials a SnapStart
 * function gets instead of key variables. Nothing is inherited from the runner's own environment.
 */
final class LambdaEnvironment {

    /** Set by Lambda, never by the function's configuration. */
    static final Set<String> RESERVED = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION",
            "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    private LambdaEnvironment() {
    }

    /**
     * @param configuration the function as the template configures it
     * @param runtimeApi    {@code host:port} of its Runtime API
     * @param taskRoot      the function's code (the SAM-style artifact)
     * @param runtimeDir    the runtime's libraries
     * @param extra         what the local run adds: {@code AWS_ENDPOINT_URL} and service-specific
     *                      {@code AWS_ENDPOINT_URL_<SERVICE>} variables, local overrides of the function's variables
     * @param credentials   the container credentials variables
     */
    static Map<String, String> of(FunctionConfiguration configuration, String region, String runtimeApi,
                                  Path taskRoot, Path runtimeDir, Map<String, String> extra,
                                  Map<String, String> credentials) {
        LocalFunction function = configuration.function();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("_HANDLER", configuration.handler());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + (function.runtime() == null ? "java21" : function.runtime()));
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.functionName());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memorySizeMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", configuration.version());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", configuration.initializationType());
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.functionName());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStreamName(configuration.version()));
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeDir.toString());
        // LoggingConfig: the runtime client formats its log lines as the function's log format says
        env.put("AWS_LAMBDA_LOG_FORMAT", configuration.logFormat().toUpperCase(Locale.ROOT));
        if (configuration.applicationLogLevel() != null) {
            env.put("AWS_LAMBDA_LOG_LEVEL", configuration.applicationLogLevel().toUpperCase(Locale.ROOT));
        }
        configuration.variables().forEach((name, value) -> {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("Function " + function.logicalId() + " sets the reserved "
                        + "environment variable " + name + " (Lambda refuses that)");
            }
            env.put(name, value);
        });
        env.putAll(extra);
        env.putAll(credentials);
        return env;
    }

    /** {@code yyyy/MM/dd/[version]} and 32 hex digits, as Lambda names an environment's log stream. */
    static String logStreamName(String version) {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        return LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd")) + "/[" + version + "]"
                + HexFormat.of().formatHex(id);
    }
}
