package io.lamina.bench;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.Loader;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * A cold miss (a key no tier holds, a constant loader) against the protocol a careful team writes by hand, in one run,
 * on a Redis found as DESIGN.md says (issue 17):
 * <ul>
 *   <li>{@code handWritten}: Lettuce sync {@code GET} (miss); {@code SET lock NX PX} (a lock, so one node loads);
 *       {@code GET} again (another node may have filled it meanwhile); the loader and a JSON encode; {@code SET value PX};
 *       {@code DEL lock} — 5 commands, 5 round trips. It has no fencing: a load that outlives an invalidation stores the
 *       old value;</li>
 *   <li>{@code laminaColdMiss}: {@code remember} of a new key, on a template configured as users deploy it (L1 on,
 *       Redis tier): {@code GET}; the script that re-reads the entry and takes the fill lease only if free; the loader;
 *       the fenced fill script (3 commands, 3 round trips; no lock uncontended). The fill also fences against a
 *       concurrent write and the entry carries its tag versions.</li>
 * </ul>
 * Goal: {@code laminaColdMiss} at most 1.2× {@code handWritten}, at most 8 KB allocated per miss ({@code -prof gc}).
 * The commands of a Lamina miss are counted on the client's side by {@code RoundTripsIT} (a proxy would distort the
 * times here; {@code INFO commandstats} also counts what scripts run inside Redis).
 *
 * <pre>{@code java -jar cache-bench/target/benchmarks.jar ColdMissBenchmark -prof gc}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 3)
@Threads(1)
public class ColdMissBenchmark {

    public record Product(long id, String name, String description, int stock) {
    }

    private static final Product PRODUCT = new Product(7, "Lamina mug", "A mug with two layers, like a good cache.", 17);
    private static final Loader<Product> LOADER = () -> PRODUCT;
    private static final SetArgs LOCK = SetArgs.Builder.nx().px(30_000);
    private static final SetArgs VALUE = SetArgs.Builder.px(1_800_000);

    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisCommands<byte[], byte[]> raw;
    private final JsonCodec codec = JsonCodec.create();
    private CacheTemplate lamina;
    private final AtomicLong keys = new AtomicLong();
    private final byte[] node = "node-1".getBytes(StandardCharsets.UTF_8);

    @Setup(Level.Trial)
    public void setUp() {
        RedisServer redis = RedisServers.shared();
        client = RedisClient.create(redis.uri());
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.sync();
        lamina = CacheTemplate.builder().namespace("bench-cold-" + System.nanoTime())
                .remote(RedisTier.create(redis.uri()))
                .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).build())
                .build();
        lamina.remember("products", -1L, Product.class, LOADER);   // connections open, scripts loaded
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        lamina.close();
        connection.close();
        client.shutdown();
    }

    @Benchmark
    public Product handWritten() throws Exception {
        long id = keys.incrementAndGet();
        byte[] key = ("bench-hand:e:" + id).getBytes(StandardCharsets.UTF_8);
        byte[] lock = ("bench-hand:l:" + id).getBytes(StandardCharsets.UTF_8);
        byte[] found = raw.get(key);
        if (found != null) {
            return (Product) codec.decode(found, Product.class);
        }
        if (!"OK".equals(raw.set(lock, node, LOCK))) {
            throw new IllegalStateException("uncontended: the lock is free");
        }
        try {
            found = raw.get(key);
            if (found != null) {
                return (Product) codec.decode(found, Product.class);
            }
            Product loaded = LOADER.load();
            raw.set(key, codec.encode(loaded, Product.class), VALUE);
            return loaded;
        } finally {
            raw.del(lock);
        }
    }

    @Benchmark
    public Product laminaColdMiss() {
        return lamina.remember("products", keys.incrementAndGet(), Product.class, LOADER);
    }
}
