package dev.vpcepilot.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * A Distributed Map's tolerated failure threshold, as "Setting failure thresholds for Distributed Map states"
 * (Step Functions Developer Guide) and the States Language's "Map State Failure Tolerance" define it: the Map Run
 * fails when the failed items <em>exceed</em> {@code ToleratedFailureCount}, or when the failed items divided by
 * all the items of the Map Run <em>exceed</em> {@code ToleratedFailurePercentage} (failing exactly at the threshold
 * is tolerated); with both, exceeding either fails it; with neither, one failed item does (both default to 0).
 * The percentage is compared exactly ({@code failed * 100 > percentage * total}): AWS documents no rounding, and
 * it accepts fractional percentages (0.5).
 *
 * @param count      the tolerated failed items, or null when not given
 * @param percentage the tolerated percentage of failed items (0 to 100), or null when not given
 */
record FailureTolerance(Long count, BigDecimal percentage) {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /**
     * The threshold of {@code state}, reading its {@code ...Path} fields from the effective input. A value that is
     * not a number, or out of range, is {@code States.Runtime} with the cause Step Functions gives.
     */
    static FailureTolerance of(String stateName, JsonNode state, JsonNode effectiveInput) {
        String where = "An error occurred while executing the state '" + stateName + "'. ";
        Long count = null;
        if (state.has("ToleratedFailureCount")) {
            count = state.get("ToleratedFailureCount").asLong();
        } else if (state.has("ToleratedFailureCountPath")) {
            String path = state.get("ToleratedFailureCountPath").asText();
            JsonNode value = JsonPaths.read(path, effectiveInput, null, "ToleratedFailureCountPath");
            if (!MapState.isInteger(value)) {
                throw StatesError.runtime(where + "The ToleratedFailureCountPath field refers to value \""
                        + MapState.text(value) + "\" which is not a valid integer: " + path);
            }
            count = value.asLong();
            if (count < 0) {
                throw StatesError.runtime(where + "ToleratedFailureCount cannot be negative.");
            }
        }
        BigDecimal percentage = null;
        if (state.has("ToleratedFailurePercentage")) {
            percentage = state.get("ToleratedFailurePercentage").decimalValue();
        } else if (state.has("ToleratedFailurePercentagePath")) {
            String path = state.get("ToleratedFailurePercentagePath").asText();
            JsonNode value = JsonPaths.read(path, effectiveInput, null, "ToleratedFailurePercentagePath");
            if (!value.isNumber()) {
                throw StatesError.runtime(where + "The ToleratedFailurePercentagePath field refers to value \""
                        + MapState.text(value) + "\" which is not a valid float: " + path);
            }
            percentage = value.decimalValue();
            if (percentage.signum() < 0 || percentage.compareTo(HUNDRED) > 0) {
                throw StatesError.runtime(where + "ToleratedFailurePercentage must be between 0 and 100.");
            }
        }
        return new FailureTolerance(count, percentage);
    }

    /** Whether {@code failed} of {@code total} items exceed the threshold. */
    boolean exceeded(long failed, long total) {
        if (count == null && percentage == null) {
            return failed > 0;
        }
        boolean byCount = count != null && failed > count;
        boolean byPercentage = percentage != null && BigDecimal.valueOf(failed).multiply(HUNDRED)
                .compareTo(percentage.multiply(BigDecimal.valueOf(total))) > 0;
        return byCount || byPercentage;
    }
}
