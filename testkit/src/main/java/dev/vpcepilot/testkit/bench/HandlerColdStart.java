package dev.vpcepilot.testkit.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.handlers.FunctionSettings;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.local.lambda.HandlerClasses;
import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.FunctionEnvironments;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Benchmark probe, run in a fresh JVM per handler: the time from JVM start to the handler's first response
 * (what a Lambda cold start without SnapStart pays for our code), then the median of further warm calls.
 * Prints one JSON line, with the first response itself ({@code output}: bench/run.py makes the next fleet step's
 * input of it). Used by bench/run.py; not a test. The handler is built as the local runner builds it
 * ({@link HandlerClasses#instantiate}: the clients pointed at the endpoint, and the function's environment as
 * {@code template.yaml} sets it, e.g. the lock table), so its first response includes what Lambda's first call
 * pays for the same code.
 *
 * <pre>java -cp ... HandlerColdStart &lt;handler class&gt; &lt;input json&gt; &lt;endpoint url&gt; &lt;region&gt; &lt;warm calls&gt;
 *     &lt;template.yaml&gt;</pre>
 */
public final class HandlerColdStart {

    private HandlerColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: HandlerColdStart <handler class> <input json> <endpoint url> <region> <warm calls>"
                    + " <template.yaml>");
            System.exit(2);
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        byte[] input = args[1].getBytes(StandardCharsets.UTF_8);
        AwsClients clients = AwsClients.forEndpoint(args[3], URI.create(args[2]));
        FunctionSettings settings = new FunctionSettings(environmentOf(SamTemplate.load(Path.of(args[5])), args[0],
                args[3]));
        RequestStreamHandler handler = HandlerClasses.instantiate(
                Class.forName(args[0]).asSubclass(RequestStreamHandler.class), clients, settings);
        long initDone = System.currentTimeMillis();
        ByteArrayOutputStream firstOutput = new ByteArrayOutputStream();
        String firstError = invoke(handler, input, firstOutput);
        long firstResponse = System.currentTimeMillis();

        int warmCalls = Integer.parseInt(args[4]);
        long[] warm = new long[warmCalls];
        for (int i = 0; i < warmCalls; i++) {
            long start = System.nanoTime();
            invoke(handler, input, new ByteArrayOutputStream());
            warm[i] = System.nanoTime() - start;
        }
        Arrays.sort(warm);
        double warmMedianMs = warmCalls == 0 ? 0 : warm[warmCalls / 2] / 1e6;
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("handler", args[0].substring(args[0].lastIndexOf('.') + 1))
                .put("initMs", initDone - jvmStart)
                .put("coldStartMs", firstResponse - jvmStart)
                .put("warmMedianMs", warmMedianMs)
                .put("firstCallError", firstError);
        line.set("output", firstError != null || firstOutput.size() == 0 ? null
                : Json.MAPPER.readTree(firstOutput.toByteArray()));
        System.out.println(Json.MAPPER.writeValueAsString(line));
        clients.close();
    }

    /** The environment the template gives the function whose handler is {@code handlerClass}. */
    private static Map<String, String> environmentOf(SamTemplate template, String handlerClass, String region) {
        Map<String, Map<String, String>> environments = FunctionEnvironments.of(template, region, Map.of());
        for (LocalFunction function : FunctionDirectory.of(template, region).functions()) {
            if (handlerClass.equals(function.handlerClass())) {
                return environments.getOrDefault(function.logicalId(), Map.of());
            }
        }
        throw new IllegalArgumentException(handlerClass + " is the handler of no function of " + template.file());
    }

    /** Invokes once; returns the error class name if the handler threw (an expected error still counts as a response). */
    private static String invoke(RequestStreamHandler handler, byte[] input, ByteArrayOutputStream output) {
        try {
            handler.handleRequest(new ByteArrayInputStream(input), output, QuietContext.INSTANCE);
            return null;
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    /** A Lambda context whose logger discards output, so logging cost is not hidden in a terminal. */
    private enum QuietContext implements Context {
        INSTANCE;

        @Override public String getAwsRequestId() { return "bench"; }
        @Override public String getLogGroupName() { return "bench"; }
        @Override public String getLogStreamName() { return "bench"; }
        @Override public String getFunctionName() { return "bench"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:bench"; }
        @Override public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() { return null; }
        @Override public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 60_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { }
                @Override public void log(byte[] message) { }
            };
        }
    }
}
