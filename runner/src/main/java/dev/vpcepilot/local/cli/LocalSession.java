package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.TimeScale;
import dev.vpcepilot.local.asl.UnsupportedDefinitionException;
import dev.vpcepilot.local.cfn.LocalCustomResource;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.local.runtime.LocalLambda;
import dev.vpcepilot.local.template.TemplateException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every {@code ./run-local} command sets up the same way: the checked {@link LocalWorkflow} builder (time
 * scale from the environment, progress and function logs on stderr), the emulator endpoint (the one given with
 * {@code --endpoint-url}, or a {@code moto_server} started here), and with {@code --lambda-runtime} the real Lambda
 * Java runtime ({@link LocalLambda}) that runs every function. {@link #close()} stops what was started here.
 */
final class LocalSession implements AutoCloseable {

    /** Overrides the template's {@code HookTimeoutSeconds} locally (to see the hook's time bound without waiting). */
    static final String HOOK_TIMEOUT_VARIABLE = "VPCE_PILOT_HOOK_TIMEOUT_SECONDS";

    private final LocalWorkflow.Builder builder;
    private final URI endpoint;
    private final MotoServer moto;
    private final LocalLambda lambda;
    private final double timeScale;
    private final Integer hookTimeoutSeconds;
    private final AtomicReference<URI> stepFunctionsEndpoint;

    private LocalSession(LocalWorkflow.Builder builder, URI endpoint, MotoServer moto, LocalLambda lambda,
                         double timeScale, Integer hookTimeoutSeconds, AtomicReference<URI> stepFunctionsEndpoint) {
        this.builder = builder;
        this.endpoint = endpoint;
        this.moto = moto;
        this.lambda = lambda;
        this.timeScale = timeScale;
        this.hookTimeoutSeconds = hookTimeoutSeconds;
        this.stepFunctionsEndpoint = stepFunctionsEndpoint;
    }

    /**
     * @throws UsageException when the time scale, the hook's time bound, the template or the definition cannot be
     *                        used
     * @throws MotoServer.MotoServerException when the emulator cannot be started
     * @throws SetupException when the real runtime cannot be set up (its artifact does not build, say)
     */
    static LocalSession open(CommandContext context, CliArguments arguments) throws UsageException {
        return open(context, arguments, null);
    }

    /** {@link #open(CommandContext, CliArguments)}; with {@code --probe}, the probe in the VPC {@code input} names. */
    static LocalSession open(CommandContext context, CliArguments arguments, JsonNode input) throws UsageException {
        Path projectRoot = context.projectRoot();
        Map<String, String> environment = context.environment();
        PrintStream progress = context.progress();
        double timeScale;
        try {
            timeScale = TimeScale.fromEnvironment(environment);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Integer hookTimeout = hookTimeoutSeconds(environment);
        LocalWorkflow.Builder builder = LocalWorkflow.builder(projectRoot)
                .region(arguments.region())
                .timeScale(timeScale)
                .listener(event -> progress.println(RunLocal.PREFIX + event.describe()))
                .functionLog(progress::println);
        if (arguments.fleet()) {
            builder.stateMachine(LocalWorkflow.FLEET_STATE_MACHINE);
        }
        check(builder);
        URI endpoint = arguments.endpointUrl();
        MotoServer moto = null;
        if (endpoint == null) {
            moto = MotoServer.start(environment);
            progress.println(RunLocal.PREFIX + "moto_server on " + moto.endpoint() + " (stopped at the end)");
            endpoint = moto.endpoint();
        }
        Optional<LocalProbe> probe = Optional.empty();
        if (arguments.probe()) {
            probe = probe(input, endpoint, arguments.region(), moto, progress);
            probe.ifPresent(deployed -> builder.parameters(deployed.parameters()));
            probe.ifPresent(deployed -> deployed.variables().forEach((name, value) ->
                    builder.variable(LocalProbe.FUNCTION, name, value)));
            check(builder);
        }
        AtomicReference<URI> stepFunctions = new AtomicReference<>();
        LocalLambda lambda = null;
        if (arguments.lambdaRuntime()) {
            try {
                lambda = lambda(projectRoot, arguments.region(), endpoint, hookTimeout, stepFunctions, probe,
                        progress);
            } catch (RuntimeException e) {
                if (moto != null) {
                    moto.close();
                }
                throw new SetupException("The real Lambda runtime could not be set up: " + e.getMessage());
            }
            builder.lambdaRuntime(lambda);
            try {
                check(builder);
            } catch (UsageException e) {
                lambda.close();
                if (moto != null) {
                    moto.close();
                }
                throw e;
            }
        }
        return new LocalSession(builder, endpoint, moto, lambda, timeScale, hookTimeout, stepFunctions);
    }

    private static void check(LocalWorkflow.Builder builder) throws UsageException {
        try {
            builder.check();
        } catch (TemplateException | UnsupportedDefinitionException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The probe in the execution's VPC, and the line on stderr that says what it proves locally. */
    private static Optional<LocalProbe> probe(JsonNode input, URI endpoint, String region, MotoServer moto,
                                              PrintStream progress) {
        try {
            Optional<LocalProbe> probe = LocalProbe.forExecution(input, endpoint, region);
            progress.println(RunLocal.PREFIX + probe.map(LocalProbe::notice).orElseGet(() -> LocalProbe.noVpc(input)));
            return probe;
        } catch (RuntimeException e) {
            if (moto != null) {
                moto.close();
            }
            throw new SetupException("--probe could not find the execution's VPC: " + e.getMessage());
        }
    }

    /**
     * The functions under the real runtime, their AWS calls to the emulator; the hook's Step Functions calls to the
     * endpoint the cfn-event command serves once it has the workflow, and its time bound as overridden.
     */
    private static LocalLambda lambda(Path projectRoot, String region, URI endpoint, Integer hookTimeout,
                                      AtomicReference<URI> stepFunctions, Optional<LocalProbe> probe,
                                      PrintStream progress) {
        progress.println(RunLocal.PREFIX + "every function runs under the Lambda Java runtime interface client, "
                + "from the SAM-style artifact");
        return LocalLambda.builder(projectRoot).region(region).endpoint(endpoint).log(progress::println)
                .parameters(probe.map(LocalProbe::parameters).orElse(Map.of()))
                .variables(function -> {
                    if (probe.isPresent() && LocalProbe.FUNCTION.equals(function.logicalId())) {
                        return probe.get().variables();
                    }
                    if (!LocalCustomResource.HOOK_HANDLER.equals(function.handlerClass())) {
                        return Map.of();
                    }
                    Map<String, String> variables = new LinkedHashMap<>();
                    URI api = stepFunctions.get();
                    if (api != null) {
                        variables.put("AWS_ENDPOINT_URL_SFN", api.toString());
                    }
                    if (hookTimeout != null) {
                        variables.put("HOOK_TIMEOUT_SECONDS", hookTimeout.toString());
                    }
                    return variables;
                })
                .build();
    }

    private static Integer hookTimeoutSeconds(Map<String, String> environment) throws UsageException {
        String value = environment.get(HOOK_TIMEOUT_VARIABLE);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds >= 1) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new UsageException(HOOK_TIMEOUT_VARIABLE + " must be a whole number of seconds >= 1, not '" + value
                + "'");
    }

    URI endpoint() {
        return endpoint;
    }

    double timeScale() {
        return timeScale;
    }

    /** {@value #HOOK_TIMEOUT_VARIABLE}, if set. */
    Optional<Integer> hookTimeoutSeconds() {
        return Optional.ofNullable(hookTimeoutSeconds);
    }

    /** The real runtime, with {@code --lambda-runtime}. */
    Optional<LocalLambda> lambda() {
        return Optional.ofNullable(lambda);
    }

    /** Where the hook's Step Functions calls go (set before the hook first runs). */
    void stepFunctionsEndpoint(URI api) {
        stepFunctionsEndpoint.set(api);
    }

    LocalWorkflow workflow() {
        return builder.endpoint(endpoint).build();
    }

    @Override
    public void close() {
        if (lambda != null) {
            lambda.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    /** The local setup failed for a reason that is not the user's arguments (exit 2, {@code SetupError}). */
    static final class SetupException extends RuntimeException {
        SetupException(String message) {
            super(message);
        }
    }
}
