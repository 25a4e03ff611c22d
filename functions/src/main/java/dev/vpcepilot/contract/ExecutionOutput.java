package dev.vpcepilot.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.datapath.SubnetVerdict;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.List;

/**
 * What a successful execution of the endpoint state machine answers: the document its {@code BuildOutput} state
 * writes (statemachine/vpc-endpoint.asl.json; BuildProbedOutput adds verification.probe), field for field (ExecutionOutputContractTest keeps the two in step).
 * The custom-resource hook reads it with the strict mapper: a field the definition writes and this record lacks is an
 * error, not a silent loss.
 *
 * @param region        the execution's region
 * @param serviceName   the endpoint service
 * @param vpcId         the VPC
 * @param vpcEndpointId the endpoint that serves every requested route table, when one does (else null)
 * @param created       this execution created an endpoint
 * @param owned         every serving endpoint is vpce-pilot's
 * @param routeTableIds the requested route tables
 * @param prefixListId  the service's prefix list, as the routes name it
 * @param endpoints     the serving endpoints, the requested route tables each serves, and whether the requester
 *                      holds it
 * @param claims        the claimants that need the route tables once the execution is done
 * @param verification  what VerifyEndpoint proved
 * @param cleanedUp     the run left no trace (cleanup requested and done)
 * @param cleanupDetail what cleanup did, or why it did nothing, for a person
 */
public record ExecutionOutput(String region, String serviceName, String vpcId, String vpcEndpointId, boolean created,
                              boolean owned, List<String> routeTableIds, String prefixListId,
                              List<SharedEndpoints.EndpointReport> endpoints, List<String> claims, Checks verification,
                              boolean cleanedUp, String cleanupDetail) {

    /**
     * What VerifyEndpoint checked: every route table routes to the endpoint; DynamoDB answered; every subnet on a
     * served table can reach the service through it; the verdict of every subnet of the VPC; and what the probe
     * inside the VPC found, or why it did not run (in every VPC but the one it is deployed in: not there).
     */
    public record Checks(boolean routesOk, boolean listTablesOk, boolean dataPathOk, List<SubnetVerdict> subnets,
                         ProbeResult probe) {
        public Checks {
            subnets = subnets == null ? List.of() : List.copyOf(subnets);
        }
    }

    public ExecutionOutput {
        routeTableIds = routeTableIds == null ? List.of() : List.copyOf(routeTableIds);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        claims = claims == null ? List.of() : List.copyOf(claims);
    }

    /** The execution's output document, read strictly. */
    public static ExecutionOutput read(JsonNode output) {
        try {
            return Json.MAPPER.treeToValue(output, ExecutionOutput.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The execution's output is not the state machine's BuildOutput document: "
                    + e.getOriginalMessage(), e);
        }
    }
}
