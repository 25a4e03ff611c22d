package dev.vpcepilot.model;

import java.util.List;

/**
 * What VerifyEndpoint proved. Travels as {@code $.verification}. A failed check is a
 * {@code VerificationFailed} error, so a result always has both flags true.
 *
 * @param routesOk             every route table routes the service's prefix list to the endpoint
 * @param listTablesOk         DynamoDB ListTables answered (all pages)
 * @param prefixListId         the service's prefix list, as the routes name it
 * @param checkedRouteTableIds the route tables checked
 * @param routesReadAgain      whether the route tables were described again (false: the reads of ResolveVpc
 *                             in this execution were current, because the endpoint was reused unchanged)
 * @param tableCount           how many tables ListTables returned
 */
public record Verification(
        boolean routesOk,
        boolean listTablesOk,
        String prefixListId,
        List<String> checkedRouteTableIds,
        boolean routesReadAgain,
        int tableCount) {
}
