package dev.vpcepilot.local;

import dev.vpcepilot.local.asl.TimeScale;
import dev.vpcepilot.local.asl.UnsupportedDefinitionException;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.local.template.TemplateException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every {@code ./run-local} command sets up the same way: the checked {@link LocalWorkflow} builder (time
 * scale from the environment, progress and function logs on stderr) and the emulator endpoint: the one given
 * with {@code --endpoint-url}, or a {@code moto_server} started here and stopped by {@link #close()}.
 */
final class LocalSession implements AutoCloseable {

    private final LocalWorkflow.Builder builder;
    private final URI endpoint;
    private final MotoServer moto;

    private LocalSession(LocalWorkflow.Builder builder, URI endpoint, MotoServer moto) {
        this.builder = builder;
        this.endpoint = endpoint;
        this.moto = moto;
    }

    /**
     * @throws UsageException when the time scale, the template or the definition cannot be used
     * @throws MotoServer.MotoServerException when the emulator cannot be started
     */
    static LocalSession open(Path projectRoot, CliArguments arguments, Map<String, String> environment,
                             PrintStream progress) throws UsageException {
        double timeScale;
        try {
            timeScale = TimeScale.fromEnvironment(environment);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        LocalWorkflow.Builder builder = LocalWorkflow.builder(projectRoot)
                .region(arguments.region())
                .timeScale(timeScale)
                .listener(event -> progress.println(RunLocal.PREFIX + event.describe()))
                .functionLog(progress::println);
        try {
            builder.check();
        } catch (TemplateException | UnsupportedDefinitionException e) {
            throw new UsageException(e.getMessage());
        }
        if (arguments.endpointUrl() != null) {
            return new LocalSession(builder, arguments.endpointUrl(), null);
        }
        MotoServer moto = MotoServer.start(environment);
        progress.println(RunLocal.PREFIX + "moto_server on " + moto.endpoint() + " (stopped at the end)");
        return new LocalSession(builder, moto.endpoint(), moto);
    }

    URI endpoint() {
        return endpoint;
    }

    LocalWorkflow workflow() {
        return builder.endpoint(endpoint).build();
    }

    @Override
    public void close() {
        if (moto != null) {
            moto.close();
        }
    }
}
