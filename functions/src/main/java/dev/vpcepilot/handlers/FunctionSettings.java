package dev.vpcepilot.handlers;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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

    /** The endpoint state machine the custom-resource hook runs (the template's {@code EndpointStateMachine}). */
    public static final String STATE_MACHINE_ARN = "STATE_MACHINE_ARN";

    /** Its log group, which the hook's reasons name (the template's {@code StateMachineLogGroup}). */
    public static final String STATE_MACHINE_LOG_GROUP = "STATE_MACHINE_LOG_GROUP";

    /** How long the hook waits for its execution, in seconds (the template's {@code HookTimeoutSeconds}). */
    public static final String HOOK_TIMEOUT_SECONDS = "HOOK_TIMEOUT_SECONDS";

    /** Where the probe runs: {@code vpc} (the template's DataPathProbeFunction) or {@code local} (./run-local --probe). */
    public static final String PROBE_PLACEMENT = "PROBE_PLACEMENT";

    /** {@value #HOOK_TIMEOUT_SECONDS} when it is not set, as the template's default. */
    static final String DEFAULT_HOOK_TIMEOUT_SECONDS = "600";

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

    public String stateMachineArn() {
        return required(STATE_MACHINE_ARN);
    }

    public Optional<String> stateMachineLogGroup() {
        return Optional.ofNullable(orDefault(STATE_MACHINE_LOG_GROUP, null));
    }

    /** {@value #PROBE_PLACEMENT}: {@code vpc} or {@code local}, nothing else. */
    public String probePlacement() {
        String where = required(PROBE_PLACEMENT);
        if (!where.equals(dev.vpcepilot.contract.ProbeResult.IN_VPC) && !where.equals(dev.vpcepilot.contract.ProbeResult.LOCAL)) {
            throw new IllegalStateException(PROBE_PLACEMENT + " is '" + where + "', neither vpc nor local");
        }
        return where;
    }

    public Duration hookTimeout() {
        return Duration.ofSeconds(Long.parseLong(orDefault(HOOK_TIMEOUT_SECONDS, DEFAULT_HOOK_TIMEOUT_SECONDS)));
    }
}
