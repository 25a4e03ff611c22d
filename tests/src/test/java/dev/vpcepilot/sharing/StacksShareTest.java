package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.sharing.SharingWorld.Stack;
import dev.vpcepilot.testkit.faults.FaultProxy;
import dev.vpcepilot.testkit.faults.Gate;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;

/**
 * Issue 10, the first two bullets: CloudFormation stacks ({@code Custom::DynamoDbVpcEndpoint} through the hook) and
 * console runs ({@code ./run-local}) in one VPC. An endpoint a stack depends on is
 * deleted only when its last claim goes.
 */
@Workflow
class StacksShareTest {

    private final MotoEc2 ec2 = SharingWorld.ec2();
    @RegisterExtension
    final ProxyLanes lanes = new ProxyLanes();

    /** Bullet "a console run with cleanup: true deletes the endpoint a CloudFormation stack created". */
    @Test
    void aConsoleCleanupBesideAStacksEndpointLeavesIt() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Stack x = Stack.fresh("app-x");
        Map<String, Object> properties = Map.of("VpcId", vpc.id());
        Run created = SharingWorld.hook(x.create(properties));
        String endpoint = SharingWorld.succeeded(created);

        Run cleanup = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"cleanup\":true}");

        assertTrue(cleanup.succeeded(), cleanup.toString());
        assertEquals(endpoint, cleanup.doc().path("vpcEndpointId").asText(), "the console run reuses the stack's");
        assertFalse(cleanup.doc().path("cleanedUp").asBoolean(), cleanup.toString());
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(created, vpc.routeTables())));

        // the stack's claim was the last: its Delete deletes the endpoint
        SharingWorld.succeeded(SharingWorld.hook(x.delete(endpoint, properties)));
        assertFalse(ec2.isLive(endpoint), "deleted with the stack that held the last claim");
    }

    /** Bullet "stack Y reuses stack X's endpoint (and adds its route table to it); X's Delete deletes it". */
    @Test
    void twoStacksShareAnEndpointAndTheFirstOnesDeleteLeavesItForTheOther() {
        Vpc vpc = SharingWorld.freshVpc(1);
        Stack x = Stack.fresh("app-x");
        Stack y = Stack.fresh("app-y");
        Map<String, Object> xProperties = Map.of("VpcId", vpc.id(), "RouteTableIds", List.of(vpc.table(0)));
        Map<String, Object> yProperties = Map.of("VpcId", vpc.id(), "RouteTableIds", vpc.routeTables());

        String endpoint = SharingWorld.succeeded(SharingWorld.hook(x.create(xProperties)));
        Run yCreated = SharingWorld.hook(y.create(yProperties));
        assertEquals(endpoint, SharingWorld.succeeded(yCreated), "Y reuses X's endpoint: " + yCreated);
        assertEquals(new TreeSet<>(vpc.routeTables()), tablesOf(endpoint), "and Y's route table was added to it");

        Run xDeleted = SharingWorld.hook(x.delete(endpoint, xProperties));

        SharingWorld.succeeded(xDeleted);
        assertTrue(ec2.isLive(endpoint), "Y still claims it: " + xDeleted);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(yCreated, vpc.routeTables())));

        SharingWorld.succeeded(SharingWorld.hook(y.delete(endpoint, yProperties)));
        assertFalse(ec2.isLive(endpoint), "the last claim is gone, so is the endpoint");
        for (String table : vpc.routeTables()) {
            assertEquals(Map.of(), ec2.prefixListRoutes(table), table + " routes nothing any more");
        }
    }

    /**
     * Bullet "stack Y reuses stack X's endpoint", with both Creates at the same time: two {@code ./run-local
     * --cfn-event} processes (the hook and its workflow), each through a proxy of its own, held at ResolveVpc's
     * DescribeRouteTables until both are there, then let into reuse-or-create together. Both answer SUCCESS, the
     * invariant holds for both, and each stack's Delete leaves the other served.
     */
    @Test
    void twoStacksCreatedTogetherShareAndEachDeleteLeavesTheOther() throws IOException {
        Vpc vpc = SharingWorld.freshVpc(1);
        Stack x = Stack.fresh("app-x");
        Stack y = Stack.fresh("app-y");
        Map<String, Object> xProperties = Map.of("VpcId", vpc.id(), "RouteTableIds", List.of(vpc.table(0)));
        Map<String, Object> yProperties = Map.of("VpcId", vpc.id(), "RouteTableIds", vpc.routeTables());

        List<Gate> gates = new ArrayList<>();
        List<RunLocal.Started> creates = new ArrayList<>();
        for (var event : List.of(x.create(xProperties), y.create(yProperties))) {
            FaultProxy lane = lanes.open();
            gates.add(lane.hold("ec2:DescribeRouteTables"));
            creates.add(SharingWorld.startHook(lane.endpoint(), event));
        }
        Gate.openTogether(gates, Duration.ofSeconds(90));
        Run xCreated = creates.get(0).await();
        Run yCreated = creates.get(1).await();

        String xIds = SharingWorld.succeeded(xCreated);
        String yIds = SharingWorld.succeeded(yCreated);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(xCreated, List.of(vpc.table(0))),
                SharingInvariant.ofAnswer(yCreated, vpc.routeTables())));

        SharingWorld.succeeded(SharingWorld.hook(x.delete(xIds, xProperties)));
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(yCreated, vpc.routeTables())));

        SharingWorld.succeeded(SharingWorld.hook(y.delete(yIds, yProperties)));
        assertEquals(List.of(), SharingInvariant.endpointsOf(ec2, vpc.id()).stream().filter(MotoEc2::isLive).toList(),
                "the last claim is gone, so are the endpoints");
        for (String table : vpc.routeTables()) {
            assertEquals(Map.of(), ec2.prefixListRoutes(table), table + " routes nothing any more");
        }
    }

    private Set<String> tablesOf(String endpoint) {
        VpcEndpoint described = ec2.endpoint(endpoint).orElseThrow();
        return new TreeSet<>(described.routeTableIds());
    }
}
