package dev.vpcepilot.hook;

import dev.vpcepilot.sharing.EndpointType;
import dev.vpcepilot.sharing.InterfaceEndpoints;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * What the hook needs of the endpoints: the shared coordinator (SharedEndpoints) of one endpoint type's scopes for a
 * lock owner. A gateway scope's coordinator writes route tables; an interface scope's writes subnets and deletes the
 * security groups vpce-pilot made along with the endpoints it deletes (rule 4 of docs/design.md: the two scopes are
 * independent, so a resource's Delete or undo acts with the coordinator of its own scope's type).
 */
public interface Coordinators {

    Coordinator forOwner(String owner, EndpointType type);

    /** The coordinator for a CloudFormation request in {@code scope}: its lock owner is named after the request. */
    default Coordinator forRequest(CustomResourceRequest request, Scope scope) {
        return forOwner("cfn-" + request.requestId(), scope.type());
    }

    /** The coordinators of the lock table's scopes, as in Lambda. */
    static Coordinators forTable(Ec2Client ec2, DynamoDbClient dynamoDb, String lockTable, Consumer<String> log) {
        return (owner, type) -> type == EndpointType.INTERFACE
                ? Coordinator.of(InterfaceEndpoints.forTable(ec2, dynamoDb, lockTable, owner, log))
                : Coordinator.of(SharedEndpoints.forTable(ec2, dynamoDb, lockTable, owner, log));
    }

    /**
     * A scope's coordinator.
     *
     * @param endpoints  the coordinator
     * @param leftBehind the security groups its deletions could not delete yet, a sentence each (an interface
     *                   scope's: the group stays, tagged, and is reported, never failing the Delete)
     */
    record Coordinator(SharedEndpoints endpoints, Supplier<List<String>> leftBehind) {

        public static Coordinator of(SharedEndpoints gateway) {
            return new Coordinator(gateway, List::of);
        }

        public static Coordinator of(InterfaceEndpoints interfaces) {
            return new Coordinator(interfaces.endpoints(), interfaces.writes()::leftBehind);
        }
    }
}
