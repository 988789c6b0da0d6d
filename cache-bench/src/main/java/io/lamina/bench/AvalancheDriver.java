package io.lamina.bench;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The avalanche demonstration (a driver, not JMH): 10 000 keys are loaded at one instant, then readers
 * keep reading random keys well past their TTL. The loader counts its calls per time bucket: that is the
 * load the database sees. Run once with jitter and refresh-ahead off, once with both on; prints one table
 * row per bucket. The template is L1 only, so the 10 000 first loads really happen at one instant (with
 * Redis each cold miss costs four round trips and the fill itself would be spread over seconds); the
 * integration tests cover the same defences on Redis.
 *
 * <pre>java -cp cache-bench/target/benchmarks.jar io.lamina.bench.AvalancheDriver</pre>
 */
public final class AvalancheDriver {

    static final int KEYS = 10_000;
    static final Duration TTL = Duration.ofSeconds(10);
    static final Duration RUN = Duration.ofSeconds(34);
    static final long BUCKET_MS = 250;
    static final int READERS = 4;

    private AvalancheDriver() {
    }

    public static void main(String[] args) throws Exception {
        CacheOptions off = CacheOptions.builder().ttl(TTL).jitter(Duration.ZERO).build();
        CacheOptions on = CacheOptions.builder().ttl(TTL).jitter(TTL).refreshAhead(0.7).build();
        Result a = run("off", off);
        Result b = run("on", on);
        System.out.println();
        System.out.println("time (s) | loads/s off | loads/s on | misses/s off | misses/s on");
        System.out.println("---:|---:|---:|---:|---:");
        for (int i = 0; i < a.loads.length(); i++) {
            double secs = BUCKET_MS / 1000.0;
            System.out.printf("%.1f | %.0f | %.0f | %.0f | %.0f%n", (i + 1) * secs,
                    a.loads.get(i) / secs, b.loads.get(i) / secs, a.misses.get(i) / secs, b.misses.get(i) / secs);
        }
        System.out.printf("%npeak loads/s after the first fill: off %.0f, on %.0f (%.1f%% of off); reads: off %d, on %d%n",
                a.peakAfterFill() / (BUCKET_MS / 1000.0), b.peakAfterFill() / (BUCKET_MS / 1000.0),
                100.0 * b.peakAfterFill() / Math.max(1, a.peakAfterFill()), a.reads, b.reads);
        System.exit(0);
    }

    record Result(AtomicLongArray loads, AtomicLongArray misses, long reads) {
        /** The largest bucket after the initial fill (the first bucket holds the 10 000 first loads in both runs). */
        long peakAfterFill() {
            long peak = 0;
            for (int i = 2; i < loads.length(); i++) {
                peak = Math.max(peak, loads.get(i));
            }
            return peak;
        }
    }

    static Result run(String name, CacheOptions options) throws Exception {
        int buckets = (int) (RUN.toMillis() / BUCKET_MS);
        AtomicLongArray loads = new AtomicLongArray(buckets);
        AtomicLongArray misses = new AtomicLongArray(buckets);
        try (CacheTemplate cache = CacheTemplate.builder().namespace("avalanche-" + name).loaderPool(2, 20_000)
                .cache("products", options).build()) {
            long start = System.nanoTime();
            // 10 000 keys loaded at one instant (a deploy, a cache flush, a cold start)
            List<Thread> fillers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                int from = t;
                Thread filler = new Thread(() -> {
                    for (int k = from; k < KEYS; k += READERS) {
                        read(cache, k, start, loads, misses);
                    }
                });
                fillers.add(filler);
                filler.start();
            }
            for (Thread f : fillers) {
                f.join();
            }
            // then traffic goes on past the TTL
            AtomicBoolean stop = new AtomicBoolean();
            long[] reads = new long[READERS];
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                int id = t;
                Thread reader = new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        read(cache, random.nextInt(KEYS), start, loads, misses);
                        reads[id]++;
                    }
                });
                readers.add(reader);
                reader.start();
            }
            Thread.sleep(Math.max(0, RUN.toMillis() - (System.nanoTime() - start) / 1_000_000));
            stop.set(true);
            long total = 0;
            for (int t = 0; t < READERS; t++) {
                readers.get(t).join();
                total += reads[t];
            }
            return new Result(loads, misses, total);
        }
    }

    private static void read(CacheTemplate cache, int key, long start, AtomicLongArray loads, AtomicLongArray misses) {
        // a miss is a load on the caller's own thread; a refresh runs the same loader on a pool thread
        Thread caller = Thread.currentThread();
        boolean[] loaded = {false};
        cache.remember("products", key, String.class, () -> {
            int bucket = bucket(start, loads.length());
            if (bucket >= 0) {
                loads.incrementAndGet(bucket);
            }
            if (Thread.currentThread() == caller) {
                loaded[0] = true;
            }
            return "product-" + key;
        });
        if (loaded[0]) {
            int bucket = bucket(start, misses.length());
            if (bucket >= 0) {
                misses.incrementAndGet(bucket);
            }
        }
    }

    private static int bucket(long start, int buckets) {
        int b = (int) ((System.nanoTime() - start) / 1_000_000 / BUCKET_MS);
        return b < buckets ? b : -1;
    }
}
