package dev.vpcepilot.lambda;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.cfn.ResponseBucket;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.local.runtime.InvocationResult;
import dev.vpcepilot.local.runtime.LocalLambda;
import dev.vpcepilot.local.sfn.LocalStepFunctionsApi;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The real-runtime layer's one setup per test JVM (starting eight JVMs per test class would cost more than every
 * test together): the functions built alone the SAM way, run by the AWS Lambda Java runtime interface client
 * ({@link LocalLambda}, one warm environment per function, started when first invoked), their AWS calls through a
 * fault proxy (no rules unless a test adds some) to the shared moto_server; the state machine run by the local
 * interpreter with every Task through those same environments; a Step Functions API on loopback backed by it, which
 * the hook's SDK calls ({@code AWS_ENDPOINT_URL_SFN}); and a bucket on the emulator for the hook's answers. The
 * environments stop with the JVM.
 */
public final class RealRuntime {

    public static final String REGION = "us-east-1";
    public static final String HOOK = "CloudFormationHookFunction";

    private static RealRuntime instance;

    public final Path root = TestProject.root();
    public final MotoServer moto;
    public final FaultProxy proxy;
    public final LocalLambda lambda;
    public final LocalWorkflow workflow;
    /** The fleet state machine, its Tasks through the same environments. */
    public final LocalWorkflow fleet;
    public final LocalStepFunctionsApi stepFunctions;
    public final ResponseBucket bucket;
    /** Every line the environments (and the artifact's build) wrote. */
    public final List<String> log = Collections.synchronizedList(new ArrayList<>());
    /** Every invocation, in order. */
    public final List<Invocation> invocations = Collections.synchronizedList(new ArrayList<>());

    public record Invocation(String functionLogicalId, String payload, InvocationResult result) {
    }

    private boolean closed;

    private RealRuntime() {
        moto = Moto.fresh();
        try {
            proxy = FaultProxy.start(moto.endpoint());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalStepFunctionsApi[] api = new LocalStepFunctionsApi[1];
        lambda = LocalLambda.builder(root).region(REGION).endpoint(proxy.endpoint()).log(log::add)
                .variables(function -> function.logicalId().equals(HOOK)
                        ? Map.of("AWS_ENDPOINT_URL_SFN", api[0].endpoint().toString()) : Map.of())
                .build();
        lambda.addListener((function, payload, result) -> invocations.add(new Invocation(function.logicalId(),
                new String(payload, StandardCharsets.UTF_8), result)));
        workflow = LocalWorkflow.builder(root).region(REGION).endpoint(proxy.endpoint()).resources(moto.endpoint())
                .timeScale(0).functionLog(log::add).lambdaRuntime(lambda).build();
        fleet = LocalWorkflow.builder(root).region(REGION).endpoint(proxy.endpoint()).resources(moto.endpoint())
                .stateMachine(LocalWorkflow.FLEET_STATE_MACHINE).timeScale(0).functionLog(log::add)
                .lambdaRuntime(lambda).build();
        stepFunctions = LocalStepFunctionsApi.start(workflow);
        api[0] = stepFunctions;
        bucket = new ResponseBucket(moto.endpoint(), REGION);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "real-runtime-stop"));
    }

    /** The setup, made on first use; moto emptied for the calling test class, the proxy without rules. */
    public static synchronized RealRuntime fresh() {
        if (instance == null) {
            instance = new RealRuntime();
        } else {
            instance.reset();
        }
        instance.proxy.clearRules();
        instance.bucket.ensureBucket();
        return instance;
    }

    /**
     * Stops the shared environments after a test class ({@code @ExtendWith(RealRuntime.StopAfterClass.class)}): one
     * JVM per function, about 210 MB each, that would otherwise idle for the rest of the test run (some 3 GB that a
     * small CI machine needs for the tests after these). The next class's {@link #fresh()} starts them again.
     */
    public static final class StopAfterClass implements org.junit.jupiter.api.extension.AfterAllCallback {
        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            synchronized (RealRuntime.class) {
                if (instance != null) {
                    instance.close();
                    instance = null;
                }
            }
        }
    }

    /** Empties moto and deploys the template's tables again, as a fresh deployment would have them. */
    public void reset() {
        Moto.fresh();
        workflow.provision();
    }

    public InvocationResult invoke(String functionLogicalId, String payload) {
        return lambda.invoke(functionLogicalId, payload.getBytes(StandardCharsets.UTF_8));
    }

    LocalFunction function(String logicalId) {
        return lambda.functions().byLogicalId(logicalId).orElseThrow();
    }

    /** The invocations of one function since {@code from}. */
    List<Invocation> invocationsOf(String functionLogicalId, int from) {
        synchronized (invocations) {
            return invocations.subList(from, invocations.size()).stream()
                    .filter(i -> i.functionLogicalId().equals(functionLogicalId)).toList();
        }
    }

    /** The last lines of the log, for assertion messages. */
    /** An error's message as the runtime reports it carries no stack frame. */
    public static void assertNoStackFrame(InvocationResult result) {
        assertFalse(result.errorMessage().contains("\tat ") || result.errorMessage().matches("(?s).*\\bat [a-z]+\\..*\\(.*"),
                result.errorMessage());
    }

    public String logTail() {
        synchronized (log) {
            return String.join("\n", log.subList(Math.max(0, log.size() - 60), log.size()));
        }
    }

    private synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stepFunctions.close();
        fleet.close();
        workflow.close();
        lambda.close();
        bucket.close();
        proxy.close();
    }
}
