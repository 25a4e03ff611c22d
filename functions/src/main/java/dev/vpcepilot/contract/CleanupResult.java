package dev.vpcepilot.contract;

import java.util.List;
import java.util.Map;

/**
 * What Cleanup did. Travels as {@code $.cleanup}.
 *
 * @param cleanedUp     true when the run leaves no trace: what it created is deleted (or it created nothing and its
 *                      claim is released)
 * @param vpcEndpointId the endpoint the run reported, or null
 * @param detail        a sentence for a person: what happened and why
 * @param deleted       the endpoints deleted
 * @param keptFor       endpoint -> the claimants that keep it (an endpoint this run created that someone claimed
 *                      meanwhile stays)
 * @param claims        the claims that need the run's route tables once its own claim is released (the run's is
 *                      never among them): the output's {@code claims} of a run with cleanup
 */
public record CleanupResult(boolean cleanedUp, String vpcEndpointId, String detail, List<String> deleted,
                            Map<String, List<String>> keptFor, List<String> claims) {
}
