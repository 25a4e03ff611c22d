package dev.vpcepilot.local;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;

/**
 * The regions that exist: those of the AWS SDK's partition metadata (the SDK's {@code Region.regions()}, global
 * pseudo-regions such as {@code aws-global} left out). A run in any other region would reach the emulator with a
 * name no AWS service answers to (moto then fails with HTTP 500, which looks transient), so it is refused up front,
 * naming the regions of the partition the name falls into.
 */
final class KnownRegions {

    private KnownRegions() {
    }

    /** Why {@code name} is not a region, or empty when it is one. */
    static Optional<String> refusal(String name) {
        Region region = Region.of(name);
        if (!region.isGlobalRegion() && RegionMetadata.of(region) != null) {
            return Optional.empty();
        }
        PartitionMetadata partition = PartitionMetadata.of(region);
        List<String> regions = Region.regions().stream().filter(r -> !r.isGlobalRegion())
                .filter(r -> RegionMetadata.of(r) != null && RegionMetadata.of(r).partition().id()
                        .equals(partition.id()))
                .map(Region::id).sorted().toList();
        return Optional.of("'" + name + "' is not a region: the " + partition.id() + " partition has "
                + String.join(", ", regions));
    }
}
