package dev.vpcepilot.testkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When a rule fires, without any network. */
class FaultRuleTest {

    private static List<Integer> firing(FaultRule rule, String action, int calls) {
        List<Integer> fired = new ArrayList<>();
        for (int i = 1; i <= calls; i++) {
            if (rule.advance(action)) {
                fired.add(i);
            }
        }
        return fired;
    }

    @Test
    void everyNthCountsAcrossActions() {
        FaultRule rule = FaultRule.throttleEvery(3);
        List<Boolean> fired = new ArrayList<>();
        for (String action : List.of("ec2:A", "ec2:B", "dynamodb:C", "ec2:A", "ec2:A", "ec2:B")) {
            fired.add(rule.advance(action));
        }
        assertEquals(List.of(false, false, true, false, false, true), fired);
        assertEquals(FaultKind.THROTTLE, rule.kind());
    }

    @Test
    void accessDeniedOnceRefusesTheNthCallOnly() {
        FaultRule rule = FaultRule.accessDeniedOnce(3).only("ec2:DescribeRouteTables");

        assertEquals(List.of(3), firing(rule, "ec2:DescribeRouteTables", 6));
        assertEquals(FaultKind.ACCESS_DENIED, rule.kind());
        assertEquals("AccessDenied on the 3rd call only of ec2:DescribeRouteTables", rule.toString());
    }

    @Test
    void firstKIsPerAction() {
        FaultRule rule = FaultRule.throttleFirst(2);
        assertEquals(List.of(1, 2), firing(rule, "ec2:DescribeVpcs", 5));
        assertEquals(List.of(1, 2), firing(rule, "ec2:DescribeSubnets", 4));
        rule.reset();
        assertEquals(List.of(1, 2), firing(rule, "ec2:DescribeVpcs", 3));
    }

    @Test
    void shareIsExactAndDeterministic() {
        assertEquals(List.of(4, 8, 12), firing(FaultRule.errorShare(0.25), "x:Y", 12));
        assertEquals(List.of(2, 4, 6), firing(FaultRule.errorShare(0.5), "x:Y", 6));
        assertEquals(List.of(1, 2, 3), firing(FaultRule.share(FaultKind.DROP, 1.0), "x:Y", 3));
        assertEquals(30, firing(FaultRule.errorShare(0.3), "x:Y", 100).size());
    }

    @Test
    void onlyLimitsByActionPrefixWithFreshCounters() {
        FaultRule all = FaultRule.dropEvery(2);
        all.advance("ec2:A");
        FaultRule ec2 = all.only("ec2:");
        assertEquals(Optional.of("ec2:"), ec2.scope());
        assertEquals(Optional.empty(), all.scope());
        assertTrue(ec2.appliesTo("ec2:DescribeVpcs"));
        assertFalse(ec2.appliesTo("dynamodb:ListTables"));
        assertTrue(FaultRule.latency(5).only("dynamodb:ListTables").appliesTo("dynamodb:ListTables"));
        assertFalse(FaultRule.latency(5).only("dynamodb:ListTables").appliesTo("dynamodb:DescribeTable"));
        assertFalse(ec2.advance("ec2:A"), "the scoped copy starts counting from zero");
        assertTrue(ec2.advance("ec2:A"));
    }

