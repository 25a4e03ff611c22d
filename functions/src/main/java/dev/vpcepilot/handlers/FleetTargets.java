package dev.vpcepilot.handlers;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.fleet.ExecutionArn;
import dev.vpcepilot.fleet.TargetAccess;
import dev.vpcepilot.fleet.TargetRequest;
import dev.vpcepilot.fleet.TargetWrites;
import dev.vpcepilot.logging.FunctionLog;
import java.time.Clock;

/** How a fleet child step reaches its target: home is where its execution runs. */
final class FleetTargets {

    private FleetTargets() {
    }

    static TargetAccess access(AwsClients clients, TargetRequest request, String executionId) {
        ExecutionArn execution = ExecutionArn.parse(executionId);
        return new TargetAccess(clients, execution.account(), execution.partition(), request.roleName(),
                request.externalId(), execution.name());
    }

    /** What the apply and the commit write with: the target's clients, the lock table, Lambda's retries. */
    static TargetWrites writes(AwsClients clients, TargetRequest request, String executionId, String lockTable,
                               FunctionLog log) {
        return new TargetWrites(access(clients, request, executionId), clients.dynamoDb(), lockTable, Retrying.LAMBDA,
                Clock.systemUTC(), log);
    }
}
