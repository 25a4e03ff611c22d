package dev.vpcepilot.sharing;

import static dev.vpcepilot.fixtures.Fixtures.ec2Error;
import static dev.vpcepilot.sharing.SharingFixtures.AWS_DEFAULT;
import static dev.vpcepilot.sharing.SharingFixtures.LONG_AGO;
import static dev.vpcepilot.sharing.SharingFixtures.PL;
import static dev.vpcepilot.sharing.SharingFixtures.SERVICE;
import static dev.vpcepilot.sharing.SharingFixtures.VPC;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import dev.vpcepilot.fixtures.Fixtures;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateTagsRequest;
import software.amazon.awssdk.services.ec2.model.CreateTagsResponse;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.DeleteTagsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteTagsResponse;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DeleteVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcEndpointsResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.ModifyVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItemError;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * One VPC's gateway endpoints and route tables behind a mocked {@link Ec2Client} (a {@code CALLS_REAL_METHODS}
 * mock as in {@link Fixtures}, so the SDK's consumer overloads and paginators reach the answers here), with the
 * gateway behaviour of AWS: a create or an added route table gets the prefix-list route, a table that already
 * routes the service elsewhere is {@code RouteAlreadyExists}, a removal or delete takes only the endpoint's own
 * routes, a repeated {@code ClientToken} answers the endpoint it made. Every write is checked to happen inside the
 * scope's lock, after that hold read EC2, and is logged in {@link #writes()}; reads without the lock are counted.
 */
final class FakeVpc {

    /** The hold (counted by the lock) in which EC2 was last read, or -1. */
    private int observedInHold = -1;
    private int readsWithoutTheLock;
    private final List<String> readsUnderTheLock = new ArrayList<>();

    /** One endpoint as EC2 holds it. */
    static final class Endpoint {
        final String id;
        String state = "available";
        final Set<String> tables = new LinkedHashSet<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        String policy = AWS_DEFAULT;
        Instant created = LONG_AGO;

        Endpoint(String id) {
            this.id = id;
        }

        Endpoint policy(String value) {
            policy = value;
            return this;
        }

        Endpoint tag(String key, String value) {
            tags.put(key, value);
            return this;
        }

        Endpoint state(String value) {
            state = value;
            return this;
        }
    }

    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    /** route table -> endpoint its prefix-list route targets */
    private final Map<String, String> routes = new TreeMap<>();
    private final Set<String> tables = new LinkedHashSet<>(List.of(SharingFixtures.RTB_A, SharingFixtures.RTB_B,
            SharingFixtures.RTB_C, SharingFixtures.RTB_D));
    private final Map<String, String> tokens = new HashMap<>();
    private final List<String> writes = new ArrayList<>();
    private final CountingLock lock;
    private final Clock clock;
    private final Ec2Client client = Fixtures.ec2();
    private int created;
    private String createdState = "available";
    private Runnable onObserve = () -> { };

    FakeVpc(CountingLock lock, Clock clock) {
        this.lock = lock;
        this.clock = clock;
        doAnswer(i -> describeEndpoints(i.getArgument(0))).when(client)
                .describeVpcEndpoints(any(DescribeVpcEndpointsRequest.class));
        doAnswer(i -> describeTables(i.getArgument(0))).when(client)
                .describeRouteTables(any(DescribeRouteTablesRequest.class));
        doAnswer(i -> create(i.getArgument(0))).when(client).createVpcEndpoint(any(CreateVpcEndpointRequest.class));
        doAnswer(i -> modify(i.getArgument(0))).when(client).modifyVpcEndpoint(any(ModifyVpcEndpointRequest.class));
        doAnswer(i -> delete(i.getArgument(0))).when(client).deleteVpcEndpoints(any(DeleteVpcEndpointsRequest.class));
        doAnswer(i -> createTags(i.getArgument(0))).when(client).createTags(any(CreateTagsRequest.class));
        doAnswer(i -> deleteTags(i.getArgument(0))).when(client).deleteTags(any(DeleteTagsRequest.class));
    }

    Ec2Client client() {
        return client;
    }

    /** An available endpoint of ours made by {@code createdBy}, routed in each of its tables. */
    Endpoint ours(String id, String createdBy, String... routeTableIds) {
        Endpoint endpoint = foreign(id, routeTableIds);
        endpoint.tags.put("managed-by", "vpce-pilot");
        endpoint.tags.put("vpce-pilot:execution", createdBy);
        return endpoint;
    }

