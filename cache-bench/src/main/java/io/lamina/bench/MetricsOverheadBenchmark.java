package io.lamina.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LaminaMeterNames;
import io.lamina.cache.Loader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * What metrics cost on the L1 hit path: {@code remember} on a warmed key with no meter registry
 * ({@code laminaMetricsOff}) and with one bound ({@code laminaMetricsOn}), in one run, next to raw Caffeine
 * {@code getIfPresent} and raw Caffeine plus one {@link LongAdder} increment (the counting a hit does for
 * {@code stats()}, with or without Micrometer).
 *
 * <p>Goal (issue #7): metrics off costs nothing measurable; metrics on adds at most 10 ns per hit. Keys are 1024
 * pre-built {@code Long}s picked by a cursor, as in {@link L1HitBenchmark}, so every benchmark pays the same for
 * its key. The tear-down checks that every measured call was a hit and, for the registry, that the meters saw them.
 *
 * <pre>{@code java -jar cache-bench/target/benchmarks.jar MetricsOverheadBenchmark -prof gc}</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Threads(1)
@State(Scope.Benchmark)
public class MetricsOverheadBenchmark {

    static final String CACHE = "products";
    static final int KEYS = L1HitBenchmark.KEYS;

    final Long[] keys = new Long[KEYS];
    final Loader<String> loader = () -> {
        throw new IllegalStateException("loader ran during measurement: the benchmark is not measuring L1 hits");
    };
    final LongAdder hits = new LongAdder();

    CacheTemplate off;
    CacheTemplate on;
    MeterRegistry registry;
    Cache<Object, String> raw;

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < KEYS; i++) {
            keys[i] = 1_000_000L + i;
        }
        registry = new SimpleMeterRegistry();
        off = template("bench-off", null);
        on = template("bench-on", registry);
        raw = Caffeine.newBuilder().ticker(Ticker.systemTicker()).executor(Runnable::run).maximumSize(10_000)
                .expireAfterWrite(Duration.ofHours(1)).build();
        for (Long key : keys) {
            raw.put(key, "v" + key);
        }
    }

    private CacheTemplate template(String namespace, MeterRegistry meters) {
        var builder = CacheTemplate.builder().namespace(namespace)
                .cache(CACHE, CacheOptions.builder().ttl(Duration.ofHours(1)).maximumSize(10_000).build());
        if (meters != null) {
            builder.meterRegistry(meters);
        }
        CacheTemplate template = builder.build();
        for (Long key : keys) {
            String value = "v" + key;
            template.remember(CACHE, key, String.class, () -> value);
        }
        return template;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (CacheTemplate t : new CacheTemplate[] {off, on}) {
            if (t.stats(CACHE).misses() != KEYS) {
                throw new IllegalStateException("measured calls missed L1: " + t.stats(CACHE));
            }
        }
        double published = registry.get(LaminaMeterNames.GETS).tag("result", "hit").functionCounter().count();
        if (published != on.stats(CACHE).l1Hits()) {
            throw new IllegalStateException("the meter says " + published + " hits, stats say " + on.stats(CACHE));
        }
        off.close();
        on.close();
    }

    @Benchmark
    public String rawCaffeine(L1HitBenchmark.Cursor cursor) {
        return raw.getIfPresent(cursor.pick(keys));
    }

    @Benchmark
    public String rawCaffeinePlusCounter(L1HitBenchmark.Cursor cursor) {
        String v = raw.getIfPresent(cursor.pick(keys));
        hits.increment();
        return v;
    }

    @Benchmark
    public String laminaMetricsOff(L1HitBenchmark.Cursor cursor) {
        return off.remember(CACHE, cursor.pick(keys), String.class, loader);
    }

    @Benchmark
    public String laminaMetricsOn(L1HitBenchmark.Cursor cursor) {
        return on.remember(CACHE, cursor.pick(keys), String.class, loader);
    }
}
