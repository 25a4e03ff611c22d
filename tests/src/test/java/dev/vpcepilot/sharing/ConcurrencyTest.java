package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Emulator;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import dev.vpcepilot.local.asl.ProgressEvent;
import dev.vpcepilot.sharing.SharingInvariant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Concurrent executions for one VPC and service end with exactly one endpoint that all of them report (docs/design.md
 * rules 2, 4, 5 and 8): exactly one of them created it, the others reused it, nothing else is left, and it is the
 * endpoint the VPC's route tables send DynamoDB traffic to.
 */
@Reliability
class ConcurrencyTest {

    @Test
    void fourConcurrentRunLocalProcessesConvergeOnOneEndpoint() {
        String vpc = Emulator.freshVpc();
        String input = "{\"vpcId\":\"" + vpc + "\"}";
        List<RunLocal.Started> processes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            processes.add(Emulator.runLocal(Emulator.moto(), input).start());
        }
        List<RunLocal.Run> results = processes.stream()
                .map(RunLocal.Started::await).toList();

        for (RunLocal.Run result : results) {
            assertEquals(0, result.exitCode(), "every process succeeds:\n" + results);
        }
        List<JsonNode> outputs = results.stream().map(RunLocal.Run::doc).toList();
        assertOneEndpointForAll(vpc, outputs, results.toString());
    }

    @Test
    void eightConcurrentInProcessExecutionsConvergeOnOneEndpoint() throws Exception {
        String vpc = Emulator.freshVpc();
        JsonNode input = TestProject.json("{\"vpcId\":\"" + vpc + "\"}");
        int n = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (LocalWorkflow workflow = Emulator.workflow(Emulator.moto()).build()) {
            List<Future<ExecutionResult>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return workflow.run(input);
                }));
            }
            start.countDown();
            List<ExecutionResult> results = new ArrayList<>();
            for (Future<ExecutionResult> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            String story = results.stream().map(ConcurrencyTest::describe).collect(Collectors.joining("\n=====\n"));
            for (ExecutionResult result : results) {
                assertEquals(ExecutionResult.Status.SUCCEEDED, result.status(), story);
            }
            assertOneEndpointForAll(vpc, results.stream().map(ExecutionResult::output).toList(), story);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertOneEndpointForAll(String vpc, List<JsonNode> outputs, String story) {
        Set<String> reported = outputs.stream().map(o -> o.path("vpcEndpointId").asText()).collect(Collectors.toSet());
        assertEquals(1, reported.size(), "every execution reports the same endpoint: " + reported + "\n" + story);
        String endpoint = reported.iterator().next();
        assertEquals(1, outputs.stream().filter(o -> o.path("created").asBoolean()).count(),
                "exactly one execution created it, the others reused it:\n" + story);

        List<VpcEndpoint> live = Emulator.liveEndpoints(vpc);
        assertEquals(List.of(endpoint), live.stream().map(VpcEndpoint::vpcEndpointId).toList(),
                "exactly the reported endpoint is live in " + vpc + " (read from moto directly)");
        Map<String, String> targets = Emulator.prefixListTargets(vpc);
        for (String table : Emulator.routeTables(vpc)) {
            assertEquals(endpoint, targets.get(table), "route table " + table + " routes DynamoDB to the endpoint");
        }
        try (MotoEc2 ec2 = new MotoEc2(Emulator.moto(), Emulator.REGION)) {
            List<SharingInvariant.Served> standing = new ArrayList<>();
            for (int i = 0; i < outputs.size(); i++) {
                standing.add(SharingInvariant.ofOutput("execution " + i, outputs.get(i)));
            }
            SharingInvariant.assertHolds(ec2, vpc, standing);
        }
    }

    private static String describe(ExecutionResult result) {
        return result.status() + " " + result.error() + ": " + result.cause() + "\n" + result.events().stream()
                .map(ProgressEvent::describe).collect(Collectors.joining("\n"));
    }
}
