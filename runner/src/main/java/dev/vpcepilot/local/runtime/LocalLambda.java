package dev.vpcepilot.local.runtime;

import dev.vpcepilot.local.template.FunctionDirectory;
import dev.vpcepilot.local.template.LocalAccount;
import dev.vpcepilot.local.template.LocalFunction;
import dev.vpcepilot.local.template.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Lambda, locally, with the real Java runtime: the template's functions run from their SAM-style artifact
 * ({@link SamStyleBuild}) under the AWS Lambda Java runtime interface client ({@link LambdaJavaRuntime}), each in
 * a JVM of its own ({@link ExecutionEnvironment}), as Lambda runs a java21 function. One warm environment per
 * function, started on the function's first invocation and kept until {@link #close()}; an environment that
 * crashed or timed out is replaced on the next invocation, as Lambda does. The functions' AWS calls go to the
 * endpoint given ({@code AWS_ENDPOINT_URL}), with the credentials of a loopback container credentials endpoint
 * ({@link ContainerCredentials}), never with keys from the runner's environment.
 *
 * <pre>{@code
 * try (LocalLambda lambda = LocalLambda.builder(projectRoot).endpoint(moto.endpoint()).build()) {
 *     InvocationResult result = lambda.invoke("ResolveVpcFunction", "{\"vpcId\": null}".getBytes(UTF_8));
 * }
 * }</pre>
 */
public final class LocalLambda implements AutoCloseable {

    /** Sees every invocation and how it ended. */
    public interface Listener {
        void invoked(LocalFunction function, byte[] payload, InvocationResult result);
    }

    private final SamTemplate template;
    private final String region;
    private final Map<String, String> parameters;
    private final FunctionDirectory functions;
    private final Path artifact;
    private final LambdaJavaRuntime runtime;
    private final ContainerCredentials credentials;
    private final Map<String, String> endpoints;
    private final Function<LocalFunction, Map<String, String>> variables;
    private final Consumer<String> log;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, ExecutionEnvironment> environments = new ConcurrentHashMap<>();
    private final List<EnvironmentStart> starts = Collections.synchronizedList(new ArrayList<>());
    private final ClassLoader artifactClasses;
    private volatile boolean closed;

    private LocalLambda(Builder builder, Path artifact, LambdaJavaRuntime runtime) {
        this.template = SamTemplate.load(builder.projectRoot.resolve("template.yaml"));
        this.region = builder.region;
        this.parameters = Map.copyOf(builder.parameters);
        this.functions = FunctionDirectory.of(template, region, builder.parameters);
        this.artifact = artifact;
        this.runtime = runtime;
        this.endpoints = Map.copyOf(builder.endpoints);
        this.variables = builder.variables;
        this.log = builder.log;
        this.artifactClasses = artifactClassLoader(artifact);
        this.credentials = ContainerCredentials.start();
    }

    public static Builder builder(Path projectRoot) {
        return new Builder(projectRoot);
    }

    public FunctionDirectory functions() {
        return functions;
    }

    public String region() {
        return region;
    }

    /** The artifact the functions run from (their {@code LAMBDA_TASK_ROOT}). */
    public Path artifact() {
        return artifact;
    }

    public ContainerCredentials credentials() {
        return credentials;
    }

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Every start so far: per function, how long its environment took to initialise (cold start). */
    public List<EnvironmentStart> starts() {
        List<EnvironmentStart> all = new ArrayList<>(starts);
        environments.values().forEach(e -> e.startFigures().filter(s -> !all.contains(s)).ifPresent(all::add));
        return all;
    }

    /** Why the function cannot run from the artifact, or empty when it can. */
    public Optional<String> problem(LocalFunction function) {
        String runtimeName = function.runtime();
        if (runtimeName != null && !runtimeName.startsWith("java")) {
            return Optional.of("Function " + function.logicalId() + " has Runtime " + runtimeName + "; the local "
                    + "Lambda runs the Java runtime only");
        }
        String resource = function.handlerClass().replace('.', '/') + ".class";
        if (artifactClasses.getResource(resource) == null) {
            return Optional.of("Function " + function.logicalId() + ": handler class " + function.handlerClass()
                    + " is not in the artifact " + artifact);
        }
        return Optional.empty();
    }

    /** Invokes the function by logical id, through its alias if it has one (as the state machine does). */
    public InvocationResult invoke(String functionLogicalId, byte[] payload) {
        LocalFunction function = functions.byLogicalId(functionLogicalId).orElseThrow(() ->
                new IllegalArgumentException("The template has no function " + functionLogicalId));
        return invoke(function, function.alias() == null ? function.arn(region) : function.arn(region,
                function.alias()), payload);
    }

