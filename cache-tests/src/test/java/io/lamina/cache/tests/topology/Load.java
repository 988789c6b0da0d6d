package io.lamina.cache.tests.topology;

import io.lamina.cache.CacheTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * A steady read load while a topology changes: {@code threads} callers, each on one of the nodes, read random
 * keys of {@code keys} with {@code remember}, the loader reading a map that stands for the database. Records every
 * exception a caller saw and the slowest call. Stop it with {@link #close()}.
 */
final class Load implements AutoCloseable {

    final Map<Integer, String> database = new ConcurrentHashMap<>();
    /** The first exceptions callers saw (at most 20 kept, all counted in {@link #errorCount}). */
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final AtomicLong errorCount = new AtomicLong();
    final LongAccumulator slowestNanos = new LongAccumulator(Math::max, 0);
    final AtomicLong calls = new AtomicLong();
    final AtomicLong loads = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Load(List<CacheTemplate> nodes, String cache, int keys, int threads) {
        for (int k = 0; k < keys; k++) {
            database.put(k, "v1-" + k);
        }
        for (int t = 0; t < threads; t++) {
            CacheTemplate node = nodes.get(t % nodes.size());
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    int key = ThreadLocalRandom.current().nextInt(keys);
                    long start = System.nanoTime();
                    try {
                        node.remember(cache, key, String.class, () -> {
                            loads.incrementAndGet();
                            return database.get(key);
                        });
                    } catch (Throwable e) {
                        if (errorCount.incrementAndGet() <= 20) {
                            errors.add(e);
                        }
                    }
                    slowestNanos.accumulate(System.nanoTime() - start);
                    calls.incrementAndGet();
                }
            }, "load-" + t);
            thread.setDaemon(true);
            this.threads.add(thread);
        }
        this.threads.forEach(Thread::start);
    }

    long slowestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
    }

    /** Stops the readers and waits (bounded) for them; idempotent, so a test's clean-up may call it again. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
