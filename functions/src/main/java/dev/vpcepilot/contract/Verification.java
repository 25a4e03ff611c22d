package dev.vpcepilot.contract;

import dev.vpcepilot.datapath.SubnetVerdict;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.util.List;

/**
 * What VerifyEndpoint proved and recorded. Travels as {@code $.verification}. A failed check of the routes or of
 * ListTables is a {@code VerificationFailed} error, so a result always has both flags true; the data path is reported
 * ({@code dataPathOk}, {@code subnets}), and is an error ({@code DataPathBlocked}) only when the input requires it.
 *
 * @param routesOk             every requested route table routes the service's prefix list to an available endpoint
 * @param listTablesOk         DynamoDB ListTables answered (all pages)
 * @param prefixListId         the service's prefix list, as the routes name it
 * @param vpcEndpointId        the endpoint that serves every requested route table, when one does (else null)
 * @param owned                every serving endpoint is vpce-pilot's
 * @param endpoints            the serving endpoints and the requested route tables each serves
 * @param claims               the claimants that now need the requested route tables (this run's among them)
 * @param checkedRouteTableIds the route tables checked
 * @param tableCount           how many tables ListTables returned
 * @param dataPathOk           every subnet whose effective route table the run serves is {@code reachable}
 * @param subnets              a verdict for every subnet of the VPC (those on other tables too: they do not count)
 */
public record Verification(
        boolean routesOk,
        boolean listTablesOk,
        String prefixListId,
        String vpcEndpointId,
        boolean owned,
        List<SharedEndpoints.EndpointReport> endpoints,
        List<String> claims,
        List<String> checkedRouteTableIds,
        int tableCount,
        boolean dataPathOk,
        List<SubnetVerdict> subnets) {
}
