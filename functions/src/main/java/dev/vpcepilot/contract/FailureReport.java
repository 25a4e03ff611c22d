package dev.vpcepilot.contract;

import java.util.List;

/**
 * What the failure step hands to the final Fail state: the stable short error name, a cause without stack
 * traces, and the endpoints it rolled back.
 */
public record FailureReport(String error, String cause, List<String> rolledBack) {
}
