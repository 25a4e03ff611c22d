package dev.vpcepilot.model;

import java.util.List;
import java.util.Map;

/**
 * The execution input after validation (design.md section 2), with every default applied except the VPC,
 * which ResolveVpc resolves. Travels through the state as {@code $.request}; every field is always present
 * (null when absent) so that JSONPath references in the state machine never miss.
 *
 * @param region         the region the workflow runs in
 * @param serviceName    {@code com.amazonaws.<region>.dynamodb} unless given
 * @param serviceType    the endpoint type the region offers for the service ({@code Gateway})
 * @param vpcId          the requested VPC, or null for the region's default VPC
 * @param routeTableIds  the requested route tables, or null for all of the VPC's
 * @param policyDocument the endpoint policy as a JSON string, or null for AWS's default (full access)
 * @param tags           extra tags for a created endpoint (never null)
 * @param cleanup        delete the endpoint at the end (only if this tool owns it)
 */
public record ValidatedRequest(
        String region,
        String serviceName,
        String serviceType,
        String vpcId,
        List<String> routeTableIds,
        String policyDocument,
        Map<String, String> tags,
        boolean cleanup) {
}