    /** An available endpoint someone else made, routed in each of its tables. */
    Endpoint foreign(String id, String... routeTableIds) {
        Endpoint endpoint = new Endpoint(id);
        endpoints.put(id, endpoint);
        for (String table : routeTableIds) {
            endpoint.tables.add(table);
            routes.put(table, id);
        }
        return endpoint;
    }

    /** {@code count} more route tables in the VPC, each with only its local route (a VPC with many subnets). */
    void moreTables(int count) {
        for (int i = 0; i < count; i++) {
            tables.add(String.format("rtb-%017d", i));
        }
    }

    /** The table stays associated with its endpoint but loses its route (someone deleted it by hand). */
    void loseRoute(String routeTableId) {
        routes.remove(routeTableId);
    }

    /** The state new endpoints are created in. */
    void createIn(String state) {
        createdState = state;
    }

    /**
     * Runs each time the VPC is observed under the lock (between the claims read and the claims write of a step);
     * not on a read without it.
     */
    void onObserve(Runnable action) {
        onObserve = action;
    }

    Endpoint endpoint(String id) {
        return endpoints.get(id);
    }

    Set<String> endpointIds() {
        return endpoints.keySet();
    }

    /** route table -> endpoint its route targets. */
    Map<String, String> routes() {
        return Map.copyOf(routes);
    }

    List<String> writes() {
        return List.copyOf(writes);
    }

    /** Reads of the endpoints or route tables made without the lock (rule 16's optimistic read). */
    int readsWithoutTheLock() {
        return readsWithoutTheLock;
    }

    /** The reads made under the lock, in order ("endpoints", "route tables"). */
    List<String> readsUnderTheLock() {
        return List.copyOf(readsUnderTheLock);
    }

    /**
     * Rules 4 and 16: a write happens inside a hold of the lock, after the hold read EC2 itself (what a write is
     * decided on is read under the lock, never carried over from a read without it).
     */
    private void write(String what) {
        lock.assertHeld("EC2 write " + what);
        if (observedInHold != lock.holds()) {
            throw new AssertionError("EC2 write " + what + " in a hold that did not read EC2 first");
        }
        writes.add(what);
    }

    private void read() {
        if (lock.held()) {
            observedInHold = lock.holds();
        } else {
            readsWithoutTheLock++;
        }
    }

    private DescribeVpcEndpointsResponse describeEndpoints(DescribeVpcEndpointsRequest request) {
        read();
        if (lock.held()) {
            readsUnderTheLock.add("endpoints");
        }
        Map<String, List<String>> filters = filters(request.filters());
        if (!filters.equals(Map.of("vpc-id", List.of(VPC), "service-name", List.of(SERVICE)))) {
            throw new AssertionError("unexpected filters " + filters);
        }
        if (lock.held()) {
            onObserve.run();
        }
        return DescribeVpcEndpointsResponse.builder().vpcEndpoints(endpoints.values().stream()
                .map(FakeVpc::described).toList()).build();
    }

    private DescribeRouteTablesResponse describeTables(DescribeRouteTablesRequest request) {
        read();
        if (lock.held()) {
            readsUnderTheLock.add("route tables");
        }
        if (!filters(request.filters()).equals(Map.of("vpc-id", List.of(VPC)))) {
            throw new AssertionError("unexpected filters " + request.filters());
        }
        return DescribeRouteTablesResponse.builder().routeTables(tables.stream().map(t -> {
            List<Route> tableRoutes = new ArrayList<>();
            tableRoutes.add(Route.builder().destinationCidrBlock("172.31.0.0/16").gatewayId("local").state("active")
                    .build());
            if (routes.containsKey(t)) {
                tableRoutes.add(Route.builder().destinationPrefixListId(PL).gatewayId(routes.get(t)).state("active")
                        .build());
            }
            return RouteTable.builder().routeTableId(t).vpcId(VPC).routes(tableRoutes).build();
        }).toList()).build();
    }

