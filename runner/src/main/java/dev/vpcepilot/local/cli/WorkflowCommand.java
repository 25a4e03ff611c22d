package dev.vpcepilot.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.moto.MotoServer;

/**
 * The default command: one execution of the state machine (the fleet's with {@code --fleet}, its report copied to
 * {@code --report FILE}) with the given input, against {@code --endpoint-url} or a {@code moto_server} started for
 * the run (every Task under the real Lambda runtime with {@code --lambda-runtime}; with {@code --probe}, the probe
 * inside the VPC deployed in the execution's VPC). Progress lines go to stderr; the result is the execution's output
 * (exit 0) or its error and cause (exit 1).
 */
public final class WorkflowCommand implements CliCommand {

    @Override
    public CommandResult run(CliArguments arguments, CommandContext context) throws UsageException, RefusedInput {
        JsonNode input = arguments.readInput(context.stdin());
        try (LocalSession session = LocalSession.open(context, arguments, input);
             LocalWorkflow workflow = session.workflow()) {
            String executionName = java.util.UUID.randomUUID().toString();
            ExecutionResult result = workflow.run(input, executionName);
            if (arguments.report() != null) {
                FleetReportFile.copy(workflow, executionName, arguments.report(), context.progress());
            }
            return new CommandResult(result.document(),
                    result.succeeded() ? CommandResult.SUCCEEDED : CommandResult.FAILED);
        } catch (MotoServer.MotoServerException | LocalSession.SetupException e) {
            return CommandResult.error("SetupError", e.getMessage(), CommandResult.USAGE);
        }
    }
}
