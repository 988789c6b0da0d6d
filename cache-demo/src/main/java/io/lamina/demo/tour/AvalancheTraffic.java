package io.lamina.demo.tour;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady read traffic over a set of keys: for each reader (a cache on a node), a few threads that read their
 * share of the keys every {@link #PASS}, recording the slowest call and any error. Runs until {@link #stop()}.
 */
final class AvalancheTraffic {

    /** One read of one key through one cache on one node. */
    @FunctionalInterface
    interface Read {
        Integer read(int node, long key);
    }

    static final long PASS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int THREADS_PER_READER = 2;

    private final List<Read> readers;
    private final int keys;
    private final AtomicLong[] slowest;
    private final LongAdder errors = new LongAdder();
    private final ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();
    private volatile boolean stopped;

    /**
     * @param readers one per cache; each is read on both nodes
     * @param keys    keys 1 to {@code keys}
     */
    AvalancheTraffic(List<Read> readers, int keys) {
        this.readers = readers;
        this.keys = keys;
        this.slowest = new AtomicLong[readers.size()];
        for (int i = 0; i < slowest.length; i++) {
            slowest[i] = new AtomicLong();
        }
        this.pool = Executors.newFixedThreadPool(readers.size() * 2 * THREADS_PER_READER);
    }

    void start() {
        for (int r = 0; r < readers.size(); r++) {
            for (int node = 0; node < 2; node++) {
                for (int t = 0; t < THREADS_PER_READER; t++) {
                    int reader = r;
                    int n = node;
                    int first = t + 1;
                    running.add(pool.submit(() -> loop(reader, n, first)));
                }
            }
        }
    }

    private void loop(int reader, int node, int first) {
        long next = System.nanoTime();
        while (!stopped) {
            for (long key = first; key <= keys && !stopped; key += THREADS_PER_READER) {
                long began = System.nanoTime();
                try {
                    if (readers.get(reader).read(node, key) == null) {
                        errors.increment();
                    }
                } catch (RuntimeException e) {
                    errors.increment();
                }
                long took = System.nanoTime() - began;
                slowest[reader].accumulateAndGet(took, Math::max);
            }
            next += PASS;   // pacing the load, not waiting for an effect
            long pause = next - System.nanoTime();
            if (pause > 0) {
                LockSupport.parkNanos(pause);
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** @return the slowest call of that reader since the last call of this method, in nanoseconds */
    long takeSlowest(int reader) {
        return slowest[reader].getAndSet(0);
    }

    /** @return reads that threw or returned null */
    long errors() {
        return errors.sum();
    }

    /** Stops the readers and waits (bounded) for them. */
    void stop() throws Exception {
        stopped = true;
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("the avalanche readers did not stop within 30 s");
        }
        for (Future<?> f : running) {
            f.get();
        }
    }
}
