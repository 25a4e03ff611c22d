package dev.vpcepilot.fleet;

import dev.vpcepilot.errors.WorkflowError;

/** A failure as the report gives it: the stable error name and what happened. */
public record FleetError(String name, String cause) {

    public static FleetError of(WorkflowError error) {
        return new FleetError(error.errorName(), error.getMessage());
    }
}
