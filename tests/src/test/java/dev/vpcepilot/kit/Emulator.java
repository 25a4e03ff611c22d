package dev.vpcepilot.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.sharing.Ownership;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * What the tests of faults and concurrency share: the {@link Moto#shared() shared} emulator, EC2 and DynamoDB
 * clients that talk to it directly (never through a fault proxy, so what they read is the truth), fresh VPCs, the
 * endpoints and routes as moto holds them, and the hook and the workflow wired to it.
 */
public final class Emulator {

    public static final String REGION = "us-east-1";
    public static final String SERVICE = "com.amazonaws." + REGION + ".dynamodb";
    private static MotoEc2 aws;
    private static SdkHttpClient http;
    private static Ec2Client ec2;

    private Emulator() {
    }

    /** The shared emulator ({@link Moto#shared()}): each test works in VPCs of its own. */
    public static URI moto() {
        return Moto.shared().endpoint();
    }

    /** EC2 straight to moto_server (no proxy, no faults). */
    public static synchronized Ec2Client ec2() {
        URI endpoint = moto();
        if (ec2 == null) {
            http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3))
                    .socketTimeout(Duration.ofSeconds(20)).build();
            ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.of(REGION)).httpClient(http)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("testing", "testing")))
                    .build();
        }
        return ec2;
    }

    /** A new VPC (with its main route table) that no other test touches. */
    public static synchronized String freshVpc() {
        if (aws == null) {
            aws = new MotoEc2(moto(), REGION);
        }
        return aws.freshVpc(0).id();
    }

    public static List<String> routeTables(String vpcId) {
        return ec2().describeRouteTables(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .routeTables().stream().map(RouteTable::routeTableId).sorted().toList();
    }

    /** Every endpoint of the VPC for DynamoDB that is not deleted or being deleted, read directly from moto. */
    public static List<VpcEndpoint> liveEndpoints(String vpcId) {
        return ec2().describeVpcEndpoints(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .vpcEndpoints().stream()
                .filter(e -> SERVICE.equals(e.serviceName()))
                .filter(e -> !List.of("deleted", "deleting").contains(e.stateAsString().toLowerCase()))
                .toList();
    }

    /** Live endpoints tagged as created by the given execution. */
    public static List<VpcEndpoint> liveEndpointsCreatedBy(String executionArn) {
        return ec2().describeVpcEndpoints(r -> r.filters(Ownership.createdByFilter(executionArn)))
                .vpcEndpoints().stream()
                .filter(e -> !List.of("deleted", "deleting").contains(e.stateAsString().toLowerCase()))
                .toList();
    }

    public static String tag(VpcEndpoint endpoint, String key) {
        return endpoint.tags().stream().filter(t -> t.key().equals(key)).map(t -> t.value()).findFirst().orElse(null);
    }

    /** Route table id -> the gateway its DynamoDB prefix-list route points to (absent: no such route). */
    public static Map<String, String> prefixListTargets(String vpcId) {
        java.util.TreeMap<String, String> targets = new java.util.TreeMap<>();
        for (RouteTable table : ec2().describeRouteTables(r -> r.filters(
                Filter.builder().name("vpc-id").values(vpcId).build())).routeTables()) {
            for (Route route : table.routes()) {
                if (route.destinationPrefixListId() != null && route.gatewayId() != null) {
                    targets.put(table.routeTableId(), route.gatewayId());
                }
            }
        }
        return targets;
    }

    /** The lock table as ./run-local creates it in the emulator from template.yaml. */
    public static final String LOCK_TABLE = "vpce-pilot-local-LockTable";

    /** The custom resource's decisions, with the lock table on the emulator (created by a LocalWorkflow build). */
    public static dev.vpcepilot.hook.EndpointHook hook(dev.vpcepilot.hook.WorkflowRunner runner,
                                               java.util.function.Consumer<String> log) {
        software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb = dynamoDb();
        return new dev.vpcepilot.hook.EndpointHook(runner, ec2(), dev.vpcepilot.hook.Coordinators.forTable(ec2(),
                dynamoDb, LOCK_TABLE, log), "(log hint)",
                dev.vpcepilot.logging.FunctionLog.lines(log),
                dev.vpcepilot.aws.Retrying.LAMBDA.scaled(0.01), java.time.Clock.systemUTC());
    }

    private static software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb;

    /** DynamoDB straight to moto_server. */
    public static synchronized software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
        URI endpoint = moto();
        if (dynamoDb == null) {
            dynamoDb = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().endpointOverride(endpoint)
                    .region(Region.of(REGION)).httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing",
                            "testing"))).build();
        }
        return dynamoDb;
    }

    /** A LocalWorkflow builder for this project, its handlers' log lines kept off the test output. */
    public static LocalWorkflow.Builder workflow(URI endpoint) {
        return LocalWorkflow.builder(TestProject.root()).region(REGION).endpoint(endpoint).resources(moto()).timeScale(0)
                .functionLog(line -> { });
    }

    /** {@code ./run-local} against {@code endpoint} in {@link #REGION} with this input, to start or run. */
    public static RunLocal runLocal(URI endpoint, String inputJson) {
        return RunLocal.script().endpoint(endpoint).region(REGION).inputJson(inputJson);
    }

    /** Succeeded, or fails with the error, its cause and the execution's events. */
    public static void assertSucceeded(ExecutionResult result) {
        assertEquals(ExecutionResult.Status.SUCCEEDED, result.status(), () -> result.error() + ": " + result.cause()
                + "\n" + result.events().stream().map(ProgressEvent::describe).collect(Collectors.joining("\n")));
    }
}
