package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vpcepilot.local.asl.JsonText;
import dev.vpcepilot.aws.ClientPrimer;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code ./run-local}: runs the project's state machine locally ({@link WorkflowCommand}) or the custom-resource
 * path ({@link CfnEventCommand}). stdout carries exactly one JSON document: the execution's output, or
 * {@code {"error": NAME, "cause": TEXT}}; everything else (progress, handler logs, build output) goes to stderr.
 * Exit codes: 0 success, 1 the execution failed, 2 a usage or setup error.
 */
public final class RunLocal {

    private static final Duration WARM_UP_WAIT = Duration.ofSeconds(10);

    /** Prefix of every progress line on stderr. */
    public static final String PREFIX = "[vpce-pilot] ";
    /** System property naming the project root (set by the script); default: the current directory. */
    public static final String PROJECT_ROOT_PROPERTY = "vpcepilot.projectRoot";

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Map<String, String> environment;
    private final Path projectRoot;

    public RunLocal(PrintStream out, PrintStream err, InputStream in, Map<String, String> environment,
                    Path projectRoot) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.environment = environment;
        this.projectRoot = projectRoot;
    }

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        // Only the result may reach stdout: whatever else prints (a handler, a library) goes to stderr.
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
        String root = System.getProperty(PROJECT_ROOT_PROPERTY, "");
        Thread warmUp = warmUpAwsClientsInTheBackground();
        int exitCode = new RunLocal(stdout, System.err, System.in, System.getenv(),
                Path.of(root.isBlank() ? "." : root)).run(args);
        stdout.flush();
        awaitWarmUp(warmUp);
        System.exit(exitCode);
    }

    /**
     * Loads the SDK's request paths on the second core while the main thread reads the template and the
     * definition: the same priming SnapStart does before its snapshot ({@link ClientPrimer}, which never
     * reaches any endpoint). A run's first AWS calls then find those classes loaded.
     */
    private static Thread warmUpAwsClientsInTheBackground() {
        return Thread.ofPlatform().daemon().name("aws-client-warm-up").start(
                () -> ClientPrimer.quietly(message -> { }, () -> ClientPrimer.prime("us-east-1")));
    }

    /**
     * The JVM exits only once the warm-up has finished. The first run after a build writes the class-data archive
     * at exit ({@code -XX:ArchiveClassesAtExit} in ./run-local); a run that ended early (a usage error) while the
     * warm-up was still defining classes crashed there (SIGSEGV, exit 134, on JDK 25.0.3) in 5 of 6 tries. The
     * wait is bounded: a warm-up that hangs never holds a finished run.
     */
    private static void awaitWarmUp(Thread warmUp) {
        try {
            warmUp.join(WARM_UP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the command the arguments ask for; prints its document on {@code out}; returns the exit code. */
    public int run(String... args) {
        CommandResult result;
        try {
            CliArguments arguments = CliArguments.parse(args, environment);
            if (arguments.help()) {
                err.println("usage: " + CliArguments.USAGE);
                result = new CommandResult(JsonNodeFactory.instance.objectNode().put("usage", CliArguments.USAGE),
                        CommandResult.SUCCEEDED);
            } else {
                CliCommand command = arguments.cfnEvent() != null ? new CfnEventCommand() : new WorkflowCommand();
                result = command.run(arguments, new CommandContext(projectRoot, environment, in, err));
            }
        } catch (UsageException e) {
            err.println(PREFIX + e.getMessage());
            err.println("usage: " + CliArguments.USAGE);
            result = CommandResult.error("UsageError", e.getMessage(), CommandResult.USAGE);
        } catch (RefusedInput e) {
            err.println(PREFIX + "InvalidInput: " + e.getMessage());
            result = CommandResult.error("InvalidInput", e.getMessage(), CommandResult.FAILED);
        } catch (RuntimeException e) {
            err.println(PREFIX + "internal error of the local runner:");
            e.printStackTrace(err);
            result = CommandResult.error("InternalError", e.getClass().getName() + ": " + e.getMessage(),
                    CommandResult.USAGE);
        }
        out.println(JsonText.pretty(result.document()));
        out.flush();
        return result.exitCode();
    }
}
