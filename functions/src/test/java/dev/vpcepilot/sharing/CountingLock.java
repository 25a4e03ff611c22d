package dev.vpcepilot.sharing;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A real lock standing in for the lease lock: it counts holds, refuses to be taken again by its holder (the lease
 * lock is not re-entrant: a nested hold would wait for itself until its lease lapsed), and lets the test doubles
 * check that a write happens while it is held; as the fence of the EC2 writes, it refuses every write outside a hold.
 */
final class CountingLock implements ScopeLock, WriteFence {

    private final ReentrantLock lock = new ReentrantLock();
    private int holds;

    @Override
    public <T> T holding(Scope scope, Supplier<T> work) {
        if (lock.isHeldByCurrentThread()) {
            throw new AssertionError("nested hold of the lock of " + scope);
        }
        lock.lock();
        holds++;
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void beforeWrite(String write) {
        assertHeld(write);
    }

    int holds() {
        return holds;
    }

    boolean held() {
        return lock.isHeldByCurrentThread();
    }

    void assertHeld(String what) {
        if (!held()) {
            throw new AssertionError(what + " outside the scope's lock");
        }
    }
}