    @Test
    void latencyRuleFiresOnEveryCall() {
        FaultRule rule = FaultRule.latency(250);
        assertEquals(FaultKind.LATENCY, rule.kind());
        assertEquals(250, rule.latencyMillis());
        assertEquals(List.of(1, 2, 3), firing(rule, "ec2:A", 3));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> FaultRule.throttleEvery(0));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.throttleFirst(-1));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.errorShare(0));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.errorShare(1.5));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.errorShare(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.latency(-1));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.latency(FaultRule.MAX_LATENCY_MILLIS + 1));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.every(FaultKind.LATENCY, 2));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.dropEvery(1).only(" "));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.endpointNotFoundFirst(0));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.every(FaultKind.NOT_FOUND, 1));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.firstPerAction(FaultKind.NOT_FOUND, 1));
    }

    @Test
    void describesItself() {
        assertEquals("throttle on every 3rd call of ec2:", FaultRule.throttleEvery(3).only("ec2:").toString());
        assertEquals("throttle on the first 6 calls of each action", FaultRule.throttleFirst(6).toString());
        assertEquals("drop the connection on every 2nd call", FaultRule.dropEvery(2).toString());
        assertEquals("HTTP 500 on every 11th call", FaultRule.errorEvery(11).toString());
        assertEquals("delay 40 ms on every call", FaultRule.latency(40).toString());
        assertEquals("InvalidVpcEndpointId.NotFound on the first 2 calls naming each endpoint id CreateVpcEndpoint "
                + "returned of ec2:DescribeVpcEndpoints",
                FaultRule.endpointNotFoundFirst(2).only("ec2:DescribeVpcEndpoints").toString());
    }

    @Test
    void theEndpointRuleHidesEachLearntIdForItsFirstNCallsCountedPerId() {
        FaultRule rule = FaultRule.endpointNotFoundFirst(2);
        rule.learnEndpoint("vpce-a");
        rule.learnEndpoint("vpce-b");

        assertEquals(List.of("vpce-a"), rule.hiddenOf(List.of("vpce-a")));
        assertEquals(List.of("vpce-b"), rule.hiddenOf(List.of("vpce-b", "vpce-unknown")), "an id it never saw is shown");
        assertEquals(List.of("vpce-a", "vpce-b"), rule.hiddenOf(List.of("vpce-a", "vpce-b")));
        assertEquals(List.of(), rule.hiddenOf(List.of("vpce-a", "vpce-b")), "call 3 of each id sees it");
        assertEquals(List.of(), rule.hiddenOf(List.of()));
        assertFalse(rule.advance("ec2:DescribeVpcEndpoints"), "the rule fires on ids, never on an action alone");
        assertEquals(FaultKind.NOT_FOUND, rule.kind());
    }

    @Test
    void anIdLearntAgainKeepsItsCountAndAResetForgetsEveryId() {
        FaultRule rule = FaultRule.endpointNotFoundFirst(1);
        rule.learnEndpoint("vpce-a");
        assertEquals(List.of("vpce-a"), rule.hiddenOf(List.of("vpce-a")));
        rule.learnEndpoint("vpce-a"); // CreateVpcEndpoint answered the same id again (a repeated ClientToken)
        assertEquals(List.of(), rule.hiddenOf(List.of("vpce-a")));

        rule.reset();
        assertEquals(List.of(), rule.hiddenOf(List.of("vpce-a")), "forgotten: no longer a new id");
        rule.learnEndpoint("vpce-a");
        assertEquals(List.of("vpce-a"), rule.hiddenOf(List.of("vpce-a")));
    }

    @Test
    void theEndpointRuleTracksABoundedNumberOfIdsAndOtherRulesHideNothing() {
        FaultRule rule = FaultRule.endpointNotFoundFirst(1);
        for (int i = 0; i < FaultRule.MAX_TRACKED_ENDPOINTS; i++) {
            rule.learnEndpoint("vpce-" + i);
        }
        rule.learnEndpoint("vpce-one-too-many");
        assertEquals(List.of(), rule.hiddenOf(List.of("vpce-one-too-many")));
        assertEquals(List.of("vpce-0"), rule.hiddenOf(List.of("vpce-0")));

        FaultRule throttle = FaultRule.throttleEvery(1);
        throttle.learnEndpoint("vpce-x");
        assertEquals(List.of(), throttle.hiddenOf(List.of("vpce-x")));
    }

    @Test
    void theEndpointRuleScopedKeepsItsKindAndStartsWithNoIds() {
        FaultRule all = FaultRule.endpointNotFoundFirst(1);
        all.learnEndpoint("vpce-a");
        FaultRule describe = all.only("ec2:DescribeVpcEndpoints");
        assertEquals(FaultKind.NOT_FOUND, describe.kind());
        assertTrue(describe.appliesTo("ec2:DescribeVpcEndpoints"));
        assertFalse(describe.appliesTo("ec2:CreateTags"));
        assertEquals(List.of(), describe.hiddenOf(List.of("vpce-a")), "a scoped copy has fresh counters");
    }

    @Test
    void theEndpointRuleCountsEachIdExactlyUnderContention() throws Exception {
        FaultRule rule = FaultRule.endpointNotFoundFirst(7);
        rule.learnEndpoint("vpce-a");
        rule.learnEndpoint("vpce-b");
        AtomicInteger hiddenA = new AtomicInteger();
        AtomicInteger hiddenB = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        List<String> hidden = rule.hiddenOf(List.of("vpce-a", "vpce-b"));
                        hiddenA.addAndGet(hidden.contains("vpce-a") ? 1 : 0);
                        hiddenB.addAndGet(hidden.contains("vpce-b") ? 1 : 0);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(7, hiddenA.get());
        assertEquals(7, hiddenB.get());
    }

    @Test
    void countsExactlyUnderContention() throws Exception {
        FaultRule every = FaultRule.throttleEvery(5);
        FaultRule first = FaultRule.throttleFirst(7);
        AtomicInteger everyFired = new AtomicInteger();
        AtomicInteger firstFired = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        if (every.advance("a:B")) {
                            everyFired.incrementAndGet();
                        }
                        if (first.advance("a:" + (i % 3))) {
                            firstFired.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals(8000 / 5, everyFired.get());
        assertEquals(3 * 7, firstFired.get());
    }
}
