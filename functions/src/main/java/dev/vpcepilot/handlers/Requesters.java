package dev.vpcepilot.handlers;

import dev.vpcepilot.contract.InputValidator;
import dev.vpcepilot.sharing.Claimant;

/**
 * Who a run claims for (docs/design.md rule 3): its custom resource, itself when it cleans up, else the standing use.
 */
final class Requesters {

    private Requesters() {
    }

    static Claimant of(boolean cleanup, InputValidator.CustomResource customResource, String executionArn) {
        if (customResource != null) {
            return Claimant.stack(customResource.stackId(), customResource.logicalResourceId());
        }
        return cleanup ? Claimant.run(executionArn) : Claimant.STANDING;
    }
}
