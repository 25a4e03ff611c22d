package dev.vpcepilot.model;

/**
 * What Cleanup did. Travels as {@code $.cleanup}.
 *
 * @param cleanedUp     true when the endpoint is gone now (deleted, or it was already gone)
 * @param vpcEndpointId the endpoint
 * @param detail        a sentence for a person: what happened and why
 */
public record CleanupResult(boolean cleanedUp, String vpcEndpointId, String detail) {
}
