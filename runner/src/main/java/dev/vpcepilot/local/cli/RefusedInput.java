package dev.vpcepilot.local.cli;

/**
 * An input that {@code ./run-local} refuses before anything runs (nothing is created): the CLI answers
 * {@code InvalidInput} with exit code 1, as an execution that fails on its input does.
 */
public final class RefusedInput extends Exception {

    public RefusedInput(String message) {
        super(message);
    }
}
