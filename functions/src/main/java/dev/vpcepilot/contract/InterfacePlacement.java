package dev.vpcepilot.contract;

import java.util.List;
import java.util.Map;

/**
 * Where an interface endpoint's network interfaces go, as ResolveVpc decided (README "The contract": at most one
 * subnet per zone, all in the VPC; by default one per zone the service is offered in). Travels as
 * {@code $.vpc.interfaces}.
 *
 * @param subnetIds   the subnets to serve, sorted
 * @param subnetZones every subnet of the VPC -> its Availability Zone (EC2 gives an endpoint one subnet per zone)
 * @param vpcCidrs    the VPC's associated IPv4 CIDR blocks (what the run's own security group admits on TCP 443)
 */
public record InterfacePlacement(List<String> subnetIds, Map<String, String> subnetZones, List<String> vpcCidrs) {
}
