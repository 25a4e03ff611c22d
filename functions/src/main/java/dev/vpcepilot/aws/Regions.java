package dev.vpcepilot.aws;

import dev.vpcepilot.errors.InvalidInput;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;

/**
 * Which region names exist, from the SDK's own partition metadata: a region the SDK knows, or one that matches the
 * region pattern of a partition (a region newer than this SDK). Anything else is an input error that lists the
 * regions of the partition, before any call would reach an endpoint that does not exist.
 */
public final class Regions {

    private Regions() {
    }

    /** @throws InvalidInput if the region exists in no partition */
    public static String require(String region, String what) {
        if (region != null && !Region.of(region).isGlobalRegion()) {
            if (RegionMetadata.of(Region.of(region)) != null) {
                return region;
            }
            PartitionMetadata partition = PartitionMetadata.of(Region.of(region));
            if (partition != null && Pattern.matches(partition.regionRegex(), region)) {
                return region;
            }
        }
        PartitionMetadata partition = PartitionMetadata.of(Region.US_EAST_1);
        throw new InvalidInput(what + " '" + region + "' is not a region of any AWS partition. Regions of the "
                + partition.id() + " partition: " + String.join(", ", regionsOf(partition.id())) + ".");
    }

    /** The regions the SDK knows in a partition ({@code aws}, {@code aws-cn}, ...), sorted. */
    public static List<String> regionsOf(String partitionId) {
        return Region.regions().stream()
                .filter(r -> !r.isGlobalRegion())
                .map(r -> RegionMetadata.of(r))
                .filter(m -> m != null && m.partition().id().equals(partitionId))
                .map(RegionMetadata::id)
                .sorted()
                .toList();
    }

    /** The partition of a region ({@code aws}, {@code aws-cn}, {@code aws-us-gov}, ...). */
    public static String partitionOf(String region) {
        return PartitionMetadata.of(Region.of(region)).id();
    }
}