    /** One invocation, as Lambda's synchronous Invoke: waits for the answer (or the function's timeout). */
    public InvocationResult invoke(LocalFunction function, String invokedArn, byte[] payload) {
        if (closed) {
            throw new IllegalStateException("This LocalLambda is closed");
        }
        ExecutionEnvironment environment = environment(function);
        InvocationResult result = environment.invoke(payload, invokedArn);
        if (!environment.usable()) {
            retire(function, environment);
        }
        listeners.forEach(l -> l.invoked(function, payload, result));
        return result;
    }

    private ExecutionEnvironment environment(LocalFunction function) {
        return environments.compute(function.logicalId(), (id, current) -> {
            if (current != null && current.usable()) {
                return current;
            }
            if (current != null) {
                recordStart(current);
                current.close();
            }
            FunctionConfiguration configuration = FunctionConfiguration.of(template, function, region, parameters);
            Map<String, String> extra = new LinkedHashMap<>(endpoints);
            extra.putAll(variables.apply(function));
            return ExecutionEnvironment.start(configuration, region, artifact, runtime, extra,
                    credentials.environment(), log);
        });
    }

    private void retire(LocalFunction function, ExecutionEnvironment environment) {
        if (environments.remove(function.logicalId(), environment)) {
            recordStart(environment);
            environment.close();
        }
    }

    private void recordStart(ExecutionEnvironment environment) {
        environment.startFigures().ifPresent(starts::add);
    }

    @Override
    public void close() {
        closed = true;
        environments.values().parallelStream().forEach(environment -> {
            recordStart(environment);
            environment.close();
        });
        environments.clear();
        credentials.close();
    }

    private static ClassLoader artifactClassLoader(Path artifact) {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(artifact.resolve("lib"))) {
            urls.add(artifact.toUri().toURL());
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("The artifact " + artifact + " has no lib/ directory", e);
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** How to run the functions; everything has a default but the endpoint. */
    public static final class Builder {
        private final Path projectRoot;
        private String region = LocalAccount.defaultRegion(System.getenv());
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final Map<String, String> endpoints = new LinkedHashMap<>();
        private Function<LocalFunction, Map<String, String>> variables = function -> Map.of();
        private Path artifact;
        private LambdaJavaRuntime runtime;
        private Consumer<String> log = System.err::println;

        private Builder(Path projectRoot) {
            this.projectRoot = projectRoot.toAbsolutePath().normalize();
        }

        public Builder region(String newRegion) {
            this.region = Objects.requireNonNull(newRegion, "region");
            return this;
        }

        /** Template parameter values (for the functions' environment variables). */
        public Builder parameters(Map<String, String> values) {
            parameters.putAll(values);
            return this;
        }

        /** Required: {@code AWS_ENDPOINT_URL} of every function (the emulator). */
        public Builder endpoint(URI endpoint) {
            endpoints.put("AWS_ENDPOINT_URL", Objects.requireNonNull(endpoint, "endpoint").toString());
            return this;
        }

        /**
         * Variables the local run adds to (or overrides in) a function's environment, asked for when its
         * environment starts: e.g. {@code AWS_ENDPOINT_URL_SFN} for a function that calls Step Functions.
         */
        public Builder variables(Function<LocalFunction, Map<String, String>> perFunction) {
            this.variables = Objects.requireNonNull(perFunction, "perFunction");
            return this;
        }

        /** The artifact to run; default: {@link SamStyleBuild#artifact} (built, or found up to date). */
        public Builder artifact(Path directory) {
            this.artifact = directory;
            return this;
        }

        /** Default: {@link LambdaJavaRuntime#locate}. */
        public Builder runtime(LambdaJavaRuntime newRuntime) {
            this.runtime = newRuntime;
            return this;
        }

        /** Where the functions' log lines (and the build's output) go; default stderr. */
        public Builder log(Consumer<String> sink) {
            this.log = Objects.requireNonNull(sink, "sink");
            return this;
        }

        public LocalLambda build() {
            if (!endpoints.containsKey("AWS_ENDPOINT_URL")) {
                throw new IllegalStateException("LocalLambda needs an endpoint for the functions' AWS calls");
            }
            Path code = artifact != null ? artifact : SamStyleBuild.artifact(projectRoot, log);
            LambdaJavaRuntime java = runtime != null ? runtime : LambdaJavaRuntime.locate(projectRoot);
            return new LocalLambda(this, code, java);
        }
    }
}
