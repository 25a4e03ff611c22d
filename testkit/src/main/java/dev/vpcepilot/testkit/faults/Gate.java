package dev.vpcepilot.testkit.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Calls of one action ({@code ec2:DescribeRouteTables}, {@code dynamodb:ListTables}, as {@link AwsCall} names them)
 * held by a {@link FaultProxy} before they reach the emulator, until {@link #open()}: an interleaving chosen by a
 * test, which lets another run (another {@code ./run-local} process, with its own proxy) go first at exactly that
 * point, without sleeping. A held call waits at most {@link #MAX_HOLD}, then goes on (so that a test that fails never
 * leaves a process hanging). See {@link FaultProxy#hold(String)}.
 */
public final class Gate {

    /** The longest a gate holds a call. */
    public static final Duration MAX_HOLD = Duration.ofSeconds(60);

    private final String action;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final FaultRule rule;

    Gate(String action) {
        this.action = action;
        this.rule = FaultRule.holdAll(opened, MAX_HOLD).only(action);
    }

    /** The rule that holds the calls. */
    FaultRule rule() {
        return rule;
    }

    /** Waits until the first call of the action is held here; an AssertionError if none came within the timeout. */
    public void awaitArrival(Duration timeout) {
        try {
            if (!rule.awaitHolding(timeout)) {
                throw new AssertionError("no " + action + " call reached the gate within " + timeout.toSeconds()
                        + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + action, e);
        }
    }

    public boolean arrived() {
        try {
            return rule.awaitHolding(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Lets the held calls, and every later one, through. */
    public void open() {
        opened.countDown();
    }

    /**
     * Waits until every gate holds a call, then opens them all at once: a barrier across processes. The gates are
     * opened even when one never sees a call (and that is an AssertionError).
     */
    public static void openTogether(List<Gate> gates, Duration timeout) {
        try {
            for (Gate gate : gates) {
                gate.awaitArrival(timeout);
            }
        } finally {
            gates.forEach(Gate::open);
        }
    }
}
