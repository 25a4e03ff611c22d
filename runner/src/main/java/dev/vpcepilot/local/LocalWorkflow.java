package dev.vpcepilot.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.local.asl.AslSupport;
import dev.vpcepilot.local.asl.ExecutionListener;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.InterpreterSettings;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.local.asl.Sleeper;
import dev.vpcepilot.local.asl.StateMachineInterpreter;
import dev.vpcepilot.local.asl.TimeScale;
import dev.vpcepilot.local.asl.UnsupportedDefinitionException;
import dev.vpcepilot.local.lambda.HandlerClasses;
import dev.vpcepilot.local.asl.TaskInvoker;
import dev.vpcepilot.local.lambda.LambdaTaskInvoker;
import dev.vpcepilot.local.s3.S3ObjectStore;
import dev.vpcepilot.local.template.FunctionEnvironments;
import dev.vpcepilot.local.template.LocalAccount;
import dev.vpcepilot.local.runtime.LocalLambda;
import dev.vpcepilot.local.runtime.RuntimeTaskInvoker;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.LocalBuckets;
import dev.vpcepilot.local.template.LocalTables;
import dev.vpcepilot.local.template.LocalStateMachine;
import dev.vpcepilot.local.template.SamTemplate;
import dev.vpcepilot.local.template.StateMachineLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The project's state machine, run in-process with the real handler classes against an AWS endpoint (an
 * emulator): the Java API of the local runner, used by {@code ./run-local} and by the workflow tests.
 *
 * <p>{@link Builder#build()} reads {@code template.yaml}, applies the state machine's
 * {@code DefinitionSubstitutions}, and refuses, before anything runs, a definition that uses what the runner does
 * not implement ({@link UnsupportedDefinitionException}) or names handlers that cannot run in-process. Each
 * {@link #run} is one execution with its own warm handler instances; runs may happen concurrently, on one
 * instance or several. Distributed Maps read their items from and write their results to the endpoint's S3
 * ({@link S3ObjectStore}). {@link #close()} closes the SDK clients.
 *
 * <pre>{@code
 * try (MotoServer moto = MotoServer.start();
 *      LocalWorkflow workflow = LocalWorkflow.builder(projectRoot).endpoint(moto.endpoint()).timeScale(0).build()) {
 *     ExecutionResult result = workflow.run(Json.MAPPER.readTree("{\"cleanup\": true}"));
 *     assertEquals(ExecutionResult.Status.SUCCEEDED, result.status());
 * }
 * }</pre>
 */
public final class LocalWorkflow implements AutoCloseable {

    /** The single-VPC state machine of the project's template: the one run unless another is named. */
    public static final String ENDPOINT_STATE_MACHINE = "EndpointStateMachine";
    /** The fleet state machine of the project's template ({@code ./run-local --fleet}). */
    public static final String FLEET_STATE_MACHINE = "FleetStateMachine";

    private final LocalStateMachine stateMachine;
    private final String region;
    private final AwsClients clients;
    private final S3ObjectStore objects;
    private final InterpreterSettings settings;
    private final ExecutionListener listener;
    private final Consumer<String> functionLog;
    private final ClassLoader handlerLoader;
    private final Map<String, Map<String, String>> environments;
    private final SamTemplate template;
    private final URI resources;
    private final LocalLambda lambda;

    private LocalWorkflow(Builder builder, LocalStateMachine stateMachine) {
        this.stateMachine = stateMachine;
        this.region = builder.region;
        this.settings = builder.settings;
        this.listener = builder.listener;
        this.functionLog = builder.functionLog;
        this.handlerLoader = builder.handlerLoader;
        this.lambda = builder.lambda;
        this.clients = AwsClients.forEndpoint(builder.region, builder.endpoint);
        this.objects = new S3ObjectStore(builder.endpoint, builder.region);
        this.template = SamTemplate.load(builder.templateFile);
        this.environments = withVariables(FunctionEnvironments.of(template, builder.region, builder.parameters),
                builder.variables);
        this.resources = builder.resources == null ? builder.endpoint : builder.resources;
        provision();
    }

    /**
     * Creates the template's resources that the functions use (its DynamoDB tables and S3 buckets) in the emulator, as the
     * deployment would; a resource that exists is kept. {@link Builder#build()} does it once; call it again after
     * resetting the emulator.
     */
    public void provision() {
        try (AwsClients deployment = AwsClients.forEndpoint(region, resources)) {
            LocalTables.create(template, deployment.dynamoDb());
            LocalBuckets.create(template, deployment.s3(), region);
        }
    }

    /** The local name of a bucket of the template (as {@code !Ref} gives it to the functions). */
    public String bucketName(String logicalId) {
        return dev.vpcepilot.local.template.LocalResources.bucketName(template, logicalId, region);
    }

    /** An object of the emulator's S3 (what a run wrote), or empty when there is none. */
    public java.util.Optional<byte[]> object(String bucket, String key) {
        try {
            return java.util.Optional.of(objects.get(bucket, key));
        } catch (dev.vpcepilot.local.asl.ObjectStore.ObjectStoreException e) {
            return java.util.Optional.empty();
        }
    }

    private static Map<String, Map<String, String>> withVariables(Map<String, Map<String, String>> template,
                                                                  Map<String, Map<String, String>> overrides) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        template.forEach((function, variables) -> {
            Map<String, String> values = new LinkedHashMap<>(variables);
            values.putAll(overrides.getOrDefault(function, Map.of()));
            merged.put(function, Map.copyOf(values));
        });
        return Map.copyOf(merged);
    }

    /** A function's environment variables as the template sets them (and {@link Builder#variable}), resolved locally. */
    public Map<String, String> environment(String functionLogicalId) {
        return environments.getOrDefault(functionLogicalId, Map.of());
    }

    public static Builder builder(Path projectRoot) {
        return new Builder(projectRoot);
    }

    /** One execution named with a random UUID. */
    public ExecutionResult run(JsonNode input) {
        return run(input, UUID.randomUUID().toString());
    }

    /**
     * One execution; returns when it has ended.
     *
     * @param executionName 1 to 80 characters, as Step Functions allows (part of {@code $$.Execution.Id})
     */
    public ExecutionResult run(JsonNode input, String executionName) {
        Objects.requireNonNull(executionName, "executionName");
        return interpreter(settings).execute(input, executionName, listener);
    }

    /**
     * One execution that stops (ends as {@code Aborted}, running no further state) once {@code stopRequested}
     * answers true; interrupting the calling thread too ends a Wait or a Retry's pause at once.
     */
    public ExecutionResult run(JsonNode input, String executionName, BooleanSupplier stopRequested) {
        Objects.requireNonNull(executionName, "executionName");
        return interpreter(settings).execute(input, executionName, listener, stopRequested);
    }

    /** One execution reporting its events to {@code extraListener} as well as to the builder's listener. */
    public ExecutionResult run(JsonNode input, String executionName, ExecutionListener extraListener) {
        Objects.requireNonNull(executionName, "executionName");
        return interpreter(settings).execute(input, executionName, event -> {
            listener.onEvent(event);
            extraListener.onEvent(event);
        });
    }

    /** The definition as it runs, after {@code DefinitionSubstitutions}. */
    public JsonNode definition() {
        return stateMachine.definition().deepCopy();
    }

    public LocalStateMachine stateMachine() {
        return stateMachine;
    }

    public String region() {
        return region;
    }

    public String stateMachineArn() {
        return stateMachine.arn();
    }

    /** The ARN an execution of this name has. */
    public String executionArn(String executionName) {
        return stateMachine.arn().replace(":stateMachine:", ":execution:") + ":" + executionName;
    }

    @Override
    public void close() {
        objects.close();
        clients.close();
    }

    private StateMachineInterpreter interpreter(InterpreterSettings runSettings) {
        TaskInvoker tasks = lambda != null ? new RuntimeTaskInvoker(lambda)
                : new LambdaTaskInvoker(stateMachine.functions(), clients, environments, handlerLoader, functionLog,
                        runSettings.clock());
        return new StateMachineInterpreter(stateMachine.definition(), stateMachine.arn(), tasks, objects, runSettings);
    }

    /** Where the project is and how to run it; every setting has a default except the endpoint. */
    public static final class Builder {
        private final Path projectRoot;
        private Path templateFile;
        private String stateMachineId;
        private String region = LocalAccount.defaultRegion(System.getenv());
        private URI endpoint;
        private URI resources;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> variables = new LinkedHashMap<>();
        private InterpreterSettings settings = InterpreterSettings.defaults()
                .withTimeScale(TimeScale.fromEnvironment(System.getenv()));
        private ExecutionListener listener = ExecutionListener.NONE;
        private Consumer<String> functionLog = System.err::println;
        private ClassLoader handlerLoader = defaultLoader();
        private LocalLambda lambda;

        private Builder(Path projectRoot) {
            this.projectRoot = projectRoot.toAbsolutePath().normalize();
            this.templateFile = this.projectRoot.resolve("template.yaml");
        }

        /** The SAM template, if not {@code <projectRoot>/template.yaml}. */
        public Builder template(Path file) {
            this.templateFile = projectRoot.resolve(file);
            return this;
        }

        /**
         * The state machine's logical id: by default the template's only one, or {@value #ENDPOINT_STATE_MACHINE}
         * when it has several.
         */
        public Builder stateMachine(String logicalId) {
            this.stateMachineId = logicalId;
            return this;
        }

        /** Default: {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else {@code us-east-1}. */
        public Builder region(String newRegion) {
            this.region = Objects.requireNonNull(newRegion, "region");
            return this;
        }

        /** Required: every AWS call of the handlers goes here (the local runner never uses real AWS endpoints). */
        public Builder endpoint(URI newEndpoint) {
            this.endpoint = Objects.requireNonNull(newEndpoint, "endpoint");
            return this;
        }

        /**
         * Where {@link LocalWorkflow#provision()} creates the template's resources, if not at the endpoint (tests that
         * put a fault proxy in front of the emulator deploy past it, as a deployment is not part of a run).
         */
        public Builder resources(URI deploymentEndpoint) {
            this.resources = Objects.requireNonNull(deploymentEndpoint, "deploymentEndpoint");
            return this;
        }

        /** Overrides a template parameter's {@code Default} (checked against its constraints). */
        public Builder parameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        public Builder parameters(Map<String, String> values) {
            parameters.putAll(values);
            return this;
        }

        /**
         * Sets an environment variable of one function over the template's value, as {@code sam local invoke
         * --env-vars} does (in-process runs; under the real runtime, {@link LocalLambda.Builder#variables}).
         */
        public Builder variable(String functionLogicalId, String name, String value) {
            variables.computeIfAbsent(functionLogicalId, id -> new LinkedHashMap<>()).put(name, value);
            return this;
        }

        /** Factor for Wait states and Retry intervals: default {@code VPCE_PILOT_TIME_SCALE} or 0.02; 0 = no waiting. */
        public Builder timeScale(double factor) {
            settings = settings.withTimeScale(factor);
            return this;
        }

        /**
         * The most child executions a Distributed Map runs at once (default
         * {@value InterpreterSettings#DEFAULT_MAX_CHILDREN}): the local bound of MaxConcurrency 0, "no limit".
         */
        public Builder maxChildren(int max) {
            settings = settings.withMaxChildren(max);
            return this;
        }

        /** States an execution may enter before failing (default 1000). */
        public Builder maxTransitions(int max) {
            settings = settings.withMaxTransitions(max);
            return this;
        }

        /** How to wait (tests may record instead of sleeping). */
        public Builder sleeper(Sleeper sleeper) {
            settings = settings.withSleeper(sleeper);
            return this;
        }

        public Builder clock(Clock clock) {
            settings = settings.withClock(clock);
            return this;
        }

        /** Receives every {@link ProgressEvent} as it happens (they are also in each {@link ExecutionResult}). */
        public Builder listener(ExecutionListener newListener) {
            this.listener = Objects.requireNonNull(newListener, "listener");
            return this;
        }

        /** Where the handlers' {@code context.getLogger()} lines go (default: stderr). */
        public Builder functionLog(Consumer<String> sink) {
            this.functionLog = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** The class loader the handler classes are loaded from (default: the runner's). */
        public Builder handlerLoader(ClassLoader loader) {
            this.handlerLoader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /**
         * Runs every Task through the real Lambda Java runtime ({@link LocalLambda}: the SAM-style artifact under
         * the runtime interface client, one warm JVM per function) instead of in-process. The caller closes
         * {@code localLambda}; its region must be this workflow's.
         */
        public Builder lambdaRuntime(LocalLambda localLambda) {
            this.lambda = Objects.requireNonNull(localLambda, "localLambda");
            return this;
        }

        /**
         * Reads the template and the definition and checks them, without connecting anywhere.
         *
         * @return the state machine as it would run
         * @throws dev.vpcepilot.local.template.TemplateException if the template cannot be read or resolved
         * @throws UnsupportedDefinitionException if the definition uses anything the runner does not implement, or
         *                                        a handler it names cannot run in-process
         */
        public LocalStateMachine check() {
            SamTemplate samTemplate = SamTemplate.load(templateFile);
            String id = stateMachineId;
            if (id == null && samTemplate.resourcesOfType(SamTemplate.SERVERLESS_STATE_MACHINE)
                    .contains(ENDPOINT_STATE_MACHINE)) {
                id = ENDPOINT_STATE_MACHINE;
            }
            LocalStateMachine stateMachine = StateMachineLoader.load(samTemplate, id, region, parameters);
            List<String> problems = new ArrayList<>(AslSupport.unsupportedFeatures(stateMachine.definition(),
                    stateMachine.functions()::names));
            if (lambda != null && !lambda.region().equals(region)) {
                problems.add("The local Lambda runs in " + lambda.region() + ", the workflow in " + region);
            }
            for (LocalFunction function : functionsUsed(stateMachine)) {
                (lambda != null ? lambda.problem(function) : HandlerClasses.problem(function, handlerLoader))
                        .ifPresent(problems::add);
            }
            if (!problems.isEmpty()) {
                throw new UnsupportedDefinitionException(problems);
            }
            return stateMachine;
        }

        /**
         * {@link #check()}, then the workflow, with SDK clients for the endpoint.
         *
         * @throws IllegalStateException if no endpoint was given
         */
        public LocalWorkflow build() {
            if (endpoint == null) {
                throw new IllegalStateException("LocalWorkflow needs an endpoint (e.g. MotoServer.endpoint())");
            }
            return new LocalWorkflow(this, check());
        }

        /** The functions the Task states name, those inside Map ItemProcessors included. */
        private static Set<LocalFunction> functionsUsed(LocalStateMachine stateMachine) {
            Set<LocalFunction> used = new LinkedHashSet<>();
            addFunctions(stateMachine.definition().path("States"), stateMachine, used);
            return used;
        }

        private static void addFunctions(JsonNode states, LocalStateMachine stateMachine, Set<LocalFunction> used) {
            states.forEach(state -> {
                if ("Task".equals(state.path("Type").asText())) {
                    stateMachine.functions().resolve(state.path("Resource").asText()).ifPresent(used::add);
                }
                addFunctions(state.path("ItemProcessor").path("States"), stateMachine, used);
            });
        }

        private static ClassLoader defaultLoader() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : LocalWorkflow.class.getClassLoader();
        }
    }
}
