package dev.vpcepilot.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vpcepilot.kit.MotoEc2;
import dev.vpcepilot.kit.MotoEc2.Vpc;
import dev.vpcepilot.kit.RunLocal.Run;
import dev.vpcepilot.kit.level.Workflow;
import dev.vpcepilot.sharing.SharingWorld.Stack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md rule 3: a standing endpoint (made by a console or scheduled run without cleanup) is released
 * explicitly with {@code "release": true}. It is deleted only when nobody else claims its route tables; route tables
 * nobody claims any more leave it; a stack's claim survives a standing release (the stack's Delete is then the last).
 */
@Workflow
class ReleaseTest {

    private final MotoEc2 ec2 = SharingWorld.ec2();

    @Test
    void aReleaseDeletesAStandingEndpointThatNobodyElseClaims() {
        Vpc vpc = SharingWorld.freshVpc(0);
        String endpoint = standing(vpc, vpc.routeTables());

        Run released = release(vpc, null);

        assertTrue(released.succeeded(), released.toString());
        assertEquals(List.of(endpoint), texts(released.doc().path("deleted")), released.toString());
        assertFalse(ec2.isLive(endpoint));
        assertEquals(Map.of(), ec2.prefixListRoutes(vpc.main()));
    }

    @Test
    void aReleaseOfSomeRouteTablesTakesOnlyThoseOut() {
        Vpc vpc = SharingWorld.freshVpc(1);
        String endpoint = standing(vpc, vpc.routeTables());

        Run released = release(vpc, List.of(vpc.table(1)));

        assertTrue(released.succeeded(), released.toString());
        assertEquals(List.of(), texts(released.doc().path("deleted")), released.toString());
        assertEquals(List.of(vpc.table(0)), ec2.endpoint(endpoint).orElseThrow().routeTableIds());
        assertEquals(Map.of(), ec2.prefixListRoutes(vpc.table(1)));
        assertTrue(ec2.isLive(endpoint));
    }

    @Test
    void aStandingEndpointThatAStackReusedStaysUntilTheStacksDelete() {
        Vpc vpc = SharingWorld.freshVpc(0);
        String endpoint = standing(vpc, vpc.routeTables());
        Stack x = Stack.fresh("reuser");
        Run reused = SharingWorld.hook(x.create(Map.of("VpcId", vpc.id())));
        assertEquals(endpoint, SharingWorld.succeeded(reused));

        Run released = release(vpc, null);

        assertTrue(released.succeeded(), released.toString());
        assertEquals(List.of(), texts(released.doc().path("deleted")), released.toString());
        assertClaimedBy(released, endpoint, x);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(reused, vpc.routeTables())));

        SharingWorld.succeeded(SharingWorld.hook(x.delete(endpoint, Map.of("VpcId", vpc.id()))));
        assertFalse(ec2.isLive(endpoint), "the stack's Delete released the last claim");
    }

    @Test
    void aStacksClaimSurvivesAStandingRelease() {
        Vpc vpc = SharingWorld.freshVpc(0);
        Stack x = Stack.fresh("holder");
        Run created = SharingWorld.hook(x.create(Map.of("VpcId", vpc.id())));
        String endpoint = SharingWorld.succeeded(created);
        assertEquals(endpoint, standing(vpc, vpc.routeTables()), "the console run reuses the stack's endpoint");

        Run released = release(vpc, null);

        assertTrue(released.succeeded(), released.toString());
        assertEquals(List.of(), texts(released.doc().path("deleted")), released.toString());
        assertClaimedBy(released, endpoint, x);
        SharingInvariant.assertHolds(ec2, vpc.id(), List.of(SharingInvariant.ofAnswer(created, vpc.routeTables())));

        SharingWorld.succeeded(SharingWorld.hook(x.delete(endpoint, Map.of("VpcId", vpc.id()))));
        assertFalse(ec2.isLive(endpoint), "the stack's claim was still there, and it was the last");
    }

    /** A run without cleanup for these route tables; returns the endpoint it reports. */
    private static String standing(Vpc vpc, List<String> routeTableIds) {
        Run run = SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"routeTableIds\":" + jsonList(routeTableIds) + "}");
        assertTrue(run.succeeded(), run.toString());
        return run.doc().path("vpcEndpointId").asText();
    }

    /** {@code "release": true} for the route tables (null: every route table of the VPC). */
    private static Run release(Vpc vpc, List<String> routeTableIds) {
        return SharingWorld.run("{\"vpcId\":\"" + vpc.id() + "\",\"release\":true"
                + (routeTableIds == null ? "" : ",\"routeTableIds\":" + jsonList(routeTableIds)) + "}");
    }

    private static void assertClaimedBy(Run released, String endpoint, Stack stack) {
        List<String> claimants = texts(released.doc().path("keptFor").path(endpoint));
        assertEquals(1, claimants.size(), released.toString());
        assertTrue(claimants.get(0).contains(stack.stackId()), "kept for the stack: " + released);
    }

    private static String jsonList(List<String> values) {
        return "[\"" + String.join("\",\"", values) + "\"]";
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
