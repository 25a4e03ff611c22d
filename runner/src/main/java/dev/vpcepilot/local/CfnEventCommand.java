package dev.vpcepilot.local;

/**
 * {@code --cfn-event FILE}: the custom-resource path (design.md section 5). The hook's local wiring is not part
 * of the runner yet, so this command answers {@code NotAvailable} with exit code 2. It is the one place to
 * implement it: read the event, run the hook with this runner's {@link LocalWorkflow}, PUT the answer to the
 * event's ResponseURL, and return the answer as the document.
 */
public final class CfnEventCommand implements CliCommand {

    @Override
    public CommandResult run(CliArguments arguments) {
        return CommandResult.error("NotAvailable", "--cfn-event is not available yet", CommandResult.USAGE);
    }
}
