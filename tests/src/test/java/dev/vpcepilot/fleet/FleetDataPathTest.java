package dev.vpcepilot.fleet;

import static dev.vpcepilot.fleet.FleetWorld.HOME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.Moto;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.local.moto.MotoServer;
import dev.vpcepilot.testkit.faults.AwsCall;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * The subnets' data path in the fleet, through {@code ./run-local --fleet --report FILE} on moto_server, in the
 * fleet's own account and two regions (each with its default VPC): a VPC whose two subnets reach DynamoDB through
 * the endpoint, and one whose subnet's network ACL denies TCP 443 out to a CIDR of DynamoDB's prefix list (rule 90,
 * before the default ACL's allow at 100). Apply serves both; the verify that follows reports the second
 * {@code blocked} with its subnet's verdict; apply leaves it alone and reports it blocked again. The runs go through
 * a fault proxy that counts every call: a verify reads each account-region in the same calls whatever its VPCs and
 * subnets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Workflow
class FleetDataPathTest {

    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");
    /** One of the CIDRs moto seeds in DynamoDB's us-east-1 prefix list. */
    private static final String PREFIX_LIST_CIDR = "52.94.0.0/22";

    private static MotoServer moto;
    private static FaultProxy proxy;
    private static MotoEc2 aws;
    private static String reachableVpc;
    private static String blockedVpc;
    private static String blockedSubnet;
    private static String blockedAcl;
    private static Map<String, Integer> compliantReads;

    @TempDir
    static Path directory;

    @BeforeAll
    static void twoVpcsOneBlockedByItsNetworkAcl() throws Exception {
        moto = Moto.fresh();
        proxy = FaultProxy.start(moto.endpoint());
        aws = new MotoEc2(moto.endpoint(), "us-east-1");
        reachableVpc = aws.createVpc("10.40.0.0/16");
        aws.createSubnet(reachableVpc, "10.40.1.0/24");
        aws.createAssociatedRouteTable(reachableVpc, "10.40.2.0/24");
        blockedVpc = aws.createVpc("10.41.0.0/16");
        blockedSubnet = aws.createSubnet(blockedVpc, "10.41.1.0/24");
        blockedAcl = aws.ec2().describeNetworkAcls(r -> r.filters(
                Filter.builder().name("vpc-id").values(blockedVpc).build(),
                Filter.builder().name("default").values("true").build())).networkAcls().get(0).networkAclId();
        aws.query("CreateNetworkAclEntry", Map.of("NetworkAclId", blockedAcl, "RuleNumber", "90", "Protocol", "6",
                "RuleAction", "deny", "Egress", "true", "CidrBlock", PREFIX_LIST_CIDR, "PortRange.From", "443",
                "PortRange.To", "443"));
    }

    @AfterAll
    static void close() {
        aws.close();
        proxy.close();
    }

    private record Fleet(RunLocal.Run run, JsonNode output, Map<String, JsonNode> lines) {
        JsonNode line(String vpcId) {
            JsonNode line = lines.get(HOME + "/us-east-1/" + vpcId);
            assertTrue(line != null, vpcId + " is not in " + lines.keySet());
            return line;
        }

        int summary(String status) {
            return output.path("summary").path(status).asInt();
        }
    }

    private static Fleet fleet(String mode, List<String> regions) throws Exception {
        Path report = Files.createTempFile(directory, "report", ".jsonl");
        Files.delete(report);
        proxy.reset();
        String input = "{\"accounts\": [\"" + HOME + "\"], \"regions\": [\"" + String.join("\", \"", regions)
                + "\"], \"mode\": \"" + mode + "\"}";
        RunLocal.Run run = RunLocal.script().outputIn(directory).timeScale("0").timeout(Duration.ofSeconds(300))
                .arguments("--fleet", "--endpoint-url", proxy.endpoint().toString(), "--region", "us-east-1",
                        "--input-json", input, "--report", report.toString()).run();
        assertEquals(0, run.exitCode(), run.stderr());
        return new Fleet(run, TestProject.json(run.stdout()), FleetWorld.lines(report));
    }

    /** The EC2 calls of the last run that change nothing, by action. */
    private static Map<String, Integer> ec2Reads() {
        Map<String, Integer> reads = new TreeMap<>();
        proxy.counts().forEach((action, n) -> {
            if (action.startsWith("ec2:") && !AwsCall.isMutating(action)) {
                reads.put(action, n);
            }
        });
        return reads;
    }

    private static Map<String, Integer> eachOnce(int accountRegions) {
        Map<String, Integer> reads = new TreeMap<>();
        for (String action : List.of("DescribeVpcs", "DescribeRouteTables", "DescribeVpcEndpoints", "DescribeSubnets",
                "DescribeNetworkAcls", "GetManagedPrefixListEntries")) {
            reads.put("ec2:" + action, accountRegions);
        }
        return reads;
    }

    private static Map<String, String> statuses(Fleet fleet) {
        Map<String, String> statuses = new TreeMap<>();
        fleet.lines().forEach((key, line) -> statuses.put(key, line.path("status").asText()));
        return statuses;
    }

    @Test
    @Order(1)
    void aVerifyAfterApplyReportsTheVpcWhoseNetworkAclDeniesHttpsBlockedWithItsSubnetsVerdict() throws Exception {
        Fleet apply = fleet("apply", REGIONS);
        assertEquals(4, apply.summary("created"), apply.output().toString());

        Fleet verify = fleet("verify", REGIONS);

        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy), "verify is read only");
        Map<String, String> expected = new TreeMap<>();
        for (String region : REGIONS) {
            try (MotoEc2 there = new MotoEc2(moto.endpoint(), region)) {
                expected.put(HOME + "/" + region + "/" + there.defaultVpcId(), "compliant");
            }
        }
        expected.put(HOME + "/us-east-1/" + reachableVpc, "compliant");
        expected.put(HOME + "/us-east-1/" + blockedVpc, "blocked");
        assertEquals(expected, statuses(verify));
        assertEquals(List.of(3, 1, 0, 0), List.of(verify.summary("compliant"), verify.summary("blocked"),
                verify.summary("drifted"), verify.summary("failed")), verify.output().toString());

        JsonNode blocked = verify.line(blockedVpc);
        assertEquals(0, blocked.at("/subnets/reachable").asInt(), blocked.toString());
        assertEquals(1, blocked.at("/subnets/unreachable").size(), blocked.toString());
        JsonNode subnet = blocked.at("/subnets/unreachable/0");
        assertEquals(blockedSubnet, subnet.path("subnetId").asText());
        assertEquals("nacl-egress", subnet.path("verdict").asText());
        assertTrue(subnet.path("detail").asText().startsWith(blockedAcl + " outbound rule 90 (deny "
                + PREFIX_LIST_CIDR + ") denies TCP 443 to pl-"), subnet.toString());
        assertEquals(0, blocked.at("/routeTables/missing").size(), "its route tables are served");
        assertEquals(0, blocked.path("actions").size(), "nothing for apply to do");

        JsonNode reachable = verify.line(reachableVpc);
        assertEquals(2, reachable.at("/subnets/reachable").asInt(), reachable.toString());
        assertEquals(0, reachable.at("/subnets/unreachable").size(), reachable.toString());

        JsonNode metrics = verify.run().stderr().lines().filter(line -> line.startsWith("{\"_aws\""))
                .map(TestProject::json).findFirst().orElseThrow(() -> new AssertionError(verify.run().stderr()));
        assertEquals(1, metrics.path(FleetMetrics.metricName(ReportLine.Status.BLOCKED)).asInt(), metrics.toString());

        compliantReads = ec2Reads();
        assertEquals(eachOnce(REGIONS.size()), compliantReads, "one call of each read per account-region: "
                + proxy.counts());
    }

    @Test
    @Order(2)
    void applyChangesNothingForTheBlockedVpcAndReportsItBlockedAgain() throws Exception {
        Fleet apply = fleet("apply", REGIONS);

        assertEquals("blocked", apply.line(blockedVpc).path("status").asText(), apply.line(blockedVpc).toString());
        assertEquals(0, apply.line(blockedVpc).path("actions").size());
        assertEquals(1, apply.summary("blocked"), apply.output().toString());
        assertEquals(3, apply.summary("compliant"), apply.output().toString());
        assertEquals(Map.of(), FleetWorld.mutatingCalls(proxy), "nothing to create, repair or claim");
    }

    @Test
    @Order(3)
    void moreVpcsAndSubnetsMakeNoMoreReadsAndFewerAccountRegionsFewer() throws Exception {
        String bigger = aws.createVpc("10.42.0.0/16");
        for (int i = 1; i <= 3; i++) {
            aws.createSubnet(bigger, "10.42." + i + ".0/24");
        }
        aws.createAssociatedRouteTable(reachableVpc, "10.40.3.0/24");
        assertEquals("created", fleet("apply", REGIONS).line(bigger).path("status").asText());

        Fleet verify = fleet("verify", REGIONS);

        assertEquals(3, verify.line(bigger).at("/subnets/reachable").asInt(), verify.line(bigger).toString());
        assertEquals(3, verify.line(reachableVpc).at("/subnets/reachable").asInt());
        assertEquals(List.of(4, 1), List.of(verify.summary("compliant"), verify.summary("blocked")));
        assertEquals(compliantReads, ec2Reads(), "a VPC, a route table and four subnets more: the same reads");

        fleet("verify", List.of("us-east-1"));
        assertEquals(eachOnce(1), ec2Reads(), "one account-region: one call of each");
    }

}
