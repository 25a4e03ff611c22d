package dev.vpcepilot.testkit.faults;

import dev.vpcepilot.testkit.emulator.Ec2Query;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * The emulator's EC2 seen directly (not through a proxy), for the kit's own tests: the SDK client of the functions
 * (its operations are those the functions call), and the few setup operations it lacks (CreateVpc,
 * CreateRouteTable) as plain EC2 Query requests; moto_server reads the region from the credential scope of the
 * {@code Authorization} header and checks no signature.
 */
final class EmulatorEc2 {

    static final String REGION = "us-east-1";
    private static final Pattern VPC_ID = Pattern.compile("<vpcId>(vpc-[0-9a-f]+)</vpcId>");
    private static final Pattern ROUTE_TABLE_ID = Pattern.compile("<routeTableId>(rtb-[0-9a-f]+)</routeTableId>");

    private final URI endpoint;
    private final Ec2Client ec2;
    private final Ec2Query query;

    EmulatorEc2(URI endpoint, SdkClients sdk) {
        this.endpoint = endpoint;
        this.ec2 = sdk.ec2(endpoint, SdkClients.noRetries());
        this.query = new Ec2Query(endpoint, "testing", REGION);
    }

    URI endpoint() {
        return endpoint;
    }

    static String dynamoDbService() {
        return "com.amazonaws." + REGION + ".dynamodb";
    }

    String createVpc(String cidr) {
        return first(VPC_ID, query("CreateVpc", Map.of("CidrBlock", cidr)));
    }

    /** A new route table in the VPC, associated with nothing. */
    String createRouteTable(String vpcId) {
        return first(ROUTE_TABLE_ID, query("CreateRouteTable", Map.of("VpcId", vpcId)));
    }

    String mainRouteTableId(String vpcId) {
        return ec2.describeRouteTables(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .routeTables().stream()
                .filter(t -> t.associations().stream().anyMatch(a -> Boolean.TRUE.equals(a.main())))
                .findFirst().map(RouteTable::routeTableId)
                .orElseThrow(() -> new IllegalStateException(vpcId + " has no main route table"));
    }

    /** A Gateway endpoint for DynamoDB made directly, without passing through a proxy. */
    String createEndpoint(String vpcId, List<String> routeTableIds) {
        return ec2.createVpcEndpoint(r -> r.vpcId(vpcId).serviceName(dynamoDbService())
                .vpcEndpointType(VpcEndpointType.GATEWAY).routeTableIds(routeTableIds)).vpcEndpoint().vpcEndpointId();
    }

    Optional<VpcEndpoint> endpoint(String vpcEndpointId) {
        try {
            return ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(vpcEndpointId)).vpcEndpoints().stream().findFirst();
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode().startsWith("InvalidVpcEndpoint")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether the endpoint exists and is not deleted (moto keeps deleted endpoints, in state {@code deleted}). */
    boolean isLive(String vpcEndpointId) {
        return endpoint(vpcEndpointId).map(VpcEndpoint::stateAsString)
                .filter(state -> !state.equalsIgnoreCase("deleted") && !state.equalsIgnoreCase("deleting"))
                .isPresent();
    }

    /** Prefix-list routes of a route table: destination prefix list -> gateway (endpoint) id. */
    Map<String, String> prefixListRoutes(String routeTableId) {
        Map<String, String> routes = new LinkedHashMap<>();
        ec2.describeRouteTables(r -> r.routeTableIds(routeTableId)).routeTables().get(0).routes().stream()
                .filter(route -> route.destinationPrefixListId() != null)
                .forEach(route -> routes.put(route.destinationPrefixListId(), route.gatewayId()));
        return routes;
    }

    private String query(String action, Map<String, String> parameters) {
        return query.send(action, parameters);
    }

    private static String first(Pattern pattern, String xml) {
        return Ec2Query.first(pattern, xml);
    }
}
