package dev.vpcepilot.fleet;

import static dev.vpcepilot.fleet.FleetWorld.HOME;
import static dev.vpcepilot.fleet.FleetWorld.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.aws.AwsClients;
import dev.vpcepilot.aws.Retrying;
import dev.vpcepilot.hook.Coordinators;
import dev.vpcepilot.hook.EndpointHook;
import dev.vpcepilot.hook.HookAnswer;
import dev.vpcepilot.kit.CfnRequests;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.cfn.LocalWorkflowRunner;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.logging.FunctionLog;
import dev.vpcepilot.sharing.SharedEndpoints;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * The rules of safe sharing with the fleet in the crowd: two fleet applies at once, beside single-VPC runs (with
 * and without cleanup) and a stack's custom resource on the same VPCs, all started together. Every target ends
 * served once (one endpoint per VPC, every route table routed to it) and no endpoint anyone was given is deleted;
 * a stack's Delete afterwards leaves what the fleet's standing use still claims.
 */
@Reliability
class FleetConcurrencyTest {

    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/consumer/"
            + "0f6a2c40-1a2b-11f0-9cd2-0242ac120002";

    private static MotoServer moto;
    private static LocalWorkflow single;
    private static LocalWorkflow fleet;
    private static MotoEc2 home;
    private static MotoEc2 second;

    @BeforeAll
    static void emulator() {
        moto = Moto.fresh();
        single = LocalWorkflow.builder(TestProject.root()).region("us-east-1").endpoint(moto.endpoint())
                .timeScale(0).functionLog(line -> { }).build();
        fleet = LocalWorkflow.builder(TestProject.root()).region("us-east-1").endpoint(moto.endpoint())
                .stateMachine(LocalWorkflow.FLEET_STATE_MACHINE).timeScale(0).functionLog(line -> { }).build();
        home = new MotoEc2(moto.endpoint(), "us-east-1");
        second = MotoEc2.inAccount(moto.endpoint(), "us-east-1", SECOND);
    }

    @AfterAll
    static void close() {
        home.close();
        second.close();
        fleet.close();
        single.close();
    }

    @Test
    void twoFleetAppliesSingleRunsAndAStackOnTheSameVpcsServeEachOnceAndDeleteNothingInUse() throws Exception {
        String defaultVpc = home.defaultVpcId();
        String twoTables = home.createVpc("10.30.0.0/16");
        home.createAssociatedRouteTable(twoTables, "10.30.1.0/24");
        String stackVpc = home.createVpc("10.31.0.0/16");
        String fleetInput = "{\"accounts\": [\"" + HOME + "\", \"" + SECOND + "\"], \"mode\": \"apply\", "
                + "\"maxConcurrency\": 4}";

        List<Callable<JsonNode>> work = new ArrayList<>();
        work.add(() -> document(fleet.run(TestProject.json(fleetInput))));
        work.add(() -> document(fleet.run(TestProject.json(fleetInput))));
        work.add(() -> document(single.run(TestProject.json("{\"cleanup\": true}"))));
        work.add(() -> document(single.run(TestProject.json("{\"vpcId\": \"" + twoTables + "\"}"))));
        work.add(() -> document(single.run(TestProject.json("{\"vpcId\": \"" + stackVpc + "\", \"cleanup\": true}"))));
        try (LocalWorkflowRunner runner = new LocalWorkflowRunner(single)) {
            EndpointHook hook = hook(runner);
            work.add(() -> answer(hook.handle(CfnRequests.HOOK.request("Create", STACK, null, Map.of("VpcId", stackVpc)),
                    Duration.ofMinutes(5))));
            ExecutorService pool = Executors.newFixedThreadPool(work.size());
            List<JsonNode> results = new ArrayList<>();
            try {
                for (Future<JsonNode> future : pool.invokeAll(work, 10, TimeUnit.MINUTES)) {
                    results.add(future.get());
                }
            } finally {
                pool.shutdownNow();
            }

            for (JsonNode result : results) {
                assertTrue(result.path("error").isMissingNode(), "every run succeeded: " + results);
            }
            for (JsonNode fleetRun : results.subList(0, 2)) {
                assertEquals(0, fleetRun.path("summary").path("failed").asInt(), fleetRun.toString());
                assertEquals(4, fleetRun.path("summary").path("targets").asInt(), fleetRun.toString());
            }
            // given: what the stack holds, what the fleet reports name as serving, what the run without cleanup
            // reports. A cleanup run may delete the endpoint it created itself, never one of these.
            String stackEndpoint = results.get(5).path("PhysicalResourceId").asText();
            Set<String> given = new TreeSet<>(List.of(stackEndpoint));
            for (JsonNode fleetRun : results.subList(0, 2)) {
                given.addAll(reportedEndpoints(fleetRun));
            }
            results.get(3).path("endpoints").forEach(e -> given.add(e.path("vpcEndpointId").asText()));
            Set<String> cleanedUp = new TreeSet<>();
            for (JsonNode cleanupRun : List.of(results.get(2), results.get(4))) {
                cleanupRun.path("cleanup").path("deleted").forEach(id -> cleanedUp.add(id.asText()));
            }

            for (String vpc : List.of(defaultVpc, twoTables, stackVpc)) {
                assertServedOnce(home, vpc);
                dev.vpcepilot.sharing.SharingInvariant.assertHolds(home, vpc, List.of());
            }
            assertServedOnce(second, second.defaultVpcId());
            dev.vpcepilot.sharing.SharingInvariant.assertHolds(second, second.defaultVpcId(), List.of());
            for (String id : given) {
                assertTrue(home.isLive(id) || second.isLive(id), id + " was given to a fleet, a run or the stack, "
                        + "and is gone (given " + given + ", cleanups deleted " + cleanedUp + "): " + results);
            }

            HookAnswer deleted = hook.handle(CfnRequests.HOOK.request("Delete", STACK, stackEndpoint,
                    Map.of("VpcId", stackVpc)), Duration.ofMinutes(5));
            assertTrue(deleted.success(), deleted.reason());
            assertTrue(home.isLive(stackEndpoint), "the fleet's standing use still claims it");
        }
        JsonNode verify = document(fleet.run(TestProject.json("{\"accounts\": [\"" + HOME + "\", \"" + SECOND + "\"]}")));
        assertEquals(4, verify.path("summary").path("compliant").asInt(), verify.toString());
    }

