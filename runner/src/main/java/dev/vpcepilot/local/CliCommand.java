package dev.vpcepilot.local;

/** One thing {@code ./run-local} can do; {@link RunLocal} picks it from the arguments and prints its result. */
public interface CliCommand {

    /**
     * @throws UsageException when the arguments, or what they name, cannot be used (exit code 2)
     */
    CommandResult run(CliArguments arguments) throws UsageException;
}
