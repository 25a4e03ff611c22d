package dev.vpcepilot.local.asl;

import java.util.List;

/** The definition uses something the local runner does not implement, or is not valid; nothing was run. */
public final class UnsupportedDefinitionException extends RuntimeException {

    private final List<String> problems;

    public UnsupportedDefinitionException(List<String> problems) {
        super("The state machine cannot run locally:\n - " + String.join("\n - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