    /** The endpoints a fleet run's report names as serving its VPCs. */
    private static Set<String> reportedEndpoints(JsonNode fleetRun) {
        String bucket = fleetRun.path("report").path("bucket").asText();
        String key = fleetRun.path("report").path("key").asText();
        String report = new String(fleet.object(bucket, key).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8);
        Set<String> ids = new TreeSet<>();
        for (String line : report.split("\n")) {
            if (!line.isBlank()) {
                readTree(line).path("endpoints")
                        .forEach(e -> ids.add(e.path("vpcEndpointId").asText()));
            }
        }
        return ids;
    }

    /** One live endpoint in the VPC, and every route table of the VPC routes the service to it. */
    private static void assertServedOnce(MotoEc2 aws, String vpcId) {
        List<VpcEndpoint> live = aws.liveEndpoints(vpcId);
        assertEquals(1, live.size(), vpcId + " has " + live.stream().map(VpcEndpoint::vpcEndpointId).toList());
        String id = live.get(0).vpcEndpointId();
        for (RouteTable table : aws.routeTables(vpcId)) {
            assertEquals(List.of(id), List.copyOf(aws.prefixListRoutes(table.routeTableId()).values()),
                    table.routeTableId() + " of " + vpcId);
        }
    }

    private static JsonNode readTree(String line) {
        try {
            return dev.vpcepilot.local.asl.JsonText.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode document(ExecutionResult result) {
        return result.succeeded() ? result.output() : result.document();
    }

    private static JsonNode answer(HookAnswer answer) {
        com.fasterxml.jackson.databind.node.ObjectNode node = dev.vpcepilot.local.asl.JsonText.MAPPER.createObjectNode();
        if (!answer.success()) {
            node.put("error", "FAILED").put("cause", answer.reason());
        }
        return node.put("PhysicalResourceId", answer.physicalResourceId());
    }

    private static EndpointHook hook(LocalWorkflowRunner runner) {
        AwsClients clients = AwsClients.forEndpoint("us-east-1", moto.endpoint());
        String lockTable = single.environment("CreateEndpointFunction").get("LOCK_TABLE_NAME");
        return new EndpointHook(runner, clients.ec2(), Coordinators.forTable(clients.ec2(), clients.dynamoDb(),
                lockTable, line -> { }), "(log hint)", FunctionLog.discard(),
                Retrying.LAMBDA.scaled(0.01), Clock.systemUTC());
    }
}
