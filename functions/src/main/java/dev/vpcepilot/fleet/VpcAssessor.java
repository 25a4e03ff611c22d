package dev.vpcepilot.fleet;

import dev.vpcepilot.datapath.DataPathEvaluator;
import dev.vpcepilot.datapath.DataPathReader;
import dev.vpcepilot.datapath.SubnetVerdict;
import dev.vpcepilot.errors.WorkflowError;
import dev.vpcepilot.sharing.Claimant;
import dev.vpcepilot.sharing.ClaimsDocument;
import dev.vpcepilot.sharing.ObservedEndpoint;
import dev.vpcepilot.sharing.Ownership;
import dev.vpcepilot.sharing.PolicyWish;
import dev.vpcepilot.sharing.Scope;
import dev.vpcepilot.sharing.SharingRules;
import dev.vpcepilot.sharing.VpcObservation;
import dev.vpcepilot.sharing.VpcObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * One VPC of a fleet target, judged without a write: the same reuse-or-create plan a single-VPC run without
 * cleanup would make ({@link SharingRules#planEnsure}, as the standing use), on what the batched reads showed, and
 * a data-path verdict per subnet ({@link DataPathEvaluator}). Its report line says what is served and what apply
 * does (or would do); its work is what apply does. A VPC served as asked whose subnets cannot all use the endpoint
 * is {@code blocked}: what blocks it (a route, a network ACL) is not the product's to change, so apply has no work
 * for it. Only gateway endpoints are judged: an interface endpoint of the service (AWS PrivateLink) serves no route
 * table, so a VPC that has one is judged on its gateway coverage as any other; the line lists it with its type, and
 * apply never changes, claims or creates one (an interface endpoint is billed by the hour).
 */
public final class VpcAssessor {

    /** @param work null when apply has nothing to do for the VPC */
    public record Assessment(ReportLine line, VpcWork work) {
    }

    private final String account;
    private final String region;
    private final String serviceName;
    private final String executionArn;
    private final TargetRequest request;

    public VpcAssessor(String account, String region, String serviceName, String executionArn,
                       TargetRequest request) {
        this.account = account;
        this.region = region;
        this.serviceName = serviceName;
        this.executionArn = executionArn;
        this.request = request;
    }

    public Scope scope(String vpcId) {
        return new Scope(account, region, vpcId, serviceName);
    }

    public Assessment assess(RegionView.SelectedVpc vpc, RegionView view, ClaimsDocument claims, Instant now) {
        if (vpc.excluded()) {
            return new Assessment(new ReportLine(account, region, vpc.vpcId(), ReportLine.Status.SKIPPED.wireName(),
                    List.of(), ReportLine.RouteTables.NONE, ReportLine.Subnets.NONE, List.of(), null), null);
        }
        VpcObservation world = VpcObserver.observation(view.gatewayEndpointsOf(vpc.vpcId()),
                view.routeTablesOf(vpc.vpcId()));
        List<String> requested = view.routeTablesOf(vpc.vpcId()).stream().map(RouteTable::routeTableId).sorted()
                .toList();
        List<ReportLine.EndpointLine> endpoints = endpointLines(world, view.interfaceEndpointsOf(vpc.vpcId()));
        SharingRules.Coverage coverage = SharingRules.coverage(world, requested);
        ReportLine.RouteTables tables = routeTables(requested, coverage);
        List<SubnetVerdict> verdicts = verdicts(vpc.vpcId(), world, view, coverage);
        ReportLine.Subnets subnets = ReportLine.Subnets.of(verdicts);
        SharingRules.EnsurePlan plan;
        try {
            plan = SharingRules.planEnsure(world, claims, new SharingRules.Request(scope(vpc.vpcId()),
                    Claimant.STANDING, executionArn, requested, PolicyWish.of(request.policyDocument()),
                    request.tags()), now);
        } catch (WorkflowError e) {
            return new Assessment(new ReportLine(account, region, vpc.vpcId(), ReportLine.Status.FAILED.wireName(),
                    endpoints, tables, subnets, List.of(), FleetError.of(e)), null);
        }
        List<String> actions = actions(plan);
        ClaimsDocument.Claim standing = claims.liveClaims(now).get(Claimant.STANDING.id());
        boolean claimed = standing != null && standing.routeTableIds().containsAll(requested);
        // Rules 3 and 5 of docs/design.md: route tables served by an endpoint that the standing use does not claim
        // may lose it before the commit (a run's cleanup, a stack's Delete: nobody else needs them). Apply takes
        // them under the lock first, as a single-VPC run does, so that its run claim protects them until the commit
        // makes them standing; only tables the standing use already claims are committed without a hold.
        boolean ensure = !actions.isEmpty() || !claimed;
        if (actions.isEmpty() && !coverage.complete()) {
            actions.add("wait for " + String.join(", ", new TreeSet<>(plan.servedBy().values()))
                    + " to become available");
        }
        boolean compliant = actions.isEmpty();
        if (compliant && !DataPathEvaluator.dataPathOk(verdicts, requested)) {
            return new Assessment(new ReportLine(account, region, vpc.vpcId(), ReportLine.Status.BLOCKED.wireName(),
                    endpoints, tables, subnets, actions, null), null);
        }
        ReportLine line = new ReportLine(account, region, vpc.vpcId(), (compliant ? ReportLine.Status.COMPLIANT
                : ReportLine.Status.DRIFTED).wireName(), endpoints, tables, subnets, actions, null);
        VpcWork work = compliant && claimed ? null : new VpcWork(vpc.vpcId(), requested, ensure);
        return new Assessment(line, work);
    }

    /**
     * The verdict of each subnet of the VPC, on the region's prefix list: the one its served tables route, else the
     * one the region's other VPCs route (a region has one per service). When no route of the region names one, no
     * table can route the service's traffic to an endpoint: every subnet is {@code unserved}.
     */
    static List<SubnetVerdict> verdicts(String vpcId, VpcObservation world, RegionView view,
                                        SharingRules.Coverage coverage) {
        String prefixListId = new TreeSet<>(coverage.prefixLists().values()).stream().findFirst()
                .orElse(view.prefixLists().keySet().stream().findFirst().orElse(null));
        if (prefixListId == null) {
            return view.subnetsOf(vpcId).stream().sorted().map(subnet -> new SubnetVerdict(subnet, null,
                    SubnetVerdict.Verdict.UNSERVED, "no route table in the region routes the service's prefix list "
                    + "to an endpoint of it")).toList();
        }
        return DataPathEvaluator.evaluate(DataPathReader.facts(world.routing(), view.subnetsOf(vpcId),
                view.networkAclsOf(vpcId), prefixListId, view.prefixLists().getOrDefault(prefixListId, List.of())));
    }

    /**
     * Every live endpoint of the service in the VPC: its gateway endpoints (as the observation orders them), then its
     * interface endpoints by id, which serve no route table and are only reported.
     */
    static List<ReportLine.EndpointLine> endpointLines(VpcObservation world, List<VpcEndpoint> interfaces) {
        List<ReportLine.EndpointLine> lines = new ArrayList<>();
        world.endpoints().stream().filter(ObservedEndpoint::live)
                .map(e -> ReportLine.EndpointLine.gateway(e.vpcEndpointId(), e.owned(),
                        e.routeTableIds().stream().sorted().toList()))
                .forEach(lines::add);
        interfaces.stream()
                .filter(e -> e.stateAsString() != null
                        && ObservedEndpoint.LIVE_STATES.contains(e.stateAsString().toLowerCase()))
                .sorted(Comparator.comparing(VpcEndpoint::vpcEndpointId))
                .map(e -> ReportLine.EndpointLine.anInterface(e.vpcEndpointId(), Ownership.isOwned(e.tags())))
                .forEach(lines::add);
        return List.copyOf(lines);
    }

    static ReportLine.RouteTables routeTables(List<String> requested, SharingRules.Coverage coverage) {
        List<String> covered = requested.stream().filter(coverage.servedBy()::containsKey).toList();
        List<String> missing = requested.stream().filter(t -> !coverage.servedBy().containsKey(t)).toList();
        return new ReportLine.RouteTables(requested, covered, missing);
    }

    /** For a person: what reuse-or-create does to serve the route tables. */
    static List<String> actions(SharingRules.EnsurePlan plan) {
        List<String> actions = new ArrayList<>();
        if (plan.createsEndpoint()) {
            actions.add("create an endpoint for " + String.join(", ", plan.toServe()));
        } else if (plan.extend() != null) {
            actions.add("add " + String.join(", ", plan.toServe()) + " to " + plan.extend());
        }
        for (SharingRules.Repair repair : plan.repairs()) {
            actions.add("restore the route of " + repair.routeTableId() + " to " + repair.vpcEndpointId());
        }
        for (SharingRules.PolicyChange change : plan.policyChanges()) {
            actions.add("set the policy of " + change.vpcEndpointId());
        }
        for (SharingRules.TagChange change : plan.tagChanges()) {
            actions.add("set the tags of " + change.vpcEndpointId() + tagText(change.set(), change.remove()));
        }
        return actions;
    }

    private static String tagText(Map<String, String> set, List<String> remove) {
        List<String> parts = new ArrayList<>();
        if (!set.isEmpty()) {
            parts.add("set " + new java.util.TreeMap<>(set));
        }
        if (!remove.isEmpty()) {
            parts.add("remove " + remove);
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }
}
