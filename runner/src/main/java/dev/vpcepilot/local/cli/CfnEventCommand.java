package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.cfn.LocalCustomResource;
import dev.vpcepilot.local.moto.MotoServer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code --cfn-event FILE}: the custom-resource path (docs/design.md section 5). Runs the hook for the event through
 * the same state machine file, ending with the real HTTP PUT of the answer to the event's ResponseURL; prints
 * that answer ({@code Status}, {@code PhysicalResourceId}, {@code Reason}, {@code Data}, ...). Exit 0 for
 * SUCCESS, 1 for FAILED, and 1 with {@code {"error": "AnswerNotDelivered", ...}} when the answer could not be
 * delivered (or {@code InvalidInput} when the request names no usable ResponseURL). With {@code --lambda-runtime}
 * the hook, like every function, runs under the real Lambda Java runtime.
 */
public final class CfnEventCommand implements CliCommand {

    @Override
    public CommandResult run(CliArguments arguments, CommandContext context) throws UsageException, RefusedInput {
        if (arguments.inputFile() != null || arguments.inputJson() != null) {
            throw new UsageException("--cfn-event takes the input from the event's ResourceProperties; "
                    + "do not combine it with --input or --input-json");
        }
        String source = arguments.cfnEvent().toString();
        String text = CliArguments.readFile(arguments.cfnEvent(), "--cfn-event", context.stdin());
        ObjectNode event = CloudFormationEvents.parse(CliArguments.json(text, source), source);
        Path projectRoot = context.projectRoot();
        try (LocalSession session = LocalSession.open(context, arguments);
             LocalWorkflow workflow = session.workflow();
             LocalCustomResource resource = session.lambda().isPresent()
                     ? LocalCustomResource.underRuntime(projectRoot, workflow, session.lambda().get(),
                             session.endpoint(), session::stepFunctionsEndpoint, context::report)
                     : LocalCustomResource.inProcess(projectRoot, workflow, session.endpoint(),
                             session.hookTimeoutSeconds().map(Duration::ofSeconds), session.timeScale(),
                             context::report)) {
            context.report("CloudFormation " + event.path("RequestType").asText() + " for "
                    + event.path("LogicalResourceId").asText() + " (request " + event.path("RequestId").asText()
                    + ")");
            LocalCustomResource.Answer answer = resource.handle(event);
            if (answer.undelivered() != null) {
                context.report("the hook failed: " + answer.errorName() + ": " + answer.undelivered());
                return CommandResult.error(answer.errorName(), answer.undelivered(), CommandResult.FAILED);
            }
            context.report(answer.readBack()
                    ? "answer PUT to the presigned URL on " + answer.responseUrlHost() + " and read back"
                    : "answer PUT to " + answer.responseUrlHost());
            return new CommandResult(answer.response(),
                    answer.success() ? CommandResult.SUCCEEDED : CommandResult.FAILED);
        } catch (MotoServer.MotoServerException | LocalSession.SetupException e) {
            return CommandResult.error("SetupError", e.getMessage(), CommandResult.USAGE);
        }
    }
}
