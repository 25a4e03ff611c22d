package dev.vpcepilot.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.json.Json;
import java.util.List;

/**
 * What a successful execution for an interface endpoint answers: the document its {@code BuildInterfaceOutput} state
 * writes (statemachine/vpc-endpoint.asl.json), field for field (ExecutionOutputContractTest keeps the two in step).
 * The custom-resource hook reads it with the strict mapper, as it reads a gateway endpoint's {@link ExecutionOutput}:
 * a field the definition writes and this record lacks is an error, not a silent loss.
 *
 * @param region              the execution's region
 * @param serviceName         the endpoint service
 * @param vpcId               the VPC
 * @param endpointType        {@code Interface}
 * @param vpcEndpointId       the endpoint that serves every requested subnet, when one does (else null)
 * @param created             this execution created an endpoint
 * @param owned               every serving endpoint is vpce-pilot's
 * @param subnetIds           the requested subnets
 * @param securityGroupIds    the serving endpoints' security groups
 * @param networkInterfaceIds the interfaces in the requested subnets
 * @param dnsNames            the names of {@code vpcEndpointId}, or null when several endpoints serve
 * @param endpointUrl         {@code https://} + the regional name of {@code vpcEndpointId}, or null
 * @param endpoints           the serving endpoints, the requested subnets each serves, and whether the requester
 *                            holds it
 * @param claims              the claimants that need the subnets once the execution is done
 * @param verification        what VerifyInterfaceEndpoint proved, and the probe
 * @param cleanedUp           the run left no trace (cleanup requested and done)
 * @param cleanupDetail       what cleanup did, or why it did nothing, for a person
 */
public record InterfaceExecutionOutput(String region, String serviceName, String vpcId, String endpointType,
                                       String vpcEndpointId, boolean created, boolean owned, List<String> subnetIds,
                                       List<String> securityGroupIds, List<String> networkInterfaceIds,
                                       InterfaceVerification.DnsNames dnsNames, String endpointUrl,
                                       List<InterfaceVerification.Endpoint> endpoints, List<String> claims,
                                       Checks verification, boolean cleanedUp, String cleanupDetail) {

    /** What VerifyInterfaceEndpoint checked, and what the probe inside the VPC found or why it did not run. */
    public record Checks(boolean interfacesOk, boolean securityGroupsOk, boolean listTablesOk, ProbeResult probe) {
    }

    public InterfaceExecutionOutput {
        subnetIds = subnetIds == null ? List.of() : List.copyOf(subnetIds);
        securityGroupIds = securityGroupIds == null ? List.of() : List.copyOf(securityGroupIds);
        networkInterfaceIds = networkInterfaceIds == null ? List.of() : List.copyOf(networkInterfaceIds);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        claims = claims == null ? List.of() : List.copyOf(claims);
    }

    /** The execution's output document, read strictly. */
    public static InterfaceExecutionOutput read(JsonNode output) {
        try {
            return Json.MAPPER.treeToValue(output, InterfaceExecutionOutput.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The execution's output is not the state machine's BuildInterfaceOutput "
                    + "document: " + e.getOriginalMessage(), e);
        }
    }
}
