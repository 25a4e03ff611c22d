package dev.vpcepilot.contract;

import dev.vpcepilot.contract.InputValidator;
import java.util.List;
import java.util.Map;

/**
 * The execution input after validation (README "The contract"), with every default applied except the VPC,
 * which ResolveVpc resolves. Travels through the state as {@code $.request}; every field is always present
 * (null when absent) so that JSONPath references in the state machine never miss.
 *
 * @param region         the region the workflow runs in
 * @param serviceName    {@code com.amazonaws.<region>.dynamodb} unless given
 * @param serviceType    the endpoint type requested and offered for the service ({@code Gateway} unless the input's
 *                       {@code endpointType} says {@code Interface})
 * @param vpcId          the requested VPC, or null for the region's default VPC
 * @param routeTableIds  the requested route tables, or null for all of the VPC's
 * @param policyDocument the endpoint policy as a JSON string, {@code "default"}, or null (no wish)
 * @param tags           the user tags for endpoints the requester holds, or null (no wish)
 * @param cleanup        delete at the end what this run created, unless someone claimed it meanwhile
 * @param release        release the standing use of the route tables instead of serving them
 * @param customResource the custom resource the run is for (its claim), or null
 * @param requireDataPath fail with DataPathBlocked (keeping the endpoint) unless every subnet on a served table is
 *                        reachable
 * @param subnetIds       Interface: the requested subnets (sorted), or null for one per zone the service is offered in
 * @param securityGroupIds Interface: the requested security groups, or null for one the run creates
 * @param allowedCidrs    Interface: what the run's own security group admits besides the VPC, or null
 * @param serviceZones    Interface: the zones the service is offered in with that type (null for Gateway)
 */
public record ValidatedRequest(
        String region,
        String serviceName,
        String serviceType,
        String vpcId,
        List<String> routeTableIds,
        String policyDocument,
        Map<String, String> tags,
        boolean cleanup,
        boolean release,
        InputValidator.CustomResource customResource,
        boolean requireDataPath,
        List<String> subnetIds,
        List<String> securityGroupIds,
        List<String> allowedCidrs,
        List<String> serviceZones) {

    /** A gateway endpoint's request (no interface keys). */
    public ValidatedRequest(String region, String serviceName, String serviceType, String vpcId,
                            List<String> routeTableIds, String policyDocument, Map<String, String> tags,
                            boolean cleanup, boolean release, InputValidator.CustomResource customResource,
                            boolean requireDataPath) {
        this(region, serviceName, serviceType, vpcId, routeTableIds, policyDocument, tags, cleanup, release,
                customResource, requireDataPath, null, null, null, null);
    }
}
