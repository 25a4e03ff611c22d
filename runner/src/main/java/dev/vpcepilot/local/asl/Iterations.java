package dev.vpcepilot.local.asl;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * A Map's iterations on threads of their own: at most {@code concurrency} at once, started in item order (so a
 * concurrency of 1 runs them one after another, in order, as the States Language requires), each worker taking
 * the next item as soon as its previous one ended. Once {@code stop} is set no item starts any more.
 */
final class Iterations {

    private Iterations() {
    }

    /**
     * Runs {@code work} for every index in {@code [0, count)}.
     *
     * @return the results by index; null for an item that never started because {@code stop} was set first
     * @throws InterruptedException if the calling thread is interrupted (the workers are interrupted and stopped)
     */
    static <R> List<R> run(int count, int concurrency, String threadName, AtomicBoolean stop, IntFunction<R> work)
            throws InterruptedException {
        AtomicReferenceArray<R> results = new AtomicReferenceArray<>(count);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> crash = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(concurrency, count); w++) {
            workers.add(Thread.ofPlatform().daemon().name(threadName + "-" + w).start(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < count && !stop.get(); i = next.getAndIncrement()) {
                        results.set(i, work.apply(i));
                    }
                } catch (RuntimeException | Error e) {
                    crash.compareAndSet(null, e);
                    stop.set(true);
                }
            }));
        }
        try {
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            stop.set(true);
            workers.forEach(Thread::interrupt);
            throw e;
        }
        if (crash.get() instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (crash.get() instanceof Error error) {
            throw error;
        }
        List<R> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(results.get(i));
        }
        return list;
    }
}
