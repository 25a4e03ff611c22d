package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.json.Json;
import dev.vpcepilot.kit.Emulator;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.level.Reliability;
import dev.vpcepilot.local.LocalWorkflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.asl.ExecutionResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * Concurrent interface-endpoint runs on one VPC (issue 16): the interface scope's lock serialises them, so each zone
 * gets one endpoint, exactly one run creates it, and the claims under the interface scope's own key record every
 * subnet a run was told is served (the sharing invariant: what is reported is served and claimed).
 */
@Reliability
class InterfaceConcurrencyTest {

    private static final String ACCOUNT = "123456789012";

    private static List<ExecutionResult> together(List<String> inputs) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(inputs.size());
        try (LocalWorkflow workflow = Emulator.workflow(Emulator.moto()).build()) {
            List<Future<ExecutionResult>> futures = new ArrayList<>();
            for (String input : inputs) {
                JsonNode json = TestProject.json(input);
                futures.add(pool.submit(() -> {
                    start.await();
                    return workflow.run(json);
                }));
            }
            start.countDown();
            List<ExecutionResult> results = new ArrayList<>();
            for (Future<ExecutionResult> future : futures) {
                results.add(future.get(180, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String story(List<ExecutionResult> results) {
        return results.stream().map(r -> r.status() + " " + r.error() + ": " + r.cause() + " " + r.output())
                .collect(Collectors.joining("\n"));
    }

    /** A fresh VPC with a subnet in each of three zones: its id, and subnet -> zone. */
    private static Map.Entry<String, Map<String, String>> vpcInThreeZones() {
        String vpc = Emulator.freshVpc();
        try (MotoEc2 aws = new MotoEc2(Emulator.moto(), Emulator.REGION)) {
            String cidr = Emulator.ec2().describeVpcs(r -> r.vpcIds(vpc)).vpcs().get(0).cidrBlock();
            String prefix = cidr.substring(0, cidr.indexOf(".0.0/16"));
            List<String> zones = List.of("us-east-1a", "us-east-1b", "us-east-1c");
            for (int i = 0; i < zones.size(); i++) {
                aws.createSubnet(vpc, prefix + "." + (200 + i) + ".0/24", zones.get(i));
            }
        }
        Map<String, String> subnets = Emulator.ec2().describeSubnets(r -> r.filters(Filter.builder().name("vpc-id")
                .values(vpc).build())).subnets().stream()
                .collect(Collectors.toMap(Subnet::subnetId, Subnet::availabilityZone));
        return Map.entry(vpc, subnets);
    }

    private static List<VpcEndpoint> liveInterfaces(String vpc) {
        return Emulator.liveEndpoints(vpc).stream().filter(e -> e.vpcEndpointType() == VpcEndpointType.INTERFACE)
                .toList();
    }

    /** Every zone has at most one live interface endpoint, and every reported subnet has one, standing-claimed. */
    private static void assertSharingInvariant(String vpc, Map<String, String> zones, List<ExecutionResult> results)
            throws Exception {
        Map<String, List<String>> byZone = new java.util.TreeMap<>();
        for (VpcEndpoint endpoint : liveInterfaces(vpc)) {
            endpoint.subnetIds().forEach(s -> byZone.computeIfAbsent(zones.get(s), z -> new ArrayList<>())
                    .add(endpoint.vpcEndpointId()));
        }
        byZone.forEach((zone, endpoints) -> assertEquals(1, endpoints.size(), "one endpoint in " + zone + ": "
                + byZone));
        Set<String> reported = new TreeSet<>();
        results.forEach(r -> r.output().get("subnetIds").forEach(s -> reported.add(s.asText())));
        Set<String> served = liveInterfaces(vpc).stream().flatMap(e -> e.subnetIds().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(served.containsAll(reported), "every reported subnet is served: " + reported + " / " + served);

        String key = ACCOUNT + "/" + Emulator.REGION + "/" + vpc + "/" + Emulator.SERVICE + Scope.INTERFACE_KEY_SUFFIX;
        Map<String, AttributeValue> item = Emulator.dynamoDb().getItem(r -> r.tableName(Emulator.LOCK_TABLE)
                .consistentRead(true).key(Map.of("key", AttributeValue.builder().s(key).build()))).item();
        ClaimsDocument claims = Json.MAPPER.readValue(item.get("data").b().asUtf8String(), ClaimsDocument.class);
        assertTrue(claims.claims().get("standing").routeTableIds().containsAll(reported),
                "the standing claim records every reported subnet: " + claims);
    }

    @Test
    void sixIdenticalRunsGetOneEndpointThatExactlyOneCreated() throws Exception {
        Map.Entry<String, Map<String, String>> vpc = vpcInThreeZones();
        String input = "{\"endpointType\":\"Interface\",\"vpcId\":\"" + vpc.getKey() + "\"}";

        List<ExecutionResult> results = together(List.of(input, input, input, input, input, input));

        String story = story(results);
        results.forEach(r -> assertTrue(r.succeeded(), story));
        assertEquals(1, results.stream().filter(r -> r.output().get("created").asBoolean()).count(), story);
        assertEquals(1, results.stream().map(r -> r.output().get("vpcEndpointId").asText()).distinct().count(), story);
        assertEquals(1, liveInterfaces(vpc.getKey()).size(), story);
        assertSharingInvariant(vpc.getKey(), vpc.getValue(), results);
    }

    @Test
    void runsForDifferentZonesAtOnceEndWithOneEndpointPerZone() throws Exception {
        Map.Entry<String, Map<String, String>> vpc = vpcInThreeZones();
        List<String> inputs = new ArrayList<>();
        for (String subnet : new TreeSet<>(vpc.getValue().keySet())) {
            String one = "{\"endpointType\":\"Interface\",\"vpcId\":\"" + vpc.getKey() + "\",\"subnetIds\":[\""
                    + subnet + "\"]}";
            inputs.add(one);
            inputs.add(one);
        }

        List<ExecutionResult> results = together(inputs);

        String story = story(results);
        results.forEach(r -> assertTrue(r.succeeded(), story));
        assertSharingInvariant(vpc.getKey(), vpc.getValue(), results);
        Set<String> served = liveInterfaces(vpc.getKey()).stream().flatMap(e -> e.subnetIds().stream())
                .collect(Collectors.toSet());
        assertEquals(vpc.getValue().keySet(), served, story);
    }
}
