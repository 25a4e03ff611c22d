package dev.vpcepilot.fleet;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.aws.Regions;
import dev.vpcepilot.errors.TargetUnreachable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.Region;

/**
 * The fleet's targets: every selected account times every selected region, sorted. With {@code "enabled"}, each
 * account's enabled regions (EC2 DescribeRegions in that account, one call each), of the fleet's partition; an
 * account that cannot be reached for that is one target with no region and the problem, so the report says so.
 */
public final class FleetPlanner {

    private final AwsClients home;
    private final String homeAccount;
    private final String homeRegion;
    private final TargetAccess access;

    public FleetPlanner(AwsClients home, String homeAccount, TargetAccess access) {
        this.home = home;
        this.homeAccount = homeAccount;
        this.homeRegion = home.region();
        this.access = access;
    }

    public List<Target> targets(FleetRequest request) {
        List<String> accounts = switch (request.accounts()) {
            case AccountSelection.ThisAccount a -> List.of(homeAccount);
            case AccountSelection.Listed l -> l.ids();
            case AccountSelection.Organization o ->
                    new OrganizationAccounts(home.organizations()).under(o.parentIds(), o.excludedAccounts());
        };
        List<Target> targets = new ArrayList<>();
        for (String account : accounts) {
            switch (request.regions()) {
                case RegionSelection.ThisRegion r -> targets.add(new Target(account, homeRegion, null));
                case RegionSelection.Listed l -> l.names().forEach(name -> targets.add(new Target(account, name, null)));
                case RegionSelection.Enabled e -> {
                    try {
                        enabledRegions(account).forEach(name -> targets.add(new Target(account, name, null)));
                    } catch (TargetUnreachable unreachable) {
                        targets.add(new Target(account, null, FleetError.of(unreachable)));
                    }
                }
            }
        }
        return targets;
    }

    private List<String> enabledRegions(String account) {
        String partition = Regions.partitionOf(homeRegion);
        try (AwsClients clients = access.clientsFor(account, homeRegion)) {
            List<Region> regions = AwsCalls.call("EC2 DescribeRegions in " + account,
                    () -> clients.ec2().describeRegions(r -> r.allRegions(false)).regions());
            TreeSet<String> names = new TreeSet<>();
            for (Region region : regions) {
                String name = region.regionName();
                String status = region.optInStatus();
                boolean enabled = status == null || !status.equals("not-opted-in");
                if (enabled && Regions.partitionOf(name).equals(partition)) {
                    names.add(name);
                }
            }
            return List.copyOf(names);
        }
    }
}
