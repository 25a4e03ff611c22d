package dev.vpcepilot.fleet;

import java.util.List;

/** Which regions of each account: this region (the default), listed names, or each account's enabled regions. */
public sealed interface RegionSelection {

    record ThisRegion() implements RegionSelection {
    }

    /** @param names sorted, distinct regions of the fleet's partition */
    record Listed(List<String> names) implements RegionSelection {
    }

    /** The regions the account has enabled (EC2 DescribeRegions), of the fleet's own partition. */
    record Enabled() implements RegionSelection {
    }
}
