package dev.vpcepilot.local.asl;

/** The text is not a well-formed intrinsic function call. */
public final class IntrinsicSyntaxException extends IllegalArgumentException {

    public IntrinsicSyntaxException(String text, int position, String problem) {
        super(problem + " at position " + position + " of " + text);
    }
}
