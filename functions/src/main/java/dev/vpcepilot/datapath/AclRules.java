package dev.vpcepilot.datapath;

import dev.vpcepilot.datapath.NetworkFacts.AclEntry;
import dev.vpcepilot.datapath.NetworkFacts.NetworkAcl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Whether a network ACL lets TCP traffic through for a whole block of addresses and a range of ports. A network
 * ACL is stateless and "rules are evaluated starting with the lowest numbered rule. As soon as a rule matches
 * traffic, it's applied regardless of any higher-numbered rule that might contradict it"; the last rule, {@code *},
 * denies what no rule matched (Amazon VPC User Guide, "Control subnet traffic with network access control lists",
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).
 *
 * <p>A rule's block need not contain the whole block asked about (a deny of 52.94.1.0/24 before an allow of
 * 0.0.0.0/0, asked about 52.94.0.0/22). The answer is exact, not approximated: the addresses and the ports are cut at
 * every rule's edges into pieces no rule splits, the first matching rule decides each piece, and the traffic passes
 * only if every piece is allowed. So a rule that denies any part of the block, or any of the ports, blocks it.
 * Protocol {@code -1} (all) and {@code 6} (TCP) match TCP; rules for IPv6 blocks do not match IPv4 traffic.
 */
public final class AclRules {

    /** The rule number EC2 shows for the last rule, {@code *}. */
    public static final int LAST_RULE = 32767;
    private static final int ALL_PORTS_LAST = 65535;

    private AclRules() {
    }

    /**
     * The rule that denies part of the traffic, if any.
     *
     * @param ruleNumber the rule, {@link #LAST_RULE} for {@code *}
     * @param ruleCidr   the rule's block
     * @param fromPort   the first port of the denied piece
     * @param toPort     its last port
     * @param everyAddress some of the traffic of every address of the block is denied (else only of some of them)
     */
    public record Denial(int ruleNumber, String ruleCidr, int fromPort, int toPort, boolean everyAddress) {
        public String rule() {
            return ruleNumber == LAST_RULE ? "*" : Integer.toString(ruleNumber);
        }
    }

    private record Rule(AclEntry entry, Ipv4Block block, int fromPort, int toPort) {
        boolean matches(long address, int port) {
            return block.containsAddress(address) && fromPort <= port && port <= toPort;
        }
    }

    /** The lowest-numbered rule that denies some of the TCP traffic to (egress) or from (ingress) the block. */
    public static Optional<Denial> firstDenial(NetworkAcl acl, boolean egress, Ipv4Block block, int fromPort,
                                              int toPort) {
        List<Rule> rules = acl.entries().stream()
                .filter(e -> e.egress() == egress && matchesTcp(e.protocol()))
                .filter(e -> Ipv4Block.parseOrNull(e.cidr()) != null)
                .sorted(Comparator.comparingInt(AclEntry::ruleNumber))
                .map(AclRules::rule)
                .toList();
        List<Long> addresses = cuts(block.first(), block.last(), rules.stream()
                .map(r -> new long[] {r.block().first(), r.block().last()}).toList());
        List<Long> ports = cuts(fromPort, toPort, rules.stream()
                .map(r -> new long[] {r.fromPort(), r.toPort()}).toList());
        Denial lowest = null;
        boolean everyAddress = true;
        for (int a = 0; a < addresses.size() - 1; a++) {
            boolean addressDenied = false;
            for (int p = 0; p < ports.size() - 1; p++) {
                long address = addresses.get(a);
                int port = ports.get(p).intValue();
                Optional<Rule> decides = rules.stream().filter(r -> r.matches(address, port)).findFirst();
                Denial denial = decides.isEmpty()
                        ? new Denial(LAST_RULE, "0.0.0.0/0", port, ports.get(p + 1).intValue() - 1, false)
                        : decides.get().entry().allow() ? null
                        : new Denial(decides.get().entry().ruleNumber(), decides.get().entry().cidr(), port,
                                ports.get(p + 1).intValue() - 1, false);
                addressDenied |= denial != null;
                if (denial != null && (lowest == null || denial.ruleNumber() < lowest.ruleNumber())) {
                    lowest = denial;
                }
            }
            everyAddress &= addressDenied;
        }
        return lowest == null ? Optional.empty() : Optional.of(new Denial(lowest.ruleNumber(), lowest.ruleCidr(),
                lowest.fromPort(), lowest.toPort(), everyAddress));
    }

    static boolean matchesTcp(String protocol) {
        return "-1".equals(protocol) || "6".equals(protocol) || "tcp".equalsIgnoreCase(protocol)
                || "all".equalsIgnoreCase(protocol);
    }

    private static Rule rule(AclEntry entry) {
        boolean allPorts = "-1".equals(entry.protocol()) || "all".equalsIgnoreCase(entry.protocol())
                || entry.fromPort() == null || entry.toPort() == null;
        return new Rule(entry, Ipv4Block.parse(entry.cidr()), allPorts ? 0 : entry.fromPort(),
                allPorts ? ALL_PORTS_LAST : entry.toPort());
    }

    /** The starts of the pieces of [first, last] that no range splits, and last + 1. */
    private static List<Long> cuts(long first, long last, List<long[]> ranges) {
        TreeSet<Long> cuts = new TreeSet<>(List.of(first, last + 1));
        for (long[] range : ranges) {
            if (range[0] > first && range[0] <= last) {
                cuts.add(range[0]);
            }
            if (range[1] >= first && range[1] < last) {
                cuts.add(range[1] + 1);
            }
        }
        return new ArrayList<>(cuts);
    }
}
