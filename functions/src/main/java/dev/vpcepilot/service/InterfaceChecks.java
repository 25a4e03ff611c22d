package dev.vpcepilot.service;

import dev.vpcepilot.contract.InterfaceVerification.DnsNames;
import dev.vpcepilot.datapath.Ipv4Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.model.DnsEntry;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * What the verification of an interface endpoint checks, as pure functions of what EC2 describes (README "The
 * contract", verification): every requested subnet has a network interface of the endpoint that serves it, in use;
 * the endpoint's security groups admit TCP 443 from each of the VPC's IPv4 CIDR blocks; and the DNS names clients
 * give as their endpoint URL.
 */
public final class InterfaceChecks {

    /** A zonal name's first label ends with its zone ({@code vpce-…-…-us-east-1a}); the regional name's does not. */
    private static final Pattern ZONAL = Pattern.compile("[^.]*-[a-z]{2}(?:-[a-z]+)+-\\d[a-z]\\..*");

    private InterfaceChecks() {
    }

    /** What {@code --endpoint-url} and the SDKs' {@code endpointOverride} take, or null without a regional name. */
    public static String endpointUrl(DnsNames names) {
        return names.regional() == null ? null : "https://" + names.regional();
    }

    /** An endpoint's DNS names: the regional one (every zone's interfaces) and one per zone. */
    public static DnsNames dnsNames(VpcEndpoint endpoint) {
        String regional = null;
        List<String> zonal = new ArrayList<>();
        for (DnsEntry entry : endpoint.dnsEntries()) {
            if (entry.dnsName() == null) {
                continue;
            }
            if (ZONAL.matcher(entry.dnsName()).matches()) {
                zonal.add(entry.dnsName());
            } else if (regional == null) {
                regional = entry.dnsName();
            }
        }
        return new DnsNames(regional, zonal.stream().sorted().toList());
    }

    /**
     * One sentence per requested subnet without an interface in use of the endpoint that serves it.
     *
     * @param servedBy   requested subnet -> the endpoint serving it
     * @param endpoints  endpoint id -> as EC2 describes it
     * @param interfaces network interface id -> as EC2 describes it
     */
    public static List<String> interfaceProblems(Map<String, String> servedBy, Map<String, VpcEndpoint> endpoints,
                                                 Map<String, NetworkInterface> interfaces) {
        List<String> problems = new ArrayList<>();
        servedBy.forEach((subnet, endpointId) -> {
            VpcEndpoint endpoint = endpoints.get(endpointId);
            Optional<NetworkInterface> eni = endpoint == null ? Optional.empty()
                    : endpoint.networkInterfaceIds().stream().map(interfaces::get).filter(Objects::nonNull)
                            .filter(n -> subnet.equals(n.subnetId())).findFirst();
            if (eni.isEmpty()) {
                problems.add(subnet + " has no network interface of " + endpointId);
            } else if (!"in-use".equals(eni.get().statusAsString())) {
                problems.add(subnet + "'s network interface " + eni.get().networkInterfaceId() + " of " + endpointId
                        + " is " + eni.get().statusAsString() + ", not in-use");
            }
        });
        return problems;
    }

    /**
     * The requested subnets whose interface exists but is not in use yet (EC2 attaches an endpoint's interfaces
     * after it reports the endpoint): the verification waits for them, with the bound of its retries.
     */
    public static List<String> interfacesNotInUseYet(Map<String, String> servedBy, Map<String, VpcEndpoint> endpoints,
                                                     Map<String, NetworkInterface> interfaces) {
        List<String> waiting = new ArrayList<>();
        servedBy.forEach((subnet, endpointId) -> {
            VpcEndpoint endpoint = endpoints.get(endpointId);
            if (endpoint != null && endpoint.networkInterfaceIds().stream().map(interfaces::get)
                    .filter(Objects::nonNull).filter(n -> subnet.equals(n.subnetId()))
                    .anyMatch(n -> !"in-use".equals(n.statusAsString()))) {
                waiting.add(subnet);
            }
        });
        return waiting;
    }

    /** The interface of {@code endpoint} in each of the subnets (in their order), where it has one. */
    public static List<String> interfacesIn(List<String> subnetIds, Map<String, VpcEndpoint> endpoints,
                                            Map<String, NetworkInterface> interfaces) {
        List<String> ids = new ArrayList<>();
        for (String subnet : subnetIds) {
            endpoints.values().stream().flatMap(e -> e.networkInterfaceIds().stream()).map(interfaces::get)
                    .filter(Objects::nonNull).filter(n -> subnet.equals(n.subnetId())).findFirst()
                    .ifPresent(n -> ids.add(n.networkInterfaceId()));
        }
        return ids;
    }

    /**
     * One sentence per endpoint whose security groups together admit TCP 443 from no rule covering one of the VPC's
     * CIDR blocks (rules that name other groups or prefix lists are not counted: what they admit is not an address).
     */
    public static List<String> groupProblems(List<String> vpcCidrs, Map<String, VpcEndpoint> endpoints,
                                             Map<String, SecurityGroup> groups) {
        List<String> problems = new ArrayList<>();
        endpoints.forEach((id, endpoint) -> {
            List<Ipv4Block> admitted = new ArrayList<>();
            endpoint.groups().stream().map(SecurityGroupIdentifier::groupId).map(groups::get).filter(Objects::nonNull)
                    .flatMap(g -> g.ipPermissions().stream()).filter(InterfaceChecks::admitsHttps)
                    .flatMap(p -> p.ipRanges().stream()).map(r -> Ipv4Block.parseOrNull(r.cidrIp()))
                    .filter(Objects::nonNull).forEach(admitted::add);
            for (String cidr : vpcCidrs) {
                Ipv4Block block = Ipv4Block.parse(cidr);
                if (admitted.stream().noneMatch(a -> a.contains(block))) {
                    problems.add("the security groups of " + id + " (" + String.join(", ", endpoint.groups().stream()
                            .map(SecurityGroupIdentifier::groupId).toList()) + ") admit no TCP 443 from " + cidr);
                }
            }
        });
        return problems;
    }

    private static boolean admitsHttps(IpPermission permission) {
        String protocol = permission.ipProtocol();
        if ("-1".equals(protocol)) {
            return true;
        }
        if (!"tcp".equalsIgnoreCase(protocol) && !"6".equals(protocol)) {
            return false;
        }
        return permission.fromPort() != null && permission.toPort() != null && permission.fromPort() <= 443
                && 443 <= permission.toPort();
    }
}
