package dev.vpcepilot.local.template;

/** The SAM template cannot be read, or it does not say what the local runner needs to run the state machine. */
public final class TemplateException extends RuntimeException {

    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
