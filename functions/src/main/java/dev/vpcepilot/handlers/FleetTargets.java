package dev.vpcepilot.handlers;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.fleet.ExecutionArn;
import dev.vpcepilot.fleet.TargetAccess;
import dev.vpcepilot.fleet.TargetRequest;

/** How a fleet child step reaches its target: home is where its execution runs. */
final class FleetTargets {

    private FleetTargets() {
    }

    static TargetAccess access(AwsClients clients, TargetRequest request, String executionId) {
        ExecutionArn execution = ExecutionArn.parse(executionId);
        return new TargetAccess(clients, execution.account(), execution.partition(), request.roleName(),
                request.externalId(), execution.name());
    }
}
