package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.cfn.LocalCustomResource;
import dev.vpcepilot.local.moto.MotoServer;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code --cfn-event FILE}: the custom-resource path (design.md section 5). Runs the hook for the event through
 * the same state machine file, ending with the real HTTP PUT of the answer to the event's ResponseURL; prints
 * that answer ({@code Status}, {@code PhysicalResourceId}, {@code Reason}, {@code Data}, ...). Exit 0 for
 * SUCCESS, 1 for FAILED, and 1 with {@code {"error": "AnswerNotDelivered", ...}} when the answer could not be
 * delivered (or {@code InvalidInput} when the request names no usable ResponseURL). With {@code --lambda-runtime}
 * the hook, like every function, runs under the real Lambda Java runtime.
 */
public final class CfnEventCommand implements CliCommand {

    private final Path projectRoot;
    private final Map<String, String> environment;
    private final InputStream stdin;
    private final PrintStream progress;

    public CfnEventCommand(Path projectRoot, Map<String, String> environment, InputStream stdin,
                           PrintStream progress) {
        this.projectRoot = projectRoot;
        this.environment = environment;
        this.stdin = stdin;
        this.progress = progress;
    }

    @Override
    public CommandResult run(CliArguments arguments) throws UsageException, RefusedInput {
        if (arguments.inputFile() != null || arguments.inputJson() != null) {
            throw new UsageException("--cfn-event takes the input from the event's ResourceProperties; "
                    + "do not combine it with --input or --input-json");
        }
        String source = arguments.cfnEvent().toString();
        ObjectNode event = CloudFormationEvents.parse(
                CliArguments.json(CliArguments.readFile(arguments.cfnEvent(), "--cfn-event", stdin), source), source);
        try (LocalSession session = LocalSession.open(projectRoot, arguments, environment, progress);
             LocalWorkflow workflow = session.workflow();
             LocalCustomResource resource = session.lambda().isPresent()
                     ? LocalCustomResource.underRuntime(projectRoot, workflow, session.lambda().get(),
                             session.endpoint(), session::stepFunctionsEndpoint, this::progress)
                     : LocalCustomResource.inProcess(projectRoot, workflow, session.endpoint(),
                             session.hookTimeoutSeconds().map(Duration::ofSeconds), session.timeScale(),
                             this::progress)) {
            progress(("CloudFormation " + event.path("RequestType").asText() + " for "
                    + event.path("LogicalResourceId").asText() + " (request " + event.path("RequestId").asText()
                    + ")"));
            LocalCustomResource.Answer answer = resource.handle(event);
            if (answer.undelivered() != null) {
                progress("the hook failed: " + answer.errorName() + ": " + answer.undelivered());
                return CommandResult.error(answer.errorName(), answer.undelivered(), CommandResult.FAILED);
            }
            progress(answer.readBack()
                    ? "answer PUT to the presigned URL on " + answer.responseUrlHost() + " and read back"
                    : "answer PUT to " + answer.responseUrlHost());
            return new CommandResult(answer.response(),
                    answer.success() ? CommandResult.SUCCEEDED : CommandResult.FAILED);
        } catch (MotoServer.MotoServerException | LocalSession.SetupException e) {
            return CommandResult.error("SetupError", e.getMessage(), CommandResult.USAGE);
        }
    }

    private void progress(String line) {
        progress.println(RunLocal.PREFIX + line);
    }
}
