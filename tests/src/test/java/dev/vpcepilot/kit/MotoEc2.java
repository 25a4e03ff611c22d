package dev.vpcepilot.kit;

import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.sharing.Ownership;
import dev.vpcepilot.testkit.emulator.Ec2Query;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * Sets up and inspects moto_server's EC2 and DynamoDB for the integration and workflow tests, in one region.
 *
 * <p>Most calls use the real SDK clients (the tests' generated superset of the shipped ones). The few EC2 operations
 * that neither the functions nor the tests' SDK models have (CreateRouteTable, AssociateRouteTable, DeleteRoute,
 * DeleteSubnet, DeleteVpc) are sent as plain EC2 Query requests: moto_server does not check signatures, it only reads
 * the region from the credential scope of the {@code Authorization} header.
 */
public final class MotoEc2 implements AutoCloseable {

    private static final Pattern ROUTE_TABLE_ID = Pattern.compile("<routeTableId>(rtb-[0-9a-f]+)</routeTableId>");
    /** The second octet of the next {@link #freshVpc}'s CIDR, one counter for the test JVM. */
    private static final AtomicInteger NEXT_CIDR = new AtomicInteger((int) (System.nanoTime() & 0x7f));

    private final URI endpoint;
    private final String region;
    private final AwsClients base;
    private final AwsClients clients;
    private final String accessKeyId;

    public MotoEc2(URI endpoint, String region) {
        this.endpoint = endpoint;
        this.region = region;
        this.base = AwsClients.forEndpoint(region, endpoint);
        this.clients = base;
        this.accessKeyId = "testing";
    }

    private MotoEc2(URI endpoint, String region, AwsClients base, AwsClients clients, String accessKeyId) {
        this.endpoint = endpoint;
        this.region = region;
        this.base = base;
        this.clients = clients;
        this.accessKeyId = accessKeyId;
    }

    /**
     * The emulator as another account sees it: moto maps the credentials of an assumed role to the role's account
     * (each account its own world, with its own default VPC per region), as the fleet's targets are.
     */
    public static MotoEc2 inAccount(URI endpoint, String region, String account) {
        AwsClients base = AwsClients.forEndpoint(region, endpoint);
        software.amazon.awssdk.services.sts.model.Credentials credentials = base.sts().assumeRole(r -> r
                .roleArn("arn:aws:iam::" + account + ":role/vpce-pilot-test-setup").roleSessionName("setup"))
                .credentials();
        AwsClients clients = base.forTarget(region, software.amazon.awssdk.auth.credentials.StaticCredentialsProvider
                .create(software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(credentials.accessKeyId(),
                        credentials.secretAccessKey(), credentials.sessionToken())));
        return new MotoEc2(endpoint, region, base, clients, credentials.accessKeyId());
    }

    /** The tags vpce-pilot puts on an endpoint it creates for {@code executionId}. */
    public static Map<String, String> ownedTags(String executionId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(Ownership.MANAGED_BY_KEY, Ownership.MANAGED_BY_VALUE);
        tags.put(Ownership.EXECUTION_KEY, executionId);
        return tags;
    }

