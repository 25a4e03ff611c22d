package dev.vpcepilot.handlers;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.InterfaceEndpoints;
import dev.vpcepilot.sharing.InterfaceWrites;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.List;
import java.util.function.Consumer;

/**
 * The scope a releasing step (cleanup, release, rollback) works on, and its coordinator: the gateway scope's, or for
 * {@code "endpointType": "Interface"} the interface scope's, whose deletions also take the run's own security groups
 * and report those still in use ({@link #leftBehind}). Rule 4 of docs/design.md: the two scopes are independent.
 *
 * @param interfaceWrites the interface scope's writes, or null for a gateway scope
 */
record ScopeCoordinator(Scope scope, SharedEndpoints endpoints, InterfaceWrites interfaceWrites) {

    static ScopeCoordinator of(AwsClients clients, String lockTable, String executionArn, String vpcId,
                               String serviceName, String endpointType, Consumer<String> log) {
        Scope scope = Scope.of(executionArn, vpcId, serviceName);
        if (EndpointType.INTERFACE.awsName().equals(endpointType)) {
            InterfaceEndpoints interfaces = InterfaceEndpoints.forTable(clients.ec2(), clients.dynamoDb(), lockTable,
                    executionArn, log);
            return new ScopeCoordinator(scope.withType(EndpointType.INTERFACE), interfaces.endpoints(),
                    interfaces.writes());
        }
        return new ScopeCoordinator(scope, SharedEndpoints.forTable(clients.ec2(), clients.dynamoDb(), lockTable,
                executionArn, log), null);
    }

    boolean isInterface() {
        return interfaceWrites != null;
    }

    /** One sentence per security group of the run's that EC2 still found in use after the bounded wait. */
    List<String> leftBehind() {
        return interfaceWrites == null ? List.of() : interfaceWrites.leftBehind();
    }
}