    private CreateVpcEndpointResponse create(CreateVpcEndpointRequest request) {
        write("create " + request.routeTableIds());
        String known = tokens.get(request.clientToken());
        if (known != null) {
            return CreateVpcEndpointResponse.builder().vpcEndpoint(described(endpoints.get(known))).build();
        }
        if (request.vpcEndpointType() != VpcEndpointType.GATEWAY || !SERVICE.equals(request.serviceName())) {
            throw new AssertionError("not a gateway endpoint of the service: " + request);
        }
        for (String table : request.routeTableIds()) {
            if (routes.containsKey(table)) {
                throw ec2Error(400, "RouteAlreadyExists");
            }
        }
        Endpoint endpoint = new Endpoint("vpce-new" + (++created));
        endpoint.state = createdState;
        endpoint.created = clock.instant().minusSeconds(1);
        endpoint.policy = request.policyDocument() == null ? AWS_DEFAULT : request.policyDocument();
        request.tagSpecifications().forEach(s -> s.tags().forEach(t -> endpoint.tags.put(t.key(), t.value())));
        endpoints.put(endpoint.id, endpoint);
        for (String table : request.routeTableIds()) {
            endpoint.tables.add(table);
            routes.put(table, endpoint.id);
        }
        tokens.put(request.clientToken(), endpoint.id);
        return CreateVpcEndpointResponse.builder().vpcEndpoint(described(endpoint))
                .clientToken(request.clientToken()).build();
    }

    private ModifyVpcEndpointResponse modify(ModifyVpcEndpointRequest request) {
        Endpoint endpoint = existing(request.vpcEndpointId());
        if (!request.addRouteTableIds().isEmpty()) {
            write("modify " + endpoint.id + " +" + request.addRouteTableIds());
            for (String table : request.addRouteTableIds()) {
                if (routes.containsKey(table) && !routes.get(table).equals(endpoint.id)) {
                    throw ec2Error(400, "RouteAlreadyExists");
                }
            }
            request.addRouteTableIds().forEach(t -> {
                endpoint.tables.add(t);
                routes.put(t, endpoint.id);
            });
        }
        if (!request.removeRouteTableIds().isEmpty()) {
            write("modify " + endpoint.id + " -" + request.removeRouteTableIds());
            request.removeRouteTableIds().forEach(t -> {
                endpoint.tables.remove(t);
                routes.remove(t, endpoint.id);
            });
        }
        if (Boolean.TRUE.equals(request.resetPolicy())) {
            write("reset policy " + endpoint.id);
            endpoint.policy = AWS_DEFAULT;
        } else if (request.policyDocument() != null) {
            write("policy " + endpoint.id);
            endpoint.policy = request.policyDocument();
        }
        return ModifyVpcEndpointResponse.builder().returnValue(true).build();
    }

    private DeleteVpcEndpointsResponse delete(DeleteVpcEndpointsRequest request) {
        write("delete " + request.vpcEndpointIds());
        List<UnsuccessfulItem> unsuccessful = new ArrayList<>();
        for (String id : request.vpcEndpointIds()) {
            if (endpoints.remove(id) == null) {
                unsuccessful.add(UnsuccessfulItem.builder().resourceId(id).error(UnsuccessfulItemError.builder()
                        .code("InvalidVpcEndpoint.NotFound").message("no " + id).build()).build());
            }
            routes.values().removeIf(id::equals);
        }
        return DeleteVpcEndpointsResponse.builder().unsuccessful(unsuccessful).build();
    }

    private CreateTagsResponse createTags(CreateTagsRequest request) {
        Endpoint endpoint = existing(request.resources().get(0));
        write("tag " + endpoint.id + " " + request.tags().stream().map(t -> t.key() + "=" + t.value()).toList());
        request.tags().forEach(t -> endpoint.tags.put(t.key(), t.value()));
        return CreateTagsResponse.builder().build();
    }

    private DeleteTagsResponse deleteTags(DeleteTagsRequest request) {
        Endpoint endpoint = existing(request.resources().get(0));
        write("untag " + endpoint.id + " " + request.tags().stream().map(Tag::key).toList());
        request.tags().forEach(t -> endpoint.tags.remove(t.key()));
        return DeleteTagsResponse.builder().build();
    }

    private Endpoint existing(String id) {
        Endpoint endpoint = endpoints.get(id);
        if (endpoint == null) {
            throw ec2Error(400, "InvalidVpcEndpointId.NotFound");
        }
        return endpoint;
    }

    private static VpcEndpoint described(Endpoint endpoint) {
        return VpcEndpoint.builder().vpcEndpointId(endpoint.id).vpcId(VPC).serviceName(SERVICE)
                .vpcEndpointType(VpcEndpointType.GATEWAY).state(endpoint.state).creationTimestamp(endpoint.created)
                .routeTableIds(List.copyOf(endpoint.tables)).policyDocument(endpoint.policy)
                .tags(endpoint.tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue())
                        .build()).toList())
                .build();
    }

    private static Map<String, List<String>> filters(List<Filter> filters) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        filters.forEach(f -> byName.put(f.name(), f.values()));
        return byName;
    }
}
