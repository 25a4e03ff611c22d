package dev.vpcepilot.service;

import dev.vpcepilot.aws.AwsCalls;
import dev.vpcepilot.errors.VerificationFailed;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.model.ResolvedVpc;
import dev.vpcepilot.model.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * The tutorial's second {@code list-tables}, plus what it never checked:
 * <ul>
 *   <li>every route table the endpoint must serve routes the service's prefix list to this endpoint. The route
 *       tables are read again when this execution created or changed the endpoint; when it reused the endpoint
 *       unchanged, the reads ResolveVpc made in this same execution are used instead, but only to prove the
 *       routes: an endpoint a concurrent execution created after those reads (and reused here) is not in them,
 *       so when they do not show every route, the tables are read again before failing;</li>
 *   <li>DynamoDB {@code ListTables} answers, following every page (bounded).</li>
 * </ul>
 */
public final class EndpointVerifier {

    static final int MAX_LIST_TABLES_PAGES = 100;

    private final Ec2Client ec2;
    private final DynamoDbClient dynamoDb;

    public EndpointVerifier(Ec2Client ec2, DynamoDbClient dynamoDb) {
        this.ec2 = ec2;
        this.dynamoDb = dynamoDb;
    }

    public Verification verify(EndpointState endpoint, ResolvedVpc vpc) {
        boolean readAgain = endpoint.created() || endpoint.modified() || vpc.prefixListRoutes() == null;
        Map<String, Map<String, String>> routes = readAgain ? readRoutes(vpc.routeTableIds()) : vpc.prefixListRoutes();
        TreeSet<String> prefixLists = new TreeSet<>();
        List<String> problems = routeProblems(endpoint, vpc, routes, prefixLists);
        if (!problems.isEmpty() && !readAgain) {
            // The reads of ResolveVpc predate whatever a concurrent execution did since: they prove, never disprove.
            readAgain = true;
            prefixLists.clear();
            problems = routeProblems(endpoint, vpc, readRoutes(vpc.routeTableIds()), prefixLists);
        }
        if (!problems.isEmpty()) {
            throw new VerificationFailed("The endpoint's routes are not in place: " + String.join("; ", problems)
                    + ".");
        }
        int tables = listAllTables();
        return new Verification(true, true, prefixLists.isEmpty() ? null : prefixLists.first(),
                vpc.routeTableIds(), readAgain, tables);
    }

    /** What is wrong with the routes of the tables (none: every table routes one prefix list to the endpoint). */
    private static List<String> routeProblems(EndpointState endpoint, ResolvedVpc vpc,
                                              Map<String, Map<String, String>> routes, TreeSet<String> prefixLists) {
        List<String> problems = new ArrayList<>();
        for (String routeTableId : vpc.routeTableIds()) {
            Map<String, String> tableRoutes = routes.getOrDefault(routeTableId, Map.of());
            List<String> viaEndpoint = tableRoutes.entrySet().stream()
                    .filter(r -> endpoint.vpcEndpointId().equals(r.getValue()))
                    .map(Map.Entry::getKey)
                    .toList();
            if (viaEndpoint.isEmpty()) {
                problems.add(routeTableId + " has no prefix-list route to " + endpoint.vpcEndpointId());
            }
            prefixLists.addAll(viaEndpoint);
        }
        if (prefixLists.size() > 1) {
            problems.add("the route tables route different prefix lists " + prefixLists + " to "
                    + endpoint.vpcEndpointId());
        }
        return problems;
    }

    private Map<String, Map<String, String>> readRoutes(List<String> routeTableIds) {
        List<RouteTable> tables = AwsCalls.call("EC2 DescribeRouteTables",
                () -> ec2.describeRouteTables(r -> r.routeTableIds(routeTableIds)).routeTables());
        Map<String, Map<String, String>> routes = new TreeMap<>();
        tables.forEach(t -> routes.put(t.routeTableId(), VpcResolver.prefixListRoutes(t)));
        return routes;
    }

    private int listAllTables() {
        int count = 0;
        String startAfter = null;
        for (int page = 0; page < MAX_LIST_TABLES_PAGES; page++) {
            String from = startAfter;
            ListTablesResponse response;
            try {
                response = dynamoDb.listTables(r -> r.exclusiveStartTableName(from));
            } catch (AwsServiceException e) {
                if (AwsCalls.isTransient(e)) {
                    throw AwsCalls.translate("DynamoDB ListTables", e);
                }
                throw new VerificationFailed("DynamoDB ListTables failed: " + AwsCalls.errorCode(e) + " (HTTP "
                        + e.statusCode() + "): " + e.awsErrorDetails().errorMessage(), e);
            } catch (SdkException e) {
                throw AwsCalls.translate("DynamoDB ListTables", e);
            }
            count += response.tableNames().size();
            startAfter = response.lastEvaluatedTableName();
            if (startAfter == null) {
                return count;
            }
        }
        return count;
    }
}
