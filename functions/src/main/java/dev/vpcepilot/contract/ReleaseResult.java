package dev.vpcepilot.contract;

import java.util.List;
import java.util.Map;

/**
 * What a release ({@code "release": true}) did. Travels as {@code $.release}.
 *
 * @param releasedRouteTableIds the route tables the standing use no longer claims
 * @param deleted               endpoints deleted because nobody claims their route tables any more
 * @param removedRouteTables    endpoint -> route tables that left it
 * @param keptFor               endpoint -> the claimants that keep it
 * @param detail                a sentence for a person
 */
public record ReleaseResult(List<String> releasedRouteTableIds, List<String> deleted,
                            Map<String, List<String>> removedRouteTables, Map<String, List<String>> keptFor,
                            String detail) {
}
