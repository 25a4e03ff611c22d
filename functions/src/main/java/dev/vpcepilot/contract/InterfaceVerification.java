package dev.vpcepilot.contract;

import java.util.List;

/**
 * What VerifyInterfaceEndpoint proved and recorded for an interface endpoint. Travels as {@code $.verification}. A
 * failed check is {@code VerificationFailed}, so a result always has its flags true.
 *
 * @param interfacesOk       every requested subnet has a network interface, in use, of the endpoint that serves it
 * @param securityGroupsOk   each serving endpoint's security groups admit TCP 443 from every IPv4 CIDR of the VPC
 * @param listTablesOk       DynamoDB ListTables answered (all pages)
 * @param tableCount         how many tables it returned
 * @param vpcEndpointId      the endpoint that serves every requested subnet, when one does (else null)
 * @param owned              every serving endpoint is vpce-pilot's
 * @param endpoints          the serving endpoints, each with its subnets, groups, interfaces and names
 * @param claims             the claimants that now need the requested subnets (this run's among them)
 * @param subnetIds          the requested subnets
 * @param securityGroupIds   the serving endpoints' security groups
 * @param networkInterfaceIds the interfaces in the requested subnets, in the subnets' order
 * @param dnsNames           the names of {@code vpcEndpointId}, or null when several endpoints serve
 * @param endpointUrl        {@code https://} + the regional name of {@code vpcEndpointId}, or null
 * @param probeEndpointUrl   the URL the data-path probe lists tables through: {@code endpointUrl}, or with several
 *                           serving endpoints the first one's (by id)
 */
public record InterfaceVerification(
        boolean interfacesOk,
        boolean securityGroupsOk,
        boolean listTablesOk,
        int tableCount,
        String vpcEndpointId,
        boolean owned,
        List<Endpoint> endpoints,
        List<String> claims,
        List<String> subnetIds,
        List<String> securityGroupIds,
        List<String> networkInterfaceIds,
        DnsNames dnsNames,
        String endpointUrl,
        String probeEndpointUrl) {

    /**
     * One serving interface endpoint.
     *
     * @param held the requester holds it (it was created for the requester: only then may it change policy and tags)
     * @param subnetIds the requested subnets it serves
     */
    public record Endpoint(String vpcEndpointId, boolean owned, boolean held, List<String> subnetIds,
                           List<String> securityGroupIds, DnsNames dnsNames, String endpointUrl) {
    }

    /** An endpoint's DNS names: the regional one, and one per zone. */
    public record DnsNames(String regional, List<String> zonal) {
    }
}
