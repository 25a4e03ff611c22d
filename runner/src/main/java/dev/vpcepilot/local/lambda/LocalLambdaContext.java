package dev.vpcepilot.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.vpcepilot.local.template.LocalFunction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The Lambda {@link Context} of one local invocation: the function's name, memory and time limit from the
 * template, a fresh request id, and a logger that writes each message as one line prefixed with the function's
 * name and, as Lambda's Text log format writes it, the message's level (to stderr in the CLI).
 */
public final class LocalLambdaContext implements Context {

    private final LocalFunction function;
    private final String invokedArn;
    private final String requestId;
    private final Instant deadline;
    private final Clock clock;
    private final LambdaLogger logger;

    public LocalLambdaContext(LocalFunction function, String invokedArn, String requestId, Clock clock,
                              Consumer<String> logSink) {
        this.function = function;
        this.invokedArn = invokedArn;
        this.requestId = requestId;
        this.clock = clock;
        this.deadline = clock.instant().plusSeconds(function.timeoutSeconds());
        this.logger = new PrefixingLogger("[" + function.functionName() + "] ", logSink);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + function.functionName();
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
        return function.functionName();
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return invokedArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadline.toEpochMilli() - clock.millis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return function.memorySizeMb();
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    /** One line per message, prefixed; a trailing newline of the message is not doubled. */
    private record PrefixingLogger(String prefix, Consumer<String> sink) implements LambdaLogger {
        @Override
        public void log(String message) {
            log(message, LogLevel.UNDEFINED);
        }

        /** {@code [LEVEL] message}, as the runtime's Text format writes a message with a level. */
        @Override
        public void log(String message, LogLevel level) {
            String text = (level == LogLevel.UNDEFINED ? "" : "[" + level + "] ")
                    + (message == null ? "null" : message);
            if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            sink.accept(prefix + text);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
