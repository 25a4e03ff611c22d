package dev.vpcepilot.fleet;

import dev.vpcepilot.datapath.NetworkFacts;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * What one account-region shows of the selected VPCs, read in a few batched calls.
 *
 * @param vpcs        the selected VPCs, sorted by id
 * @param routeTables VPC id -> its route tables
 * @param endpoints   VPC id -> the service's endpoints in it (every state, both types)
 * @param subnets     VPC id -> its subnets' ids
 * @param networkAcls VPC id -> its network ACLs
 * @param prefixLists the service's prefix list (as the routes to its endpoints name it) -> its CIDRs; empty when
 *                    no route in the region names one
 */
public record RegionView(List<SelectedVpc> vpcs, Map<String, List<RouteTable>> routeTables,
                         Map<String, List<VpcEndpoint>> endpoints, Map<String, List<String>> subnets,
                         Map<String, List<NetworkFacts.NetworkAcl>> networkAcls,
                         Map<String, List<String>> prefixLists) {

    /** @param excluded tagged {@code vpce-pilot:exclude=true} */
    public record SelectedVpc(String vpcId, boolean excluded) {
    }

    public List<RouteTable> routeTablesOf(String vpcId) {
        return routeTables.getOrDefault(vpcId, List.of());
    }

    public List<VpcEndpoint> endpointsOf(String vpcId) {
        return endpoints.getOrDefault(vpcId, List.of());
    }

    /**
     * The service's gateway endpoints in the VPC (EC2 names the type; an answer without one is a gateway's, as the
     * sharing core reads it): the only ones that serve route tables, so the only ones the fleet judges and writes.
     */
    public List<VpcEndpoint> gatewayEndpointsOf(String vpcId) {
        return endpointsOf(vpcId).stream().filter(RegionView::isGateway).toList();
    }

    static boolean isGateway(VpcEndpoint endpoint) {
        return endpoint.vpcEndpointType() == null || endpoint.vpcEndpointType() == VpcEndpointType.GATEWAY;
    }

    /** The service's interface endpoints (AWS PrivateLink) in the VPC: reported, never written. */
    public List<VpcEndpoint> interfaceEndpointsOf(String vpcId) {
        return endpointsOf(vpcId).stream().filter(e -> e.vpcEndpointType() == VpcEndpointType.INTERFACE).toList();
    }

    public List<String> subnetsOf(String vpcId) {
        return subnets.getOrDefault(vpcId, List.of());
    }

    public List<NetworkFacts.NetworkAcl> networkAclsOf(String vpcId) {
        return networkAcls.getOrDefault(vpcId, List.of());
    }
}
