package dev.vpcepilot.integration;

import static dev.vpcepilot.support.MotoEc2.ownedTags;
import static dev.vpcepilot.support.MotoEc2.tagsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.model.EndpointState;
import dev.vpcepilot.model.ResolvedVpc;
import dev.vpcepilot.model.Verification;
import dev.vpcepilot.service.EndpointManager;
import dev.vpcepilot.service.EndpointVerifier;
import dev.vpcepilot.service.PolicyDocuments;
import dev.vpcepilot.service.VpcResolver;
import dev.vpcepilot.support.MotoEc2;
import dev.vpcepilot.support.SharedMoto;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * Reuse-or-create and converge through the real SDK client against moto_server. Each test works in a VPC of its
 * own, with its main route table and one explicitly associated table.
 */
class EndpointManagerIntegrationTest {

    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:EndpointStateMachine:run-1";
    private static final String OTHER_EXECUTION =
            "arn:aws:states:us-east-1:123456789012:execution:EndpointStateMachine:run-2";
    private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"dynamodb:ListTables\",\"Resource\":\"*\"}]}";
    private static final String OTHER_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\"}]}";

    private static MotoServer moto;
    private static MotoEc2 aws;
    private static int nextCidr = 30;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private String vpcId;
    private String main;
    private String extra;

    @BeforeAll
    static void emulator() {
        moto = SharedMoto.fresh();
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    @BeforeEach
    void vpcOfItsOwn() {
        int n = nextCidr++;
        vpcId = aws.createVpc("10." + n + ".0.0/16");
        main = aws.mainRouteTableId(vpcId);
        extra = aws.createAssociatedRouteTable(vpcId, "10." + n + ".1.0/24");
    }

    @AfterEach
    void nothingOutsideTheTestsVpc() {
        assertEquals(List.of(), aws.liveEndpoints(aws.defaultVpcId()));
    }

    private EndpointManager manager(Ec2Client ec2) {
        return new EndpointManager(ec2, Clock.systemUTC(), log::add);
    }

    private EndpointManager.Request request(List<String> routeTableIds, String policy, Map<String, String> tags,
                                            String executionId) {
        return new EndpointManager.Request(aws.dynamoDbService(), vpcId, routeTableIds, policy, tags, executionId);
    }

    private EndpointManager.Request request(List<String> routeTableIds) {
        return request(routeTableIds, null, Map.of(), EXECUTION);
    }

    private List<String> bothTables() {
        return Stream.of(main, extra).sorted().toList();
    }

    @Test
    void createsAGatewayEndpointTaggedAsOwnedWithItsRouteTablesAndPolicy() {
        EndpointState state = manager(aws.ec2()).ensure(request(bothTables(), POLICY, Map.of("team", "data"), EXECUTION));

        assertTrue(state.created());
        assertTrue(state.owned());
        assertTrue(state.modified());
        assertEquals("available", state.state());
        assertEquals(0, state.waitAttempts());
        assertEquals(Set.copyOf(bothTables()), Set.copyOf(state.routeTableIds()));

        VpcEndpoint endpoint = aws.endpoint(state.vpcEndpointId()).orElseThrow();
        assertEquals(VpcEndpointType.GATEWAY, endpoint.vpcEndpointType());
        assertEquals(vpcId, endpoint.vpcId());
        assertEquals(aws.dynamoDbService(), endpoint.serviceName());
        assertEquals(Map.of("managed-by", "vpce-pilot", "vpce-pilot:execution", EXECUTION, "team", "data"),
                tagsOf(endpoint));
        assertEquals(Set.copyOf(bothTables()), Set.copyOf(endpoint.routeTableIds()));
        assertTrue(PolicyDocuments.same(POLICY, endpoint.policyDocument()), endpoint.policyDocument());
        for (String table : bothTables()) {
            assertEquals(List.of(state.vpcEndpointId()), List.copyOf(aws.prefixListRoutes(table).values()),
                    "the prefix-list route of " + table);
        }
        assertTrue(log.contains("Created " + state.vpcEndpointId() + " in " + vpcId), log::toString);
    }

    @Test
    void aRerunReusesTheEndpointAndLeavesExactlyOne() {
        EndpointState first = manager(aws.ec2()).ensure(request(bothTables()));

        EndpointState second = manager(aws.ec2()).ensure(request(bothTables(), null, Map.of(), OTHER_EXECUTION));
        EndpointState third = manager(aws.ec2()).ensure(request(bothTables(), null, Map.of(), OTHER_EXECUTION));
        // the creating execution's own step retried (after a transient error that followed the create)
        EndpointState retried = manager(aws.ec2()).ensure(request(bothTables()));
        assertEquals(first.vpcEndpointId(), retried.vpcEndpointId());
        assertTrue(retried.created(), "made by this execution: still reported as created");

        for (EndpointState again : List.of(second, third)) {
            assertEquals(first.vpcEndpointId(), again.vpcEndpointId());
            assertFalse(again.created(), () -> again + " " + log);
            assertTrue(again.owned());
            assertFalse(again.modified(), "nothing to change");
        }
        assertEquals(List.of(first.vpcEndpointId()),
                aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).toList());
        // the endpoint still names the execution that created it
        assertEquals(EXECUTION, tagsOf(aws.endpoint(first.vpcEndpointId()).orElseThrow()).get("vpce-pilot:execution"));
    }

