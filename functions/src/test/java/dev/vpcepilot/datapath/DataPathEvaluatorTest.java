package dev.vpcepilot.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.datapath.NetworkFacts.AclEntry;
import dev.vpcepilot.datapath.NetworkFacts.Endpoint;
import dev.vpcepilot.datapath.NetworkFacts.NetworkAcl;
import dev.vpcepilot.datapath.NetworkFacts.Route;
import dev.vpcepilot.datapath.NetworkFacts.RouteTable;
import dev.vpcepilot.datapath.SubnetVerdict.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DataPathEvaluatorTest {

    static final String PL = "pl-02cd2c6b";
    static final String VPCE = "vpce-11111111";
    static final String SUBNET = "subnet-aaaaaaaa";
    static final String RTB = "rtb-aaaaaaaa";
    static final String MAIN = "rtb-00000000";
    static final String ACL = "acl-aaaaaaaa";
    static final List<String> CIDRS = List.of("52.94.0.0/22", "52.119.224.0/20");

    static Route toEndpoint() {
        return new Route(null, PL, VPCE, "active", false);
    }

    static Route local() {
        return new Route("10.0.0.0/16", null, "local", "active", false);
    }

    static Route cidr(String cidr, String target) {
        return new Route(cidr, null, target, "active", false);
    }

    static AclEntry out(int rule, String protocol, Integer from, Integer to, String cidr, boolean allow) {
        return new AclEntry(rule, true, protocol, from, to, cidr, allow);
    }

    static AclEntry in(int rule, String protocol, Integer from, Integer to, String cidr, boolean allow) {
        return new AclEntry(rule, false, protocol, from, to, cidr, allow);
    }

    /** EC2's default network ACL: everything allowed both ways, then the * rules. */
    static List<AclEntry> allowAll() {
        return List.of(out(100, "-1", null, null, "0.0.0.0/0", true), in(100, "-1", null, null, "0.0.0.0/0", true),
                out(AclRules.LAST_RULE, "-1", null, null, "0.0.0.0/0", false),
                in(AclRules.LAST_RULE, "-1", null, null, "0.0.0.0/0", false));
    }

    @SafeVarargs
    static <T> List<T> with(List<T> base, T... more) {
        List<T> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** One subnet explicitly on RTB, the main table unserved, the subnet on ACL, one available endpoint. */
    static NetworkFacts facts(List<Route> routes, String endpointState, List<AclEntry> acl) {
        return new NetworkFacts(List.of(SUBNET),
                List.of(new RouteTable(MAIN, true, List.of(), List.of(local())),
                        new RouteTable(RTB, false, List.of(SUBNET), routes)),
                List.of(new NetworkAcl("acl-00000000", true, List.of(), allowAll()),
                        new NetworkAcl(ACL, false, List.of(SUBNET), acl)),
                PL, CIDRS, List.of(new Endpoint(VPCE, endpointState, List.of(RTB))));
    }

    static Arguments row(String name, NetworkFacts facts, Verdict verdict, String detailContains) {
        return Arguments.of(name, facts, verdict, detailContains);
    }

    static Stream<Arguments> verdicts() {
        List<Route> served = List.of(local(), toEndpoint(), cidr("0.0.0.0/0", "igw-1"));
        return Stream.of(
                row("served, default ACL rules", facts(served, "available", allowAll()), Verdict.REACHABLE,
                        "routes pl-02cd2c6b [52.94.0.0/22, 52.119.224.0/20] to vpce-11111111 (available)"),
                row("no route to the prefix list", facts(List.of(local()), "available", allowAll()),
                        Verdict.UNSERVED, "rtb-aaaaaaaa has no route to pl-02cd2c6b"),
                row("the prefix-list route is a blackhole", facts(List.of(local(),
                                new Route(null, PL, VPCE, "blackhole", false)), "available", allowAll()),
                        Verdict.UNSERVED, "as a blackhole"),
                row("the endpoint is not available", facts(served, "pending", allowAll()), Verdict.UNSERVED,
                        "which is pending, not available"),
                row("the route targets no endpoint of the service", facts(List.of(local(),
                                new Route(null, PL, "vpce-99999999", "active", false)), "available", allowAll()),
                        Verdict.UNSERVED, "no gateway endpoint of the service"),
                row("a /24 inside the /22 to a NAT gateway", facts(with(served, cidr("52.94.0.0/24", "nat-1")),
                                "available", allowAll()), Verdict.OVERRIDDEN,
                        "routes 52.94.0.0/24 to nat-1: more specific than pl-02cd2c6b's 52.94.0.0/22"),
                row("a /32 inside the /20 to a peering connection", facts(with(served,
                                cidr("52.119.230.7/32", "pcx-1")), "available", allowAll()), Verdict.OVERRIDDEN,
                        "routes 52.119.230.7/32 to pcx-1"),
                row("a more specific blackhole drops part", facts(with(served, new Route("52.94.2.0/23", null,
                                "tgw-1", "blackhole", false)), "available", allowAll()), Verdict.OVERRIDDEN,
                        "tgw-1 (blackhole)"),
                row("a static route to the same /22 takes priority", facts(with(served,
                                cidr("52.94.0.0/22", "tgw-1")), "available", allowAll()), Verdict.OVERRIDDEN,
                        "a static route to the same block"),
                row("a propagated route to the same /22 loses to the prefix list", facts(with(served,
                                new Route("52.94.0.0/22", null, "vgw-1", "active", true)), "available", allowAll()),
                        Verdict.REACHABLE, "(available)"),
                row("a propagated more specific route still wins", facts(with(served,
                                new Route("52.94.1.0/24", null, "vgw-1", "active", true)), "available", allowAll()),
                        Verdict.OVERRIDDEN, "vgw-1"),
                row("a less specific route (a /8 to a NAT gateway) loses", facts(with(served,
                                cidr("52.0.0.0/8", "nat-1")), "available", allowAll()), Verdict.REACHABLE,
                        "(available)"),
                row("an IPv6 route is independent", facts(with(served, cidr("2600:1f00::/32", "eigw-1")),
                                "available", allowAll()), Verdict.REACHABLE, "(available)"),
                row("deny 443 out to one CIDR at a lower number than the allow", facts(served, "available",
                                with(allowAll(), out(90, "6", 443, 443, "52.119.224.0/20", false))),
                        Verdict.NACL_EGRESS, "acl-aaaaaaaa outbound rule 90 (deny 52.119.224.0/20) denies TCP 443 "
                                + "to pl-02cd2c6b's 52.119.224.0/20"),
                row("a deny numbered after the allow never matches", facts(served, "available",
                                with(allowAll(), out(110, "6", 443, 443, "0.0.0.0/0", false))),
                        Verdict.REACHABLE, "allows TCP 443 out and TCP 1024-65535 back"),
                row("a deny of part of a CIDR blocks it", facts(served, "available",
                                with(allowAll(), out(50, "-1", null, null, "52.94.3.0/24", false))),
                        Verdict.NACL_EGRESS, "rule 50 (deny 52.94.3.0/24) denies TCP 443 to part of "
                                + "pl-02cd2c6b's 52.94.0.0/22"),
                row("an allow of part of a CIDR leaves the rest to *", facts(served, "available", List.of(
                                out(100, "6", 443, 443, "52.94.0.0/23", true),
                                out(101, "6", 443, 443, "52.119.224.0/20", true),
                                in(100, "6", 1024, 65535, "0.0.0.0/0", true),
                                out(AclRules.LAST_RULE, "-1", null, null, "0.0.0.0/0", false))),
                        Verdict.NACL_EGRESS, "outbound rule * (deny 0.0.0.0/0) denies TCP 443 to part of "
                                + "pl-02cd2c6b's 52.94.0.0/22"),
                row("no rule at all: the implicit * denies", facts(served, "available", List.of()),
                        Verdict.NACL_EGRESS, "outbound rule *"),
                row("a UDP deny does not match TCP", facts(served, "available",
                                with(allowAll(), out(90, "17", 443, 443, "0.0.0.0/0", false))),
                        Verdict.REACHABLE, "(available)"),
                row("a TCP deny of other ports does not match 443", facts(served, "available",
                                with(allowAll(), out(90, "6", 80, 80, "0.0.0.0/0", false))),
                        Verdict.REACHABLE, "(available)"),
                row("an IPv6 deny does not match IPv4", facts(served, "available",
                                with(allowAll(), out(90, "-1", null, null, "::/0", false))),
                        Verdict.REACHABLE, "(available)"),
                row("deny the return traffic from one CIDR", facts(served, "available",
                                with(allowAll(), in(90, "6", 1024, 65535, "52.94.0.0/22", false))),
                        Verdict.NACL_INGRESS, "inbound rule 90 (deny 52.94.0.0/22) denies the return traffic, "
                                + "TCP to ports 1024-65535, from pl-02cd2c6b's 52.94.0.0/22"),
                row("only Linux's ephemeral ports back: the rest are denied", facts(served, "available", List.of(
                                out(100, "6", 443, 443, "0.0.0.0/0", true),
                                in(100, "6", 32768, 61000, "0.0.0.0/0", true))),
                        Verdict.NACL_INGRESS, "inbound rule * (deny 0.0.0.0/0) denies the return traffic, TCP to "
                                + "ports 1024-32767"),
                row("a narrow egress and 1024-65535 back are enough", facts(served, "available", List.of(
                                out(100, "6", 443, 443, "0.0.0.0/0", true),
                                in(100, "6", 1024, 65535, "0.0.0.0/0", true))),
                        Verdict.REACHABLE, "acl-aaaaaaaa allows"),
                row("the AWS guide's example: deny malicious ports before the wide allow", facts(served, "available",
                                with(List.of(in(90, "6", 4444, 4444, "0.0.0.0/0", false)), allowAll().toArray(
                                        new AclEntry[0]))),
                        Verdict.NACL_INGRESS, "inbound rule 90 (deny 0.0.0.0/0) denies the return traffic, TCP to "
                                + "ports 4444-4444"),
                row("an unserved table is reported before a blocking ACL", facts(List.of(local()), "available",
                                List.of()), Verdict.UNSERVED, "no route"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void eachRuleDecides(String name, NetworkFacts facts, Verdict verdict, String detailContains) {
        List<SubnetVerdict> result = DataPathEvaluator.evaluate(facts);
        assertEquals(1, result.size());
        SubnetVerdict subnet = result.get(0);
        assertEquals(SUBNET, subnet.subnetId());
        assertEquals(RTB, subnet.routeTableId());
        assertEquals(verdict, subnet.verdict(), subnet.detail());
        assertTrue(subnet.detail().contains(detailContains), subnet.detail());
    }

    @Test
    void theAwsGuidesLongestPrefixExampleA32BeatsItsSlash24() {
        NetworkFacts facts = new NetworkFacts(List.of(SUBNET),
                List.of(new RouteTable(RTB, true, List.of(), List.of(toEndpoint(), cidr("10.10.2.15/32", "eni-1")))),
                List.of(new NetworkAcl(ACL, true, List.of(), allowAll())), PL, List.of("10.10.2.0/24"),
                List.of(new Endpoint(VPCE, "available", List.of(RTB))));
        SubnetVerdict verdict = DataPathEvaluator.evaluate(facts).get(0);
        assertEquals(Verdict.OVERRIDDEN, verdict.verdict());
        assertTrue(verdict.detail().contains("10.10.2.15/32 to eni-1"), verdict.detail());
    }

    @Test
    void aSubnetWithoutAnAssociationUsesTheMainTableAndTheDefaultAcl() {
        NetworkFacts facts = new NetworkFacts(List.of("subnet-bbbbbbbb", SUBNET),
                List.of(new RouteTable(MAIN, true, List.of(), List.of(local(), toEndpoint())),
                        new RouteTable(RTB, false, List.of(SUBNET), List.of(local()))),
                List.of(new NetworkAcl("acl-00000000", true, List.of(), allowAll()),
                        new NetworkAcl(ACL, false, List.of(SUBNET), List.of())),
                PL, CIDRS, List.of(new Endpoint(VPCE, "available", List.of(MAIN))));
        List<SubnetVerdict> result = DataPathEvaluator.evaluate(facts);
        assertEquals(List.of(SUBNET, "subnet-bbbbbbbb"), result.stream().map(SubnetVerdict::subnetId).toList());
        assertEquals(new SubnetVerdict(SUBNET, RTB, Verdict.UNSERVED, "rtb-aaaaaaaa has no route to pl-02cd2c6b"),
                result.get(0));
        SubnetVerdict implicit = result.get(1);
        assertEquals(MAIN, implicit.routeTableId());
        assertEquals(Verdict.REACHABLE, implicit.verdict(), implicit.detail());
        assertTrue(implicit.detail().startsWith("rtb-00000000 (main) routes"), implicit.detail());
        assertTrue(implicit.detail().contains("acl-00000000 allows"), implicit.detail());
    }

    @Test
    void aPrefixListWithoutIpv4EntriesServesNothingKnown() {
        NetworkFacts facts = new NetworkFacts(List.of(SUBNET),
                List.of(new RouteTable(RTB, true, List.of(), List.of(toEndpoint()))),
                List.of(new NetworkAcl(ACL, true, List.of(), allowAll())), PL, List.of("2600:1f00::/40"),
                List.of(new Endpoint(VPCE, "available", List.of(RTB))));
        assertEquals(Verdict.UNSERVED, DataPathEvaluator.evaluate(facts).get(0).verdict());
    }

    @Test
    void onlySubnetsOnServedTablesCountForDataPathOk() {
        List<SubnetVerdict> verdicts = List.of(
                new SubnetVerdict("subnet-1", "rtb-1", Verdict.REACHABLE, "ok"),
                new SubnetVerdict("subnet-2", "rtb-2", Verdict.NACL_EGRESS, "denied"),
                new SubnetVerdict("subnet-3", null, Verdict.UNSERVED, "no table"));
        assertTrue(DataPathEvaluator.dataPathOk(verdicts, List.of("rtb-1")));
        assertFalse(DataPathEvaluator.dataPathOk(verdicts, List.of("rtb-1", "rtb-2")));
        assertTrue(DataPathEvaluator.dataPathOk(List.of(), List.of("rtb-1")));
    }
}
