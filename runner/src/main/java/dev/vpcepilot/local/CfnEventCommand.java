package dev.vpcepilot.local;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import dev.vpcepilot.local.cfn.CloudFormationEvents;
import dev.vpcepilot.local.cfn.LocalCustomResource;
import dev.vpcepilot.local.moto.MotoServer;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --cfn-event FILE}: the custom-resource path (design.md section 5). Runs the hook for the event through
 * the same state machine file, ending with the real HTTP PUT of the answer to the event's ResponseURL; prints
 * that answer ({@code Status}, {@code PhysicalResourceId}, {@code Reason}, {@code Data}, ...). Exit 0 for
 * SUCCESS, 1 for FAILED.
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
    public CommandResult run(CliArguments arguments) throws UsageException {
        if (arguments.inputFile() != null || arguments.inputJson() != null) {
            throw new UsageException("--cfn-event takes the input from the event's ResourceProperties; "
                    + "do not combine it with --input or --input-json");
        }
        String source = arguments.cfnEvent().toString();
        CloudFormationCustomResourceEvent event = CloudFormationEvents.parse(
                CliArguments.json(CliArguments.readFile(arguments.cfnEvent(), "--cfn-event", stdin), source), source);
        try (LocalSession session = LocalSession.open(projectRoot, arguments, environment, progress);
             LocalWorkflow workflow = session.workflow();
             LocalCustomResource resource = new LocalCustomResource(projectRoot, workflow, session.endpoint(),
                     line -> progress.println(RunLocal.PREFIX + line))) {
            progress.println(RunLocal.PREFIX + "CloudFormation " + event.getRequestType() + " for "
                    + event.getLogicalResourceId() + " (request " + event.getRequestId() + ")");
            LocalCustomResource.Answer answer = resource.handle(event);
            progress.println(RunLocal.PREFIX + (answer.readBack()
                    ? "answer PUT to the presigned URL on " + answer.responseUrlHost() + " and read back"
                    : "answer PUT to " + answer.responseUrlHost()));
            return new CommandResult(answer.response(),
                    answer.success() ? CommandResult.SUCCEEDED : CommandResult.FAILED);
        } catch (MotoServer.MotoServerException e) {
            return CommandResult.error("SetupError", e.getMessage(), CommandResult.USAGE);
        }
    }
}