    @Test
    void aRerunAddsTheRouteTablesTheEndpointLacksAndUpdatesTheOwnedPolicy() {
        EndpointState first = manager(aws.ec2()).ensure(request(List.of(main), POLICY, Map.of(), EXECUTION));

        EndpointState second = manager(aws.ec2()).ensure(request(bothTables(), OTHER_POLICY, Map.of(),
                OTHER_EXECUTION));

        assertEquals(first.vpcEndpointId(), second.vpcEndpointId());
        assertFalse(second.created());
        assertTrue(second.modified());
        VpcEndpoint endpoint = aws.endpoint(first.vpcEndpointId()).orElseThrow();
        assertEquals(Set.copyOf(bothTables()), Set.copyOf(endpoint.routeTableIds()));
        assertEquals(Set.copyOf(bothTables()), Set.copyOf(second.routeTableIds()));
        // MotoServer's AWS-faithful moto adds the route, as AWS does (plain moto 5.2 only lists the table)
        assertEquals(List.of(first.vpcEndpointId()), List.copyOf(aws.prefixListRoutes(extra).values()));
        assertEquals(List.of(first.vpcEndpointId()), List.copyOf(aws.prefixListRoutes(main).values()));
        assertTrue(PolicyDocuments.same(OTHER_POLICY, endpoint.policyDocument()), endpoint.policyDocument());
    }

