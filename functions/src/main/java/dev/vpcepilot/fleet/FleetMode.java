package dev.vpcepilot.fleet;

/** What a fleet run may do. */
public enum FleetMode {
    /** Read only: report what is served and what apply would change; no call changes anything. */
    VERIFY,
    /** Create, repair and claim as a standing use, as a single-VPC run without cleanup would. */
    APPLY;

    /** As the input and the report spell it. */
    public String wireName() {
        return name().toLowerCase();
    }

    public static FleetMode of(String wireName) {
        return valueOf(wireName.toUpperCase());
    }
}
