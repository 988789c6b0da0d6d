package io.lamina.bench;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code invalidateTags} on a tag that K entries carry, for K = 10, 1 000 and 100 000: the time must not
 * grow with K (tags are versions, not key lists). After every iteration the tear-down reads one of the K
 * entries and fails the run unless that read is a miss (its loader runs).
 *
 * <pre>java -jar cache-bench/target/benchmarks.jar InvalidateTagsBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InvalidateTagsBenchmark {

    @Param({"10", "1000", "100000"})
    public int entries;

    private CacheTemplate cache;
    private final AtomicInteger loads = new AtomicInteger();

    @Setup(Level.Trial)
    public void fill() {
        RedisServer redis = RedisServers.shared();
        cache = CacheTemplate.builder().namespace("tags-" + entries).remote(RedisTier.create(redis.uri()))
                .cache("products", CacheOptions.builder().ttl(Duration.ofHours(1)).maximumSize(200_000).build())
                .build();
        // K entries that carry the tag, in L1 and in Redis
        IntStream.range(0, entries).parallel().forEach(i ->
                cache.put("products", i, "p" + i, Duration.ofHours(1), "category:42"));
    }

    @Benchmark
    public void invalidateTags() {
        cache.invalidateTags("category:42");
    }

    @TearDown(Level.Iteration)
    public void firstReadAfterIsAMiss() {
        int before = loads.get();
        cache.remember("products", entries / 2, String.class, () -> "reloaded-" + loads.incrementAndGet());
        if (loads.get() != before + 1) {
            throw new IllegalStateException("the first read after invalidateTags was a hit");
        }
        // carry the tag again for the next iteration, as a fresh entry would
        cache.put("products", entries / 2, "p", Duration.ofHours(1), "category:42");
    }

    @TearDown(Level.Trial)
    public void close() {
        cache.close();
    }
}
