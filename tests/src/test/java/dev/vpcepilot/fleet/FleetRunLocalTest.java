package dev.vpcepilot.fleet;

import static dev.vpcepilot.fleet.FleetWorld.HOME;
import static dev.vpcepilot.fleet.FleetWorld.SECOND;
import static dev.vpcepilot.fleet.FleetWorld.UNREACHABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.FaultRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet as a user runs it: {@code ./run-local --fleet --report FILE} over 3 accounts x 2 regions (one account
 * unreachable), verify, apply, a route removed by hand, verify, apply, verify; each step's report read from the file.
 * The runs go through a fault proxy that counts every call and refuses the unreachable account's role.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Workflow
class FleetRunLocalTest {

    private static MotoServer moto;
    private static FaultProxy proxy;
    private static FleetWorld world;
    private static String repairedTable;
    private static String repairedVpc;

    @TempDir
    static Path directory;

    @BeforeAll
    static void threeAccountsTwoRegions() throws Exception {
        moto = Moto.fresh();
        proxy = FaultProxy.start(moto.endpoint());
        proxy.addRule(FaultRule.denyAssumeRole(UNREACHABLE));
        world = new FleetWorld(moto.endpoint());
    }

    @AfterAll
    static void close() {
        world.close();
        proxy.close();
    }

    private record Fleet(RunLocal.Run run, JsonNode output, Map<String, JsonNode> lines) {
    }

    private static Fleet fleet(String input) throws Exception {
        Path report = Files.createTempFile(directory, "report", ".jsonl");
        Files.delete(report);
        proxy.reset();
        RunLocal.Run run = RunLocal.script().outputIn(directory).timeScale("0").timeout(Duration.ofSeconds(300))
                .arguments("--fleet", "--endpoint-url", proxy.endpoint().toString(), "--region", "us-east-1",
                        "--input-json", input, "--report", report.toString()).run();
        JsonNode output = TestProject.json(run.stdout());
        assertTrue(Files.exists(report), () -> "no report file\n" + run.stderr());
        return new Fleet(run, output, FleetWorld.lines(report));
    }

    /** The one Embedded Metric Format document among a run's stderr lines (where ./run-local sends a handler's stdout). */
    private static JsonNode metricsDocument(String stderr) {
        List<JsonNode> documents = stderr.lines().filter(line -> line.startsWith("{\"_aws\""))
                .map(TestProject::json).toList();
        assertEquals(1, documents.size(), stderr);
        return documents.get(0);
    }

    private static String key(String account, String region, String vpcId) {
        return account + "/" + region + "/" + vpcId;
    }

