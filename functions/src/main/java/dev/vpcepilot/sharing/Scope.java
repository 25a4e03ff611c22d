package dev.vpcepilot.sharing;

import dev.vpcepilot.errors.InvalidInput;
import java.util.Objects;

/**
 * What one lock and one claims record cover: an endpoint service in one VPC of one account and region. Two
 * writers of the same scope (executions, stacks, schedules, fleet runs, Lambda containers) never decide at the
 * same time; writers of different scopes never wait for each other.
 *
 * @param account     the 12-digit account that owns the VPC
 * @param region      the VPC's region
 * @param vpcId       the VPC
 * @param serviceName the endpoint service ({@code com.amazonaws.<region>.dynamodb})
 * @param type        the kind of endpoint: a gateway scope and an interface scope of one VPC and service have a lock
 *                    and claims each, so neither kind's runs wait for or touch the other's (rule 4 of docs/design.md)
 */
public record Scope(String account, String region, String vpcId, String serviceName, EndpointType type) {

    /** The suffix of an interface scope's key; a gateway scope's key has none (it is what it always was). */
    public static final String INTERFACE_KEY_SUFFIX = "#Interface";

    public Scope {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(vpcId, "vpcId");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(type, "type");
    }

    /** A gateway scope. */
    public Scope(String account, String region, String vpcId, String serviceName) {
        this(account, region, vpcId, serviceName, EndpointType.GATEWAY);
    }

    /** The same VPC and service, for endpoints of {@code endpointType}. */
    public Scope withType(EndpointType endpointType) {
        return new Scope(account, region, vpcId, serviceName, endpointType);
    }

    public boolean isInterface() {
        return type == EndpointType.INTERFACE;
    }

    /**
     * The scope of a VPC in the account and region of an ARN (an execution's {@code $$.Execution.Id}, a
     * function's ARN): {@code arn:<partition>:<service>:<region>:<account>:...}.
     */
    public static Scope of(String arn, String vpcId, String serviceName) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        if (parts.length < 6 || !"arn".equals(parts[0]) || parts[3].isEmpty() || !parts[4].matches("\\d{12}")) {
            throw new InvalidInput("'" + arn + "' is not an ARN with a region and an account (arn:<partition>:"
                    + "<service>:<region>:<account>:...).");
        }
        return new Scope(parts[4], parts[3], vpcId, serviceName);
    }

    /**
     * The scope's key in the lock table: {@code account/region/vpc/service} for gateway endpoints (as it always
     * was), with {@link #INTERFACE_KEY_SUFFIX} for interface endpoints.
     */
    public String key() {
        return account + "/" + region + "/" + vpcId + "/" + serviceName + (isInterface() ? INTERFACE_KEY_SUFFIX : "");
    }

    @Override
    public String toString() {
        return key();
    }
}
