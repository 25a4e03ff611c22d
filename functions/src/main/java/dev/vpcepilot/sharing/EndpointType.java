package dev.vpcepilot.sharing;

import java.util.Arrays;
import java.util.Optional;

/**
 * The two kinds of endpoint EC2 offers DynamoDB as: {@code Gateway} (route tables, free, from inside the VPC only)
 * and {@code Interface} (AWS PrivateLink: network interfaces in subnets, reachable from on-premises and peered
 * networks, billed per zone-hour and per GB). A gateway scope and an interface scope of one VPC and service are
 * independent ({@link Scope}): neither run touches the other's endpoints.
 */
public enum EndpointType {
    GATEWAY("Gateway"),
    INTERFACE("Interface");

    private final String awsName;

    EndpointType(String awsName) {
        this.awsName = awsName;
    }

    /** The type as EC2 and the execution input spell it. */
    public String awsName() {
        return awsName;
    }

    /** The type EC2 or the input names exactly ({@code Gateway}, {@code Interface}), or empty. */
    public static Optional<EndpointType> ofAwsName(String name) {
        return Arrays.stream(values()).filter(t -> t.awsName.equals(name)).findFirst();
    }
}
