package dev.vpcepilot.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.local.TestProject;
import dev.vpcepilot.testkit.faults.AwsCall;
import dev.vpcepilot.testkit.faults.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The fleet tests' three accounts and two regions on one moto_server (each account its own world: moto maps an
 * assumed role's credentials to the role's account), with a default VPC in each account-region and:
 * <ul>
 *   <li>in {@link #HOME} us-east-1 (the fleet's own account): a VPC tagged {@code team=data} with two route tables,
 *       and one tagged {@code team=data} and {@code vpce-pilot:exclude=true};</li>
 *   <li>in {@link #SECOND} us-east-1: a VPC with two route tables, the main one served by an endpoint someone else
 *       made (no ownership tag);</li>
 *   <li>{@link #UNREACHABLE}: its role cannot be assumed ({@link dev.vpcepilot.testkit.faults.FaultRule#denyAssumeRole}
 *       on the proxy the fleet goes through).</li>
 * </ul>
 */
final class FleetWorld implements AutoCloseable {

    static final String HOME = "123456789012";
    static final String SECOND = "111111111111";
    static final String UNREACHABLE = "222222222222";
    static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");

    private final URI moto;
    private final Map<String, MotoEc2> clients = new LinkedHashMap<>();
    final String taggedVpc;
    final List<String> taggedTables;
    final String excludedVpc;
    final String foreignVpc;
    final String foreignCovered;
    final String foreignMissing;
    final String foreignEndpoint;

    FleetWorld(URI moto) {
        this.moto = moto;
        MotoEc2 home = in(HOME, "us-east-1");
        taggedVpc = home.createVpc("10.10.0.0/16");
        tag(home, taggedVpc, Map.of("team", "data"));
        String extra = home.createAssociatedRouteTable(taggedVpc, "10.10.1.0/24");
        taggedTables = List.copyOf(new java.util.TreeSet<>(List.of(home.mainRouteTableId(taggedVpc), extra)));
        excludedVpc = home.createVpc("10.11.0.0/16");
        tag(home, excludedVpc, Map.of("team", "data", "vpce-pilot:exclude", "true"));
        MotoEc2 second = in(SECOND, "us-east-1");
        foreignVpc = second.createVpc("10.20.0.0/16");
        foreignCovered = second.mainRouteTableId(foreignVpc);
        foreignMissing = second.createAssociatedRouteTable(foreignVpc, "10.20.1.0/24");
        foreignEndpoint = second.createForeignEndpoint(foreignVpc, List.of(foreignCovered));
    }

    /** The emulator as {@code account} sees it in {@code region}. */
    MotoEc2 in(String account, String region) {
        return clients.computeIfAbsent(account + "/" + region, k -> account.equals(HOME)
                ? new MotoEc2(moto, region) : MotoEc2.inAccount(moto, region, account));
    }

    String defaultVpc(String account, String region) {
        return in(account, region).defaultVpcId();
    }

    private static void tag(MotoEc2 aws, String resource, Map<String, String> tags) {
        List<Tag> list = new ArrayList<>();
        tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
        aws.ec2().createTags(r -> r.resources(resource).tags(list));
    }

    /** The fleet input over the three accounts and two regions. */
    static String input(String mode, double tolerated, String extra) {
        return "{\"accounts\": [\"" + HOME + "\", \"" + SECOND + "\", \"" + UNREACHABLE + "\"], \"regions\": "
                + "[\"us-east-1\", \"eu-west-1\"], \"mode\": \"" + mode + "\", \"toleratedFailurePercentage\": "
                + tolerated + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    /** The report's lines, by "account/region/vpcId" ("account/region/-" for an unreachable target). */
    static Map<String, JsonNode> lines(Path report) {
        Map<String, JsonNode> lines = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
                JsonNode node = TestProject.json(line);
                lines.put(node.path("account").asText("-") + "/" + node.path("region").asText("-") + "/"
                        + node.path("vpcId").asText("-"), node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /**
     * The calls through the proxy that change EC2 or DynamoDB: the fleet's own objects in its bucket aside, and the
     * lock table's CreateTable that {@code ./run-local} makes at the endpoint before the run (the deployment's part).
     */
    static Map<String, Integer> mutatingCalls(FaultProxy proxy) {
        Map<String, Integer> mutating = new LinkedHashMap<>();
        proxy.counts().forEach((action, n) -> {
            if ((action.startsWith("ec2:") || action.startsWith("dynamodb:")) && AwsCall.isMutating(action)
                    && !action.equals("dynamodb:CreateTable")) {
                mutating.put(action, n);
            }
        });
        return mutating;
    }

    @Override
    public void close() {
        clients.values().forEach(MotoEc2::close);
    }
}
