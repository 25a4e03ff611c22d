package dev.vpcepilot.handlers;

import java.util.Map;

/**
 * What a function reads from its environment besides the AWS clients: in Lambda, the variables the template sets;
 * in the local runner, the same variables resolved from the template.
 *
 * @param environment the function's environment variables
 */
public record FunctionSettings(Map<String, String> environment) {

    /** The DynamoDB table with the scope locks and the claims (the template's {@code LockTable}). */
    public static final String LOCK_TABLE = "LOCK_TABLE_NAME";

    /** The S3 bucket of the fleet's targets, Map results and reports (the template's {@code FleetReportBucket}). */
    public static final String FLEET_BUCKET = "FLEET_REPORT_BUCKET";

    /** The one target role name the fleet's role may assume (the template's {@code FleetTargetRoleName}). */
    public static final String FLEET_TARGET_ROLE = "FLEET_TARGET_ROLE_NAME";

    public FunctionSettings {
        environment = Map.copyOf(environment);
    }

    public static FunctionSettings fromEnvironment() {
        return new FunctionSettings(System.getenv());
    }

    public String required(String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set in the function's environment");
        }
        return value;
    }

    public String orDefault(String name, String fallback) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public String lockTable() {
        return required(LOCK_TABLE);
    }

    public String fleetBucket() {
        return required(FLEET_BUCKET);
    }

    public String fleetTargetRole() {
        return orDefault(FLEET_TARGET_ROLE, dev.vpcepilot.fleet.FleetRequest.DEFAULT_ROLE_NAME);
    }
}