    @Test
    void aForeignEndpointIsReusedGetsTheMissingRouteTablesButKeepsItsPolicy() {
        String foreign = aws.createEndpoint(vpcId, List.of(main), Map.of("owner", "network-team"), POLICY);

        EndpointState state = manager(aws.ec2()).ensure(request(bothTables(), OTHER_POLICY, Map.of(), EXECUTION));

        assertEquals(foreign, state.vpcEndpointId());
        assertFalse(state.created());
        assertFalse(state.owned());
        assertTrue(state.modified());
        VpcEndpoint endpoint = aws.endpoint(foreign).orElseThrow();
        assertEquals(Set.copyOf(bothTables()), Set.copyOf(endpoint.routeTableIds()));
        assertTrue(PolicyDocuments.same(POLICY, endpoint.policyDocument()), "the foreign policy must stay: "
                + endpoint.policyDocument());
        assertEquals(Map.of("owner", "network-team"), tagsOf(endpoint), "no ownership tags on someone else's");
        assertEquals(List.of(foreign), aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).toList());
        assertTrue(log.stream().anyMatch(l -> l.contains("Left the policy of " + foreign + " alone")), log::toString);
    }

    @Test
    void aDeletedEndpointIsNotReused() {
        EndpointState first = manager(aws.ec2()).ensure(request(bothTables()));
        aws.deleteEndpoint(first.vpcEndpointId());

        EndpointState second = manager(aws.ec2()).ensure(request(bothTables()));

        assertNotEquals(first.vpcEndpointId(), second.vpcEndpointId());
        assertTrue(second.created());
        assertEquals("deleted", aws.endpoint(first.vpcEndpointId()).orElseThrow().stateAsString());
    }

    @Test
    void convergeKeepsTheOldestAndDeletesTheOtherOwnedEndpointsButNeverAForeignOne() {
        // Concurrent executions: while this one creates its endpoint, another execution and a person create theirs
        // (moto ignores ClientToken, so nothing stops the duplicates).
        List<String> racers = new ArrayList<>();
        Ec2Client racing = intercept(aws.ec2(), create -> {
            racers.add(aws.createEndpoint(vpcId, List.of(), ownedTags(OTHER_EXECUTION), null));
            racers.add(aws.createEndpoint(vpcId, List.of(), Map.of("owner", "someone-else"), null));
        }, false);

        EndpointState state = manager(racing).ensure(request(List.of(main)));

        String otherOwned = racers.get(0);
        String foreign = racers.get(1);
        List<VpcEndpoint> all = aws.allEndpoints().stream().filter(e -> e.vpcId().equals(vpcId)).toList();
        assertEquals(3, all.size(), all::toString);
        String mine = all.stream().map(VpcEndpoint::vpcEndpointId).filter(id -> !racers.contains(id)).findFirst()
                .orElseThrow();
        // the oldest by creation time (moto's are in whole seconds), then by id: the order converge uses
        String oldest = all.stream().min(Comparator.comparing(VpcEndpoint::creationTimestamp)
                .thenComparing(VpcEndpoint::vpcEndpointId)).orElseThrow().vpcEndpointId();

        assertEquals(oldest, state.vpcEndpointId(), "every execution converges on the oldest");
        assertEquals(oldest.equals(mine), state.created());
        assertTrue(aws.isLive(foreign), "a foreign endpoint is never deleted");
        assertTrue(aws.isLive(oldest));
        for (String owned : List.of(mine, otherOwned)) {
            assertEquals(owned.equals(oldest), aws.isLive(owned), owned + " is owned: kept only if it is the oldest");
        }
        Set<String> live = aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).collect(Collectors.toSet());
        assertEquals(new java.util.HashSet<>(List.of(oldest, foreign)), live);
        if (!oldest.equals(mine)) {
            // the winner got the route table this request asked for
            assertTrue(aws.endpoint(oldest).orElseThrow().routeTableIds().contains(main));
        }
    }

    @Test
    void losingTheCreateRaceOnAwsReusesTheWinnerAndItsRoutesVerify() {
        // On AWS a second gateway endpoint for the same route tables fails with RouteAlreadyExists: another
        // execution created the endpoint after this one looked (and after ResolveVpc read the route tables).
        ResolvedVpc vpc = new VpcResolver(aws.ec2()).resolve(vpcId, bothTables());
        List<String> winner = new ArrayList<>();
        Ec2Client racing = intercept(aws.ec2(), create -> winner.add(aws.createEndpoint(vpcId, create.routeTableIds(),
                ownedTags(OTHER_EXECUTION), null)), true);

        EndpointState state = manager(racing).ensure(request(bothTables()));

        assertEquals(winner.get(0), state.vpcEndpointId());
        assertFalse(state.created());
        assertTrue(state.owned());
        assertEquals(List.of(winner.get(0)), aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).toList());
        // the route tables ResolveVpc read predate the winner: verification must not trust them
        Verification verification = new EndpointVerifier(aws.ec2(), aws.dynamoDb()).verify(state, vpc);
        assertTrue(verification.routesOk());
        assertTrue(verification.routesReadAgain());
    }

    @Test
    void aTagKeyOfTheRequestIsAddedNextToTheOwnershipTags() {
        EndpointState state = manager(aws.ec2()).ensure(request(List.of(extra), null,
                Map.of("cost-center", "42", "env", "test"), EXECUTION));

        Map<String, String> tags = tagsOf(aws.endpoint(state.vpcEndpointId()).orElseThrow());
        assertEquals("42", tags.get("cost-center"));
        assertEquals("test", tags.get("env"));
        assertEquals("vpce-pilot", tags.get("managed-by"));
        assertEquals(List.of(extra), aws.endpoint(state.vpcEndpointId()).orElseThrow().routeTableIds());
        assertEquals(Map.of(), aws.prefixListRoutes(main), "a table not asked for gets no route");
    }

    /**
     * The real client, except that CreateVpcEndpoint first runs {@code race} (what a concurrent caller does at
     * that moment) and then either goes through or, as AWS answers when the route tables already route the service
     * to another endpoint, fails with RouteAlreadyExists.
     */
    private static Ec2Client intercept(Ec2Client real, Consumer<CreateVpcEndpointRequest> race,
                                       boolean routeAlreadyExists) {
        return (Ec2Client) Proxy.newProxyInstance(Ec2Client.class.getClassLoader(), new Class<?>[] {Ec2Client.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createVpcEndpoint") && args != null && args.length == 1
                            && args[0] instanceof CreateVpcEndpointRequest create) {
                        race.accept(create);
                        if (routeAlreadyExists) {
                            throw Ec2Exception.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                                    .errorCode("RouteAlreadyExists").errorMessage("route already exists").build())
                                    .build();
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
