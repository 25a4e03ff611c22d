package dev.vpcepilot.local.cli;

/** One thing {@code ./run-local} can do; {@link RunLocal} picks it from the arguments and prints its result. */
public interface CliCommand {

    /**
     * @throws UsageException when the arguments, or what they name, cannot be used (exit code 2)
     * @throws RefusedInput  when the input is refused before anything runs (InvalidInput, exit code 1)
     */
    CommandResult run(CliArguments arguments, CommandContext context) throws UsageException, RefusedInput;
}
