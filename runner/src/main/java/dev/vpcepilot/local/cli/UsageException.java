package dev.vpcepilot.local.cli;

/** The command line, or a file or text it names, is not usable; the CLI answers exit code 2. */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
