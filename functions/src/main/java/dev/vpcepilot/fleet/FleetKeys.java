package dev.vpcepilot.fleet;

/** Where a fleet execution's objects are in the report bucket: all under {@code fleet/<execution name>/}. */
public final class FleetKeys {

    private FleetKeys() {
    }

    public static String prefix(String executionName) {
        return "fleet/" + executionName + "/";
    }

    /** The targets the Distributed Map reads. */
    public static String targets(String executionName) {
        return prefix(executionName) + "targets.json";
    }

    /** The Map's ResultWriter prefix. */
    public static String results(String executionName) {
        return prefix(executionName) + "results";
    }

    /** The report (JSON Lines). */
    public static String report(String executionName) {
        return prefix(executionName) + "report.jsonl";
    }
}
