package io.lamina.bench;

import io.lamina.cache.BulkLoader;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.Loader;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * A page of 100 products through the cache, against raw Lettuce, in one run, on a Redis found as DESIGN.md says:
 * <ul>
 *   <li>{@code rawLettuceMgetDecode}: one Lettuce sync {@code MGET} of the 100 JSON values plus the same
 *       {@link JsonCodec} decode of each — the floor (goal: {@code laminaRememberAllL2} at most 1.3× it);</li>
 *   <li>{@code laminaRememberAllL2}: {@code rememberAll} of the 100 keys on a cache with L1 disabled: every key an L2
 *       hit (one MGET, envelopes parsed, payloads decoded);</li>
 *   <li>{@code laminaRememberEachL2}: the same page as 100 × {@code remember} (100 GETs): the speed-up of batching;</li>
 *   <li>{@code laminaRememberAllCold}: {@code rememberAll} of 100 new keys each call: one MGET, one bulk lease script,
 *       one loader call, one bulk fill script. The aux counter {@code loaderCalls} reports loader calls per operation
 *       (1.0); the Redis commands per call (3, whatever the page size) are counted by {@code BulkRoundTripsIT}
 *       through a proxy, which would distort the times here.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 3)
@Threads(1)
public class RememberAllBenchmark {

    public record Product(long id, String name, String description, int stock) {
    }

    static final int PAGE = 100;

    private static final BulkLoader<Long, Product> MUST_NOT_LOAD = missing -> {
        throw new IllegalStateException("L2 hits were expected, missing " + missing.size());
    };
    private static final Loader<Product> MUST_NOT_LOAD_ONE = () -> {
        throw new IllegalStateException("an L2 hit was expected");
    };

    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisCommands<byte[], byte[]> raw;
    private byte[][] rawKeys;
    private final JsonCodec codec = JsonCodec.create();
    private CacheTemplate lamina;
    private List<Long> page;
    private final AtomicLong coldKeys = new AtomicLong(1_000_000);

    /** Per-operation counts of the cold benchmark, reported by JMH next to its time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ColdCounts {
        public long loaderCalls;
    }

    static Product product(long id) {
        return new Product(id, "Lamina mug " + id, "A mug with two layers, like a good cache.", 17);
    }

    @Setup(Level.Trial)
    public void setUp() {
        RedisServer redis = RedisServers.shared();
        client = RedisClient.create(redis.uri());
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.sync();
        rawKeys = new byte[PAGE][];
        page = new ArrayList<>();
        Map<Long, Product> rows = new LinkedHashMap<>();
        for (long id = 0; id < PAGE; id++) {
            rawKeys[(int) id] = ("bench-raw:product:{" + id + "}").getBytes(StandardCharsets.UTF_8);
            raw.set(rawKeys[(int) id], codec.encode(product(id), Product.class));
            page.add(id);
            rows.put(id, product(id));
        }
        lamina = CacheTemplate.builder().namespace("bench-all")
                .remote(RedisTier.create(redis.uri()))
                .cache("products", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofHours(1)).build())
                .cache("cold", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofSeconds(30)).build())
                .build();
        lamina.putAll("products", rows);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long misses = lamina.stats("products").misses();
        lamina.close();
        connection.close();
        client.shutdown();
        if (misses != 0) {
            throw new IllegalStateException("the L2 benchmarks were not all L2 hits: " + misses + " misses");
        }
    }

    @Benchmark
    public Map<Long, Product> rawLettuceMgetDecode() {
        List<KeyValue<byte[], byte[]>> values = raw.mget(rawKeys);
        Map<Long, Product> out = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            out.put((long) i, (Product) codec.decode(values.get(i).getValue(), Product.class));
        }
        return out;
    }

    @Benchmark
    public Map<Long, Product> laminaRememberAllL2() {
        return lamina.rememberAll("products", page, Product.class, MUST_NOT_LOAD);
    }

    @Benchmark
    public Map<Long, Product> laminaRememberEachL2() {
        Map<Long, Product> out = new LinkedHashMap<>();
        for (Long id : page) {
            out.put(id, lamina.remember("products", id, Product.class, MUST_NOT_LOAD_ONE));
        }
        return out;
    }

    @Benchmark
    public Map<Long, Product> laminaRememberAllCold(ColdCounts counts) {
        long first = coldKeys.getAndAdd(PAGE);
        List<Long> ids = new ArrayList<>(PAGE);
        for (long id = first; id < first + PAGE; id++) {
            ids.add(id);
        }
        return lamina.rememberAll("cold", ids, Product.class, missing -> {
            counts.loaderCalls++;
            Map<Long, Product> found = new HashMap<>();
            missing.forEach(id -> found.put(id, product(id)));
            return found;
        });
    }
}
