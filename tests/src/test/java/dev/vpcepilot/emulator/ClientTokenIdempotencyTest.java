package dev.vpcepilot.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Integration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointRequest;
import software.amazon.awssdk.services.ec2.model.CreateVpcEndpointResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * CreateVpcEndpoint's ClientToken in the emulator patch, as EC2 documents it ("Ensuring idempotency in Amazon EC2
 * API requests"): per account and region, the same token with the same parameters answers the endpoint that token
 * made, as it is now, even deleted; with other parameters {@code IdempotentParameterMismatch}. moto 5.2.1 alone makes
 * a new endpoint for every call: the tests of a repeated token fail without the patch; the others pin its limits
 * (no token, a failed create, another region or account: a new endpoint).
 */
@Integration
class ClientTokenIdempotencyTest {

    private static MotoEc2 aws;
    private String vpcId;
    private String main;
    private String extra;

    @BeforeAll
    static void startEmulator() {
        var moto = Moto.fresh();
        assertTrue(moto.awsFaithful(), "these tests need aws_faithful_moto_server.py (a python3 that imports moto)");
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    @BeforeEach
    void freshVpc() {
        Moto.fresh();
        vpcId = aws.createVpc("10.40.0.0/16");
        main = aws.mainRouteTableId(vpcId);
        extra = aws.createRouteTable(vpcId);
    }

    private CreateVpcEndpointRequest.Builder request(String token, List<String> routeTableIds) {
        return CreateVpcEndpointRequest.builder()
                .vpcId(vpcId)
                .serviceName(aws.dynamoDbService())
                .vpcEndpointType(VpcEndpointType.GATEWAY)
                .routeTableIds(routeTableIds)
                .clientToken(token);
    }

    private static CreateVpcEndpointResponse create(Ec2Client ec2, CreateVpcEndpointRequest.Builder request) {
        return ec2.createVpcEndpoint(request.build());
    }

    @Test
    void theSameTokenWithTheSameParametersAnswersTheEndpointItMadeAndMakesNoOther() {
        CreateVpcEndpointResponse first = create(aws.ec2(), request("run-1", List.of(main)));
        CreateVpcEndpointResponse again = create(aws.ec2(), request("run-1", List.of(main)));

        assertEquals(first.vpcEndpoint().vpcEndpointId(), again.vpcEndpoint().vpcEndpointId());
        assertEquals("run-1", first.clientToken(), "EC2 echoes the token");
        assertEquals("run-1", again.clientToken());
        assertEquals(List.of(first.vpcEndpoint().vpcEndpointId()), liveIds());
        assertEquals(List.of(first.vpcEndpoint().vpcEndpointId()), List.copyOf(aws.prefixListRoutes(main).values()),
                "one route, to that endpoint");
    }

    @Test
    void theAnswerShowsTheEndpointAsItIsNow() {
        String id = create(aws.ec2(), request("run-2", List.of(main))).vpcEndpoint().vpcEndpointId();
        aws.ec2().createTags(r -> r.resources(id).tags(Tag.builder().key("added").value("later").build()));

        VpcEndpoint replayed = create(aws.ec2(), request("run-2", List.of(main))).vpcEndpoint();

        assertEquals(id, replayed.vpcEndpointId());
        assertEquals("later", MotoEc2.tagsOf(replayed).get("added"));
    }

    @Test
    void aTokenOutlivesItsEndpointTheRepeatAnswersTheDeletedEndpointAndRecreatesNothing() {
        String id = create(aws.ec2(), request("run-3", List.of(main))).vpcEndpoint().vpcEndpointId();
        aws.deleteEndpoint(id);

        VpcEndpoint replayed = create(aws.ec2(), request("run-3", List.of(main))).vpcEndpoint();

        assertEquals(id, replayed.vpcEndpointId());
        assertEquals("deleted", replayed.stateAsString());
        assertEquals(List.of(), liveIds(), "no endpoint was made");
        assertEquals(Map.of(), aws.prefixListRoutes(main), "and no route came back");
    }

    @Test
    void theSameTokenWithOtherParametersFailsWithIdempotentParameterMismatch() {
        String id = create(aws.ec2(), request("run-4", List.of(main))).vpcEndpoint().vpcEndpointId();

        for (CreateVpcEndpointRequest.Builder other : List.of(
                request("run-4", List.of(extra)),
                request("run-4", List.of(main, extra)),
                request("run-4", List.of(main)).policyDocument("{\"Statement\":[]}"),
                request("run-4", List.of(main)).vpcEndpointType((String) null))) {
            Ec2Exception e = assertThrows(Ec2Exception.class, () -> create(aws.ec2(), other), other.toString());
            assertEquals(400, e.statusCode());
            assertEquals("IdempotentParameterMismatch", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("same client token"),
                    e.awsErrorDetails().errorMessage());
        }
        assertEquals(List.of(id), liveIds(), "nothing was made by the mismatches");
        assertEquals(Map.of(), aws.prefixListRoutes(extra));
    }

    @Test
    void withoutATokenEveryCreateMakesAnEndpoint() {
        String first = create(aws.ec2(), request(null, List.of(main))).vpcEndpoint().vpcEndpointId();
        String second = create(aws.ec2(), request(null, List.of(extra))).vpcEndpoint().vpcEndpointId();

        assertNotEquals(first, second);
        assertEquals(Set.of(first, second), Set.copyOf(liveIds()));
    }

    @Test
    void aFailedCreateIsNotRememberedItsRetryCreates() {
        String other = create(aws.ec2(), request("someone-else", List.of(main))).vpcEndpoint().vpcEndpointId();
        Ec2Exception taken = assertThrows(Ec2Exception.class, () -> create(aws.ec2(), request("run-5", List.of(main))));
        assertEquals("RouteAlreadyExists", taken.awsErrorDetails().errorCode());
        aws.deleteEndpoint(other);

        String id = create(aws.ec2(), request("run-5", List.of(main))).vpcEndpoint().vpcEndpointId();

        assertNotEquals(other, id);
        assertEquals(List.of(id), liveIds());
    }

    @Test
    void tokensArePerRegionAndPerAccount() {
        String here = create(aws.ec2(), request("shared-token", List.of(main))).vpcEndpoint().vpcEndpointId();

        try (MotoEc2 west = new MotoEc2(aws.endpoint(), "eu-west-1")) {
            String westVpc = west.defaultVpcId();
            String inWest = west.ec2().createVpcEndpoint(r -> r.vpcId(westVpc).serviceName(west.dynamoDbService())
                    .vpcEndpointType(VpcEndpointType.GATEWAY).clientToken("shared-token")).vpcEndpoint().vpcEndpointId();
            assertNotEquals(here, inWest, "another region: a new endpoint");
        }
        try (Ec2Client otherAccount = accountClient("111122223333")) {
            String otherVpc = otherAccount.describeVpcs(r -> r.filters(Filter.builder().name("isDefault")
                    .values("true").build())).vpcs().get(0).vpcId();
            String inOther = otherAccount.createVpcEndpoint(r -> r.vpcId(otherVpc).serviceName(aws.dynamoDbService())
                    .vpcEndpointType(VpcEndpointType.GATEWAY).clientToken("shared-token")).vpcEndpoint().vpcEndpointId();
            assertNotEquals(here, inOther, "another account: a new endpoint");
        }
        assertEquals(List.of(here), liveIds());
    }

    @Test
    void concurrentCreatesWithOneTokenMakeOneEndpointAndAllAnswerIt() throws Exception {
        int callers = 8;
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Future<String>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return create(aws.ec2(), request("run-6", List.of(main, extra))).vpcEndpoint().vpcEndpointId();
                }));
            }
            Set<String> ids = answers.stream().map(ClientTokenIdempotencyTest::get).collect(Collectors.toSet());
            assertEquals(1, ids.size(), "every caller got the one endpoint: " + ids);
            assertEquals(List.copyOf(ids), liveIds());
        }
    }

    private List<String> liveIds() {
        return aws.liveEndpoints(vpcId).stream().map(VpcEndpoint::vpcEndpointId).toList();
    }

    /** An EC2 client of another moto account ({@code x-moto-account-id}, which moto reads before the access key). */
    private static Ec2Client accountClient(String accountId) {
        return Ec2Client.builder()
                .endpointOverride(aws.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3)))
                .overrideConfiguration(o -> o.putHeader("x-moto-account-id", accountId))
                .build();
    }

    private static String get(Future<String> answer) {
        try {
            return answer.get();
        } catch (Exception e) {
            throw new AssertionError("a concurrent create failed: " + e.getCause(), e);
        }
    }
}
