package dev.vpcepilot.logging;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.util.function.Consumer;

/**
 * Where the functions' log lines go, each with its level. Every line goes through Lambda's own logger
 * ({@link LambdaLogger#log(String, LogLevel)}), so that with the template's {@code LogFormat: JSON} each line is a
 * JSON object whose {@code "level"} is INFO, WARN or ERROR (a plain {@code log(String)}, or a line on stdout or
 * stderr, has no level: {@code "UNDEFINED"} or plain text), and {@code ApplicationLogLevel} filters them.
 *
 * <p>The levels, the same everywhere: INFO for what was done; WARN for what went wrong and is being tried again
 * (or was skipped on purpose); ERROR for what failed for good (an answer CloudFormation takes as a failure, an answer
 * that could not be delivered, a failed execution).
 *
 * <p>No line carries a secret: callers never pass a ResponseURL, a signature or a credential (see
 * CloudFormationHookHandler, AnswerDelivery).
 */
@FunctionalInterface
public interface FunctionLog {

    void log(LogLevel level, String message);

    default void info(String message) {
        log(LogLevel.INFO, message);
    }

    default void warn(String message) {
        log(LogLevel.WARN, message);
    }

    default void error(String message) {
        log(LogLevel.ERROR, message);
    }

    /** The INFO lines, for the services that take their log as lines (the sharing package). */
    default Consumer<String> infoLines() {
        return this::info;
    }

    /** Through a Lambda logger, e.g. the invocation's {@link Context#getLogger()}. */
    static FunctionLog of(LambdaLogger logger) {
        return (level, message) -> logger.log(message, level);
    }

    /** The invocation's logger; nothing when there is none. */
    static FunctionLog of(Context context) {
        return context == null || context.getLogger() == null ? discard() : of(context.getLogger());
    }

    /**
     * In Lambda, outside an invocation's context (the hook's services, built once per container): the runtime's
     * logger, looked up at each line (the runtime interface client installs it before it loads the handler).
     */
    static FunctionLog lambda() {
        return (level, message) -> LambdaRuntime.getLogger().log(message, level);
    }

    /** Each line to {@code sink}, its level in front as Lambda's Text format writes it ({@code [WARN] ...}). */
    static FunctionLog lines(Consumer<String> sink) {
        return (level, message) -> sink.accept("[" + level + "] " + message);
    }

    static FunctionLog discard() {
        return (level, message) -> { };
    }
}
