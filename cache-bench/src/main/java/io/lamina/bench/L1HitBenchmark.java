package io.lamina.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisServers;
import io.lamina.cache.CachedValue;
import io.lamina.cache.ContextLoader;
import io.lamina.cache.Loader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The L1 hit path as users deploy it: {@code remember} on a warmed key of a template <em>with</em> its Redis tier, against
 * raw Caffeine {@code getIfPresent} configured as a user would write it ({@code maximumSize} + {@code expireAfterWrite},
 * Caffeine's default executor) — the baseline of issue 17. {@code laminaSetupCaffeine} is Caffeine configured like
 * Lamina's L1 before issue 17 (per-entry {@link Expiry}, caller-runs executor, eviction listener), to show what that setup
 * alone cost. Every benchmark picks one of 1024 pre-built {@code Long} keys with the same cursor (the tagged one from
 * its own range), so the key costs the same everywhere and allocates nothing.
 *
 * <p>Goal: {@code laminaRemember} at most 1.5x {@code rawCaffeine} with 1 and with 2 threads, and 0 bytes per call
 * (run with {@code -prof gc}).
 *
 * <pre>{@code java -jar cache-bench/target/benchmarks.jar L1HitBenchmark -prof gc
 * java -jar cache-bench/target/benchmarks.jar L1HitBenchmark -t 2}</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 3)
@Threads(1)
@State(Scope.Benchmark)
public class L1HitBenchmark {

    static final String CACHE = "products";
    static final int KEYS = 1024;
    static final int MASK = KEYS - 1;
    static final int MAXIMUM_SIZE = 10_000;
    static final Duration TTL = Duration.ofHours(1);

    /** A small value, as a typical cached DTO. */
    public record Product(long id, String name, long priceCents) {
    }

    /** Per-thread key cursor: an int increment and a mask, the same in every benchmark. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        Long pick(Long[] keys) {
            return keys[next++ & MASK];
        }
    }

    // distinct key ranges, so plain and tagged entries live side by side in one cache
    final Long[] plainKeys = new Long[KEYS];
    final Long[] taggedKeys = new Long[KEYS];

    // fields, not lambdas captured per call: a hit must not pay for building its loader
    final Loader<Product> loader = () -> {
        throw new IllegalStateException("loader ran during measurement: the benchmark is not measuring L1 hits");
    };
    final ContextLoader<Product> taggedLoader = ctx -> {
        throw new IllegalStateException("loader ran during measurement: the benchmark is not measuring L1 hits");
    };

    CacheTemplate template;
    Cache<Object, Product> raw;
    Cache<Object, Product> laminaSetup;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        for (int i = 0; i < KEYS; i++) {
            plainKeys[i] = 1_000_000L + i;
            taggedKeys[i] = 2_000_000L + i;
        }

        template = CacheTemplate.builder()
                .namespace("bench-l1-" + System.nanoTime())
                .remote(RedisTier.create(RedisServers.shared().uri()))   // as users deploy it: with L2
                .cache(CACHE, CacheOptions.builder().ttl(TTL).maximumSize(MAXIMUM_SIZE).build())
                .build();
        // a node starts in a gap of its bus and flushes L1 when the gap ends: warm L1 only after that
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!template.nodeStats().busHealthy()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the invalidation bus did not become healthy");
            }
            Thread.sleep(10);
        }
        for (int i = 0; i < KEYS; i++) {
            Product p = product(plainKeys[i]);
            template.remember(CACHE, plainKeys[i], Product.class, () -> p);
            Product t = product(taggedKeys[i]);
            template.remember(CACHE, taggedKeys[i], Product.class, ctx -> {
                ctx.tags("a", "b");
                return t;
            });
        }

        // what a user writes
        raw = Caffeine.newBuilder()
                .maximumSize(MAXIMUM_SIZE)
                .expireAfterWrite(TTL)
                .build();
        // Lamina's LocalTier before issue 17
        LongAdder evictions = new LongAdder();
        laminaSetup = Caffeine.newBuilder()
                .ticker(Ticker.systemTicker())
                .executor(Runnable::run)
                .evictionListener((Object key, Object value, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.increment();
                    }
                })
                .maximumSize(MAXIMUM_SIZE)
                .expireAfter(new FixedExpiry(TTL))
                .build();
        for (Long key : plainKeys) {
            raw.put(key, product(key));
            laminaSetup.put(key, product(key));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // the only misses allowed are the warming loads: every measured call was an L1 hit
        CacheStats stats = template.stats(CACHE);
        if (stats.misses() != 2L * KEYS) {
            throw new IllegalStateException("measured calls missed L1: " + stats);
        }
        template.close();
    }

    @Benchmark
    public Product rawCaffeine(Cursor cursor) {
        return raw.getIfPresent(cursor.pick(plainKeys));
    }

    @Benchmark
    public Product laminaSetupCaffeine(Cursor cursor) {
        return laminaSetup.getIfPresent(cursor.pick(plainKeys));
    }

    @Benchmark
    public Product laminaRemember(Cursor cursor) {
        return template.remember(CACHE, cursor.pick(plainKeys), Product.class, loader);
    }

    @Benchmark
    public Product laminaRememberTagged(Cursor cursor) {
        return template.remember(CACHE, cursor.pick(taggedKeys), Product.class, taggedLoader);
    }

    @Benchmark
    public CachedValue<Product> laminaGetIfPresent(Cursor cursor) {
        return template.getIfPresent(CACHE, cursor.pick(plainKeys), Product.class);
    }

    private static Product product(long id) {
        return new Product(id, "product-" + id, 1_999);
    }

    /** A variable expiry like Lamina's: set on create and update, unchanged by reads. */
    private static final class FixedExpiry implements Expiry<Object, Product> {
        private final long ttlNanos;

        FixedExpiry(Duration ttl) {
            this.ttlNanos = ttl.toNanos();
        }

        @Override
        public long expireAfterCreate(Object key, Product value, long currentTime) {
            return ttlNanos;
        }

        @Override
        public long expireAfterUpdate(Object key, Product value, long currentTime, long currentDuration) {
            return ttlNanos;
        }

        @Override
        public long expireAfterRead(Object key, Product value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