    public static Map<String, String> tagsOf(VpcEndpoint endpoint) {
        return endpoint.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b, LinkedHashMap::new));
    }

    public static boolean isLive(VpcEndpoint endpoint) {
        String state = endpoint.stateAsString();
        return !"deleted".equalsIgnoreCase(state) && !"deleting".equalsIgnoreCase(state);
    }

    public String region() {
        return region;
    }

    public URI endpoint() {
        return endpoint;
    }

    public AwsClients clients() {
        return clients;
    }

    public Ec2Client ec2() {
        return clients.ec2();
    }

    public DynamoDbClient dynamoDb() {
        return clients.dynamoDb();
    }

    /** {@code com.amazonaws.<region>.dynamodb} */
    public String dynamoDbService() {
        return "com.amazonaws." + region + ".dynamodb";
    }

    // ---- VPCs, subnets and route tables

    public String defaultVpcId() {
        return ec2().describeVpcs(r -> r.filters(Filter.builder().name("isDefault").values("true").build()))
                .vpcs().stream().findFirst().orElseThrow(() -> new IllegalStateException("no default VPC in " + region))
                .vpcId();
    }

    /** A VPC of its own, with its main route table first and {@code extra} more, each associated with a subnet. */
    public record Vpc(String id, List<String> routeTables) {
        public String main() {
            return routeTables.get(0);
        }

        public String table(int i) {
            return routeTables.get(i);
        }
    }

    /** A new VPC that no other test touches ({@code 10.n.0.0/16}), with {@code extra} route tables besides its main. */
    public Vpc freshVpc(int extra) {
        int n = NEXT_CIDR.getAndIncrement() % 250;
        String vpc = createVpc("10." + n + ".0.0/16");
        List<String> tables = new ArrayList<>();
        tables.add(mainRouteTableId(vpc));
        for (int i = 1; i <= extra; i++) {
            tables.add(createAssociatedRouteTable(vpc, "10." + n + "." + i + ".0/24"));
        }
        return new Vpc(vpc, List.copyOf(tables));
    }

    /** A VPC of its own with a subnet in each of some zones, in that order. */
    public record Place(String vpcId, String cidr, List<String> subnets) {
    }

    /** A new VPC ({@code 10.n.0.0/16}, as {@link #freshVpc}) with a subnet {@code 10.n.i.0/24} in each zone. */
    public Place place(String... zones) {
        int n = NEXT_CIDR.getAndIncrement() % 250;
        String cidr = "10." + n + ".0.0/16";
        String vpc = createVpc(cidr);
        List<String> subnets = new ArrayList<>();
        for (int i = 0; i < zones.length; i++) {
            subnets.add(createSubnet(vpc, "10." + n + "." + i + ".0/24", zones[i]));
        }
        return new Place(vpc, cidr, List.copyOf(subnets));
    }

    public String createVpc(String cidr) {
        return ec2().createVpc(r -> r.cidrBlock(cidr)).vpc().vpcId();
    }

    public List<RouteTable> routeTables(String vpcId) {
        return ec2().describeRouteTables(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .routeTables();
    }

    public RouteTable routeTable(String routeTableId) {
        return ec2().describeRouteTables(r -> r.routeTableIds(routeTableId)).routeTables().get(0);
    }

    /** The VPC's main route table. */
    public String mainRouteTableId(String vpcId) {
        return routeTables(vpcId).stream()
                .filter(t -> t.associations().stream().anyMatch(a -> Boolean.TRUE.equals(a.main())))
                .findFirst().orElseThrow(() -> new IllegalStateException(vpcId + " has no main route table"))
                .routeTableId();
    }

    /** A new route table in the VPC, associated with nothing. */
    public String createRouteTable(String vpcId) {
        return first(ROUTE_TABLE_ID, query("CreateRouteTable", Map.of("VpcId", vpcId)));
    }

    public String createSubnet(String vpcId, String cidr) {
        return ec2().createSubnet(r -> r.vpcId(vpcId).cidrBlock(cidr)).subnet().subnetId();
    }

    /** A new subnet of the VPC in the Availability Zone {@code zone} (e.g. {@code us-east-1a}). */
    public String createSubnet(String vpcId, String cidr, String zone) {
        return ec2().createSubnet(r -> r.vpcId(vpcId).cidrBlock(cidr).availabilityZone(zone)).subnet().subnetId();
    }

    /** A new route table explicitly associated with a new subnet {@code subnetCidr} of the VPC. */
    public String createAssociatedRouteTable(String vpcId, String subnetCidr) {
        String routeTableId = createRouteTable(vpcId);
        String subnetId = createSubnet(vpcId, subnetCidr);
        query("AssociateRouteTable", Map.of("RouteTableId", routeTableId, "SubnetId", subnetId));
        return routeTableId;
    }

    /** Prefix-list routes of a route table: destination prefix list -> gateway (endpoint) id. */
    public Map<String, String> prefixListRoutes(String routeTableId) {
        Map<String, String> routes = new LinkedHashMap<>();
        routeTable(routeTableId).routes().stream()
                .filter(r -> r.destinationPrefixListId() != null)
                .forEach(r -> routes.put(r.destinationPrefixListId(), r.gatewayId()));
        return routes;
    }

    /** Deletes every prefix-list route of the route table (as someone editing the table by hand would). */
    public List<String> deletePrefixListRoutes(String routeTableId) {
        List<String> deleted = new ArrayList<>(prefixListRoutes(routeTableId).keySet());
        for (String prefixListId : deleted) {
            query("DeleteRoute", Map.of("RouteTableId", routeTableId, "DestinationPrefixListId", prefixListId));
        }
        return deleted;
    }

    /** Deletes the region's default VPC (and its default subnets, which it cannot be deleted with). */
    public void deleteDefaultVpc() {
        String vpcId = defaultVpcId();
        ec2().describeSubnets(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build())).subnets()
                .forEach(s -> query("DeleteSubnet", Map.of("SubnetId", s.subnetId())));
        query("DeleteVpc", Map.of("VpcId", vpcId));
    }

    // ---- endpoints

    /** A Gateway endpoint made directly (as someone else, or another execution, would), with these tags. */
    public String createEndpoint(String vpcId, List<String> routeTableIds, Map<String, String> tags, String policy) {
        CreateVpcEndpointRequest.Builder request = CreateVpcEndpointRequest.builder()
                .vpcId(vpcId)
                .serviceName(dynamoDbService())
                // moto: HTTP 500 to DeleteVpcEndpoints of an endpoint made without a type (docs/design.md section 8)
                .vpcEndpointType(VpcEndpointType.GATEWAY)
                .routeTableIds(routeTableIds);
        if (!tags.isEmpty()) {
            request.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.VPC_ENDPOINT)
                    .tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                            .toList())
                    .build());
        }
        if (policy != null) {
            request.policyDocument(policy);
        }
        return ec2().createVpcEndpoint(request.build()).vpcEndpoint().vpcEndpointId();
    }

    /** An endpoint someone else made: no vpce-pilot tags. */
    public String createForeignEndpoint(String vpcId, List<String> routeTableIds) {
        return createEndpoint(vpcId, routeTableIds, Map.of("owner", "someone-else"), null);
    }

    /** The endpoint as moto describes it now (moto keeps deleted endpoints, in state {@code deleted}). */
    public Optional<VpcEndpoint> endpoint(String vpcEndpointId) {
        try {
            return ec2().describeVpcEndpoints(r -> r.vpcEndpointIds(vpcEndpointId)).vpcEndpoints().stream().findFirst();
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode().startsWith("InvalidVpcEndpoint")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public boolean isLive(String vpcEndpointId) {
        return endpoint(vpcEndpointId).map(MotoEc2::isLive).orElse(false);
    }

    /** Every endpoint of the region, in any state. */
    public List<VpcEndpoint> allEndpoints() {
        List<VpcEndpoint> all = new ArrayList<>();
        ec2().describeVpcEndpointsPaginator(r -> { }).vpcEndpoints().forEach(all::add);
        return all;
    }

    /** The endpoints of the VPC that are not deleted. */
    public List<VpcEndpoint> liveEndpoints(String vpcId) {
        return allEndpoints().stream().filter(e -> vpcId.equals(e.vpcId())).filter(MotoEc2::isLive).toList();
    }

    public void deleteEndpoint(String vpcEndpointId) {
        ec2().deleteVpcEndpoints(r -> r.vpcEndpointIds(vpcEndpointId));
    }

    // ---- DynamoDB

    public void createTables(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String name = String.format("%s-%03d", prefix, i);
            dynamoDb().createTable(r -> r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        }
    }

    // ---- plain EC2 Query requests

    /** Sends one EC2 Query action to moto_server; returns the XML answer, or throws on an error answer. */
    public String query(String action, Map<String, String> parameters) {
        return new Ec2Query(endpoint, accessKeyId, region).send(action, parameters);
    }

    private static String first(Pattern pattern, String xml) {
        return Ec2Query.first(pattern, xml);
    }

    @Override
    public void close() {
        if (clients != base) {
            clients.close();
        }
        base.close();
    }
}
