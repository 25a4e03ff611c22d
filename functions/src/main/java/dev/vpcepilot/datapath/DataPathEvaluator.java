package dev.vpcepilot.datapath;

import dev.vpcepilot.datapath.NetworkFacts.NetworkAcl;
import dev.vpcepilot.datapath.NetworkFacts.RouteTable;
import dev.vpcepilot.datapath.SubnetVerdict.Verdict;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A verdict for every subnet of a VPC: can an instance there reach the service through a gateway endpoint? Read
 * only, decided on {@link NetworkFacts} alone, in this order:
 * <ol>
 *   <li>The subnet's effective route table: its explicit association, else the VPC's main table.</li>
 *   <li>{@code unserved}: that table routes no prefix list of the service to an {@code available} endpoint of it
 *   (no route, a blackhole, another target, an endpoint in another state).</li>
 *   <li>{@code overridden}: a route of the table takes some of the prefix list's addresses ({@link RoutePriority}).</li>
 *   <li>{@code nacl-egress}: the subnet's network ACL (its association, else the VPC's default ACL) denies TCP 443
 *   out to some address of some CIDR of the prefix list ({@link AclRules}).</li>
 *   <li>{@code nacl-ingress}: it denies the return traffic: TCP from those addresses to the client's ephemeral port.
 *   The client's operating system picks that port; the Amazon VPC User Guide ("Ephemeral ports",
 *   https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html#nacl-ephemeral-ports) lists 32768-61000
 *   for many Linux kernels, 49152-65535 for Windows Server 2008 and later, 1024-65535 for NAT gateways and Lambda,
 *   and says that to cover the different clients "you can open ephemeral ports 1024-65535". The workloads are not
 *   known here, so all of 1024-65535 must be allowed back.</li>
 *   <li>{@code reachable} otherwise.</li>
 * </ol>
 * Security groups are the workloads' and are not looked at.
 */
public final class DataPathEvaluator {

    public static final int HTTPS = 443;
    public static final int EPHEMERAL_FIRST = 1024;
    public static final int EPHEMERAL_LAST = 65535;

    private DataPathEvaluator() {
    }

    /** A verdict per subnet, in subnet id order. */
    public static List<SubnetVerdict> evaluate(NetworkFacts facts) {
        List<Ipv4Block> cidrs = facts.prefixListCidrs().stream().map(Ipv4Block::parseOrNull)
                .filter(Objects::nonNull).toList();
        Map<String, RoutePriority.Decision> byTable = new HashMap<>();
        Map<String, Optional<SubnetVerdict>> byAcl = new HashMap<>();
        return facts.subnetIds().stream().sorted().distinct().map(subnetId -> {
            Optional<RouteTable> table = effectiveTable(facts, subnetId);
            if (table.isEmpty()) {
                return new SubnetVerdict(subnetId, null, Verdict.UNSERVED, "no route table applies to the subnet");
            }
            String tableId = table.get().routeTableId();
            RoutePriority.Decision route = byTable.computeIfAbsent(tableId,
                    t -> RoutePriority.decide(table.get(), facts.prefixListId(), cidrs, facts.endpoints()));
            if (route.verdict() != Verdict.REACHABLE) {
                return new SubnetVerdict(subnetId, tableId, route.verdict(), route.detail());
            }
            Optional<NetworkAcl> acl = effectiveAcl(facts, subnetId);
            if (acl.isEmpty()) {
                return new SubnetVerdict(subnetId, tableId, Verdict.NACL_EGRESS,
                        "no network ACL applies to the subnet, so nothing is known to let its traffic pass");
            }
            Optional<SubnetVerdict> blocked = byAcl.computeIfAbsent(acl.get().networkAclId(),
                    a -> aclVerdict(acl.get(), facts.prefixListId(), cidrs));
            return blocked.map(b -> new SubnetVerdict(subnetId, tableId, b.verdict(), b.detail()))
                    .orElseGet(() -> new SubnetVerdict(subnetId, tableId, Verdict.REACHABLE, route.detail() + "; "
                            + acl.get().networkAclId() + " allows TCP " + HTTPS + " out and TCP " + EPHEMERAL_FIRST
                            + "-" + EPHEMERAL_LAST + " back"));
        }).toList();
    }

    /** Every subnet on a route table this run serves is reachable (subnets on other tables do not count). */
    public static boolean dataPathOk(List<SubnetVerdict> verdicts, Collection<String> servedRouteTableIds) {
        return verdicts.stream().filter(v -> v.routeTableId() != null && servedRouteTableIds.contains(v.routeTableId()))
                .allMatch(SubnetVerdict::reachable);
    }

    /** The subnets on served tables that are not reachable, for a person: each with its table, verdict and detail. */
    public static String blocked(List<SubnetVerdict> verdicts, Collection<String> servedRouteTableIds) {
        List<String> blocked = verdicts.stream()
                .filter(v -> v.routeTableId() != null && servedRouteTableIds.contains(v.routeTableId()))
                .filter(v -> !v.reachable())
                .map(v -> v.subnetId() + " (" + v.routeTableId() + "): " + wire(v.verdict()) + ", " + v.detail())
                .toList();
        return blocked.size() + " subnet" + (blocked.size() == 1 ? "" : "s") + " on the served route tables cannot "
                + "reach the service through the endpoint: " + String.join("; ", blocked);
    }

    /** The verdict as the output writes it. */
    public static String wire(Verdict verdict) {
        return verdict.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static Optional<RouteTable> effectiveTable(NetworkFacts facts, String subnetId) {
        return facts.routeTables().stream().filter(t -> t.subnetIds().contains(subnetId)).findFirst()
                .or(() -> facts.routeTables().stream().filter(RouteTable::main).findFirst());
    }

    static Optional<NetworkAcl> effectiveAcl(NetworkFacts facts, String subnetId) {
        return facts.networkAcls().stream().filter(a -> a.subnetIds().contains(subnetId)).findFirst()
                .or(() -> facts.networkAcls().stream().filter(NetworkAcl::isDefault).findFirst());
    }

    /** The ACL's verdict (with a null subnet and table) when it blocks some of the traffic, else empty. */
    private static Optional<SubnetVerdict> aclVerdict(NetworkAcl acl, String prefixListId, List<Ipv4Block> cidrs) {
        for (Ipv4Block cidr : cidrs) {
            Optional<AclRules.Denial> out = AclRules.firstDenial(acl, true, cidr, HTTPS, HTTPS);
            if (out.isPresent()) {
                return Optional.of(new SubnetVerdict(null, null, Verdict.NACL_EGRESS, acl.networkAclId()
                        + " outbound rule " + out.get().rule() + " (deny " + out.get().ruleCidr() + ") denies TCP "
                        + HTTPS + " to " + part(out.get()) + prefixListId + "'s " + cidr));
            }
        }
        for (Ipv4Block cidr : cidrs) {
            Optional<AclRules.Denial> in = AclRules.firstDenial(acl, false, cidr, EPHEMERAL_FIRST, EPHEMERAL_LAST);
            if (in.isPresent()) {
                return Optional.of(new SubnetVerdict(null, null, Verdict.NACL_INGRESS, acl.networkAclId()
                        + " inbound rule " + in.get().rule() + " (deny " + in.get().ruleCidr() + ") denies the return "
                        + "traffic, TCP to ports " + in.get().fromPort() + "-" + in.get().toPort() + ", from "
                        + part(in.get()) + prefixListId + "'s " + cidr));
            }
        }
        return Optional.empty();
    }

    private static String part(AclRules.Denial denial) {
        return denial.everyAddress() ? "" : "part of ";
    }
}