    private static Map<String, String> statuses(Fleet fleet) {
        return fleet.lines().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().path("status").asText(), (a, b) -> a, java.util.TreeMap::new));
    }

    @Test
    @Order(1)
    void aVerifyReportsEveryVpcAndChangesNothing() throws Exception {
        Fleet verify = fleet(FleetWorld.input("verify", 25, ""));

        assertEquals(0, verify.run().exitCode(), verify.run().stderr());
        assertEquals("verify", verify.output().path("mode").asText());
        assertEquals(9, verify.output().path("summary").path("targets").asInt(), verify.output().toString());
        assertEquals(9, verify.lines().size(), verify.lines().keySet().toString());
        assertEquals(6, verify.output().path("summary").path("drifted").asInt());
        assertEquals(1, verify.output().path("summary").path("skipped").asInt());
        assertEquals(2, verify.output().path("summary").path("failed").asInt());
        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy), "verify is read only");

        // the document the stack's FleetDriftedAlarm and FleetFailedAlarm read (README "Operate it")
        JsonNode metrics = metricsDocument(verify.run().stderr());
        assertEquals(FleetMetrics.NAMESPACE, metrics.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
        assertEquals("verify", metrics.path("Mode").asText());
        assertEquals(6, metrics.path(FleetMetrics.metricName(ReportLine.Status.DRIFTED)).asInt(), metrics.toString());
        assertEquals(2, metrics.path(FleetMetrics.metricName(ReportLine.Status.FAILED)).asInt(), metrics.toString());

        JsonNode excluded = verify.lines().get(key(HOME, "us-east-1", world.excludedVpc));
        assertEquals("skipped", excluded.path("status").asText());
        JsonNode tagged = verify.lines().get(key(HOME, "us-east-1", world.taggedVpc));
        assertEquals("drifted", tagged.path("status").asText());
        assertEquals(world.taggedTables, texts(tagged.at("/routeTables/missing")));
        assertEquals(List.of("create an endpoint for " + String.join(", ", world.taggedTables)),
                texts(tagged.path("actions")));

        JsonNode foreign = verify.lines().get(key(SECOND, "us-east-1", world.foreignVpc));
        assertEquals("drifted", foreign.path("status").asText(), foreign.toString());
        assertEquals(List.of(world.foreignCovered), texts(foreign.at("/routeTables/covered")));
        assertEquals(List.of(world.foreignMissing), texts(foreign.at("/routeTables/missing")));
        assertEquals(world.foreignEndpoint, foreign.at("/endpoints/0/vpcEndpointId").asText());
        assertFalse(foreign.at("/endpoints/0/owned").asBoolean(), "someone else's endpoint");

        for (String region : FleetWorld.REGIONS) {
            JsonNode unreachable = verify.lines().get(key(UNREACHABLE, region, "-"));
            assertEquals("failed", unreachable.path("status").asText(), verify.lines().keySet().toString());
            assertTrue(unreachable.path("vpcId").isNull());
            assertEquals("TargetUnreachable", unreachable.at("/error/name").asText(), unreachable.toString());
            assertTrue(unreachable.at("/error/cause").asText().contains("arn:aws:iam::" + UNREACHABLE
                    + ":role/vpce-pilot-target"), unreachable.toString());
        }
    }

    @Test
    @Order(2)
    void anApplyServesEveryVpcLeavingTheForeignEndpointAlone() throws Exception {
        Fleet apply = fleet(FleetWorld.input("apply", 25, ""));

        assertEquals(0, apply.run().exitCode(), apply.run().stderr());
        assertEquals(6, apply.output().path("summary").path("created").asInt(), apply.output().toString());
        JsonNode foreign = apply.lines().get(key(SECOND, "us-east-1", world.foreignVpc));
        assertEquals("created", foreign.path("status").asText());
        assertEquals(2, foreign.path("endpoints").size(), foreign.toString());
        MotoEc2 second = world.in(SECOND, "us-east-1");
        assertEquals(Map.of("owner", "someone-else"), MotoEc2.tagsOf(second.endpoint(world.foreignEndpoint)
                .orElseThrow()), "the foreign endpoint was not changed");
        assertEquals(List.of(world.foreignCovered), second.endpoint(world.foreignEndpoint).orElseThrow()
                .routeTableIds());
        assertEquals(6, proxy.count("ec2:CreateVpcEndpoint"), "one create per uncovered route-table group: "
                + proxy.counts());
        assertEquals(0, proxy.count("ec2:DeleteVpcEndpoints"), "apply never deletes");
        JsonNode excluded = apply.lines().get(key(HOME, "us-east-1", world.excludedVpc));
        assertEquals("skipped", excluded.path("status").asText());
        assertTrue(world.in(HOME, "us-east-1").liveEndpoints(world.excludedVpc).isEmpty());
    }

    @Test
    @Order(3)
    void aRouteRemovedByHandIsDriftThatApplyRepairs() throws Exception {
        repairedVpc = world.defaultVpc(SECOND, "eu-west-1");
        MotoEc2 aws = world.in(SECOND, "eu-west-1");
        repairedTable = aws.mainRouteTableId(repairedVpc);
        assertEquals(1, aws.deletePrefixListRoutes(repairedTable).size());

        Fleet verify = fleet(FleetWorld.input("verify", 25, ""));
        JsonNode drifted = verify.lines().get(key(SECOND, "eu-west-1", repairedVpc));
        assertEquals("drifted", drifted.path("status").asText(), drifted.toString());
        assertEquals(List.of(repairedTable), texts(drifted.at("/routeTables/missing")));
        assertTrue(texts(drifted.path("actions")).get(0).startsWith("restore the route of " + repairedTable),
                drifted.toString());
        assertEquals(1, verify.output().path("summary").path("drifted").asInt(), verify.output().toString());
        assertEquals(5, verify.output().path("summary").path("compliant").asInt());
        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy));

        Fleet apply = fleet(FleetWorld.input("apply", 25, ""));
        assertEquals("repaired", apply.lines().get(key(SECOND, "eu-west-1", repairedVpc)).path("status").asText());
        assertEquals(1, apply.output().path("summary").path("repaired").asInt(), apply.output().toString());
        assertFalse(aws.prefixListRoutes(repairedTable).isEmpty(), "the route is back");
    }

    @Test
    @Order(4)
    void aSecondVerifyIsCompliantWithoutAWrite() throws Exception {
        Fleet verify = fleet(FleetWorld.input("verify", 25, ""));

        assertEquals(0, verify.run().exitCode());
        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy));
        Map<String, String> statuses = statuses(verify);
        assertEquals(new TreeSet<>(List.of("compliant", "failed", "skipped")), new TreeSet<>(statuses.values()),
                statuses.toString());
        assertEquals(6, verify.output().path("summary").path("compliant").asInt());
    }

    @Test
    @Order(5)
    void pastTheToleranceTheExecutionFailsWithTheReportWritten() throws Exception {
        Fleet verify = fleet(FleetWorld.input("verify", 0, ""));

        assertEquals(1, verify.run().exitCode(), verify.run().stderr());
        assertEquals("FleetFailureThresholdExceeded", verify.output().path("error").asText(),
                verify.output().toString());
        assertTrue(verify.output().path("cause").asText().contains("2 of 9 report lines failed"),
                verify.output().toString());
        assertEquals(9, verify.lines().size(), "the report is written");
        assertFalse(verify.run().stderr().contains("\tat "), "no stack trace");
    }

    @Test
    @Order(6)
    void aTagSelectionReportsOnlyTheTaggedVpcsAndStillSkipsTheExcludedOne() throws Exception {
        Fleet verify = fleet(FleetWorld.input("verify", 100, "\"vpcs\": {\"tags\": {\"team\": \"data\"}}"));

        assertEquals(0, verify.run().exitCode(), verify.run().stderr());
        Map<String, String> statuses = statuses(verify);
        Map<String, String> expected = new java.util.TreeMap<>(Map.of(
                key(HOME, "us-east-1", world.taggedVpc), "compliant",
                key(HOME, "us-east-1", world.excludedVpc), "skipped"));
        for (String region : FleetWorld.REGIONS) {
            expected.put(key(UNREACHABLE, region, "-"), "failed");
        }
        assertEquals(expected, statuses, "only the VPCs tagged team=data, and the targets that failed");
        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy));
    }

    @Test
    @Order(7)
    void anIdsSelectionReportsAnIdNoTargetHasAsVpcNotFound() throws Exception {
        String missing = "vpc-0000000000000dead";
        Fleet verify = fleet("{\"accounts\": [\"" + HOME + "\", \"" + SECOND + "\"], \"regions\": [\"us-east-1\", "
                + "\"eu-west-1\"], \"toleratedFailurePercentage\": 50, \"vpcs\": {\"ids\": [\"" + world.foreignVpc
                + "\", \"" + missing + "\"]}}");

        assertEquals(0, verify.run().exitCode(), verify.run().stderr());
        assertEquals(Map.of(key(SECOND, "us-east-1", world.foreignVpc), "compliant", "-/-/" + missing, "failed"),
                statuses(verify));
        JsonNode notFound = verify.lines().get("-/-/" + missing);
        assertEquals("VpcNotFound", notFound.at("/error/name").asText(), notFound.toString());
        assertEquals(2, verify.output().path("summary").path("targets").asInt());
    }

    @Test
    @Order(8)
    void anIdsSelectionWithAnUnreachableTargetReportsItsFailedLinesBesideTheVpcsFound() throws Exception {
        String missing = "vpc-0000000000000dead";
        Fleet verify = fleet(FleetWorld.input("verify", 100, "\"vpcs\": {\"ids\": [\"" + world.foreignVpc + "\", \""
                + missing + "\"]}"));

        assertEquals(0, verify.run().exitCode(), verify.run().stderr());
        Map<String, String> expected = new java.util.TreeMap<>(Map.of(key(SECOND, "us-east-1", world.foreignVpc),
                "compliant", "-/-/" + missing, "failed"));
        for (String region : FleetWorld.REGIONS) {
            expected.put(key(UNREACHABLE, region, "-"), "failed");
        }
        assertEquals(expected, statuses(verify));
        assertTrue(verify.lines().get("-/-/" + missing).at("/error/cause").asText().contains("reachable targets"),
                verify.lines().get("-/-/" + missing).toString());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new java.util.ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
