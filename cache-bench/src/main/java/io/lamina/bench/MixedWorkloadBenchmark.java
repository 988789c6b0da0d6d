package io.lamina.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Where a cache is really paid for (issue 17): 2 threads, Zipf-distributed keys over 10 000 products, 95 % reads through
 * the cache with a loader that costs about 50 µs (a parked thread, like a database call), 5 % invalidations. In one run:
 * <ul>
 *   <li>{@code glue}: what a team writes by hand with Caffeine and Lettuce: Caffeine ({@code maximumSize} +
 *       {@code expireAfterWrite}) in front of Redis; a read is a Caffeine hit, or a {@code GET}, or the loader and a
 *       {@code SET PX}; an invalidation is {@code DEL} then {@code PUBLISH} of the id (what other nodes would need). No
 *       single-flight, no lock, no fencing: a load that outlives an invalidation stores the old value, in Redis and in
 *       Caffeine;</li>
 *   <li>{@code lamina}: {@code remember} and {@code invalidate} on a template configured the same way (L1 of 10 000 for
 *       30 minutes, its Redis tier, its bus).</li>
 * </ul>
 * Goal: {@code lamina} at least 1.0× {@code glue} in operations per second. Three forks: the glue's throughput differs
 * from one JVM to the next (62 000 to 75 000 ops/s on the 2-core machine), more than the difference measured.
 *
 * <pre>{@code java -jar cache-bench/target/benchmarks.jar MixedWorkloadBenchmark}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(3)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 6, time = 4)
@Threads(2)
public class MixedWorkloadBenchmark {

    public record Product(long id, String name, String description, int stock) {
    }

    static final int KEYS = 10_000;
    static final int SAMPLES = 1 << 20;
    static final Duration TTL = Duration.ofMinutes(30);
    static final long LOADER_NANOS = 50_000;
    private static final SetArgs VALUE = SetArgs.Builder.px(TTL.toMillis());

    /** Key indices drawn from Zipf(s = 1) over {@link #KEYS}, shared by every thread (each walks it from its own start). */
    static final long[] ZIPF = zipf(KEYS, 1.0, SAMPLES, 42);

    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisCommands<byte[], byte[]> redis;
    private Cache<Long, Product> caffeine;
    private final JsonCodec codec = JsonCodec.create();
    private final byte[] channel = "bench-glue:bus".getBytes(StandardCharsets.UTF_8);
    private CacheTemplate lamina;

    /** Each thread's place in {@link #ZIPF} and its operation counter (every 20th operation invalidates). */
    @State(Scope.Thread)
    public static class Cursor {
        int next = new SplittableRandom().nextInt(SAMPLES);
        int op;

        long key() {
            return ZIPF[next++ & (SAMPLES - 1)];
        }

        boolean invalidates() {
            return ++op % 20 == 0;
        }
    }

    static Product load(long id) {
        LockSupport.parkNanos(LOADER_NANOS);
        return new Product(id, "Lamina mug " + id, "A mug with two layers, like a good cache.", 17);
    }

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        RedisServer server = RedisServers.shared();
        client = RedisClient.create(server.uri());
        connection = client.connect(ByteArrayCodec.INSTANCE);
        redis = connection.sync();
        caffeine = Caffeine.newBuilder().maximumSize(KEYS).expireAfterWrite(TTL).build();
        lamina = CacheTemplate.builder().namespace("bench-mixed-" + System.nanoTime())
                .remote(RedisTier.create(server.uri()))
                .cache("products", CacheOptions.builder().maximumSize(KEYS).ttl(TTL).build())
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!lamina.nodeStats().busHealthy()) {   // a node starts in a gap of its bus and flushes L1 when it ends
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the invalidation bus did not become healthy");
            }
            Thread.sleep(10);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        lamina.close();
        connection.close();
        client.shutdown();
    }

    @Benchmark
    public Object glue(Cursor cursor) {
        long id = cursor.key();
        byte[] key = ("bench-glue:e:" + id).getBytes(StandardCharsets.UTF_8);
        if (cursor.invalidates()) {
            caffeine.invalidate(id);
            redis.del(key);
            redis.publish(channel, Long.toString(id).getBytes(StandardCharsets.UTF_8));
            return null;
        }
        Product cached = caffeine.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        byte[] stored = redis.get(key);
        Product value;
        if (stored != null) {
            value = (Product) codec.decode(stored, Product.class);
        } else {
            value = load(id);
            redis.set(key, codec.encode(value, Product.class), VALUE);
        }
        caffeine.put(id, value);
        return value;
    }

    @Benchmark
    public Object lamina(Cursor cursor) {
        long id = cursor.key();
        if (cursor.invalidates()) {
            lamina.invalidate("products", id);
            return null;
        }
        return lamina.remember("products", id, Product.class, () -> load(id));
    }

    /** {@code count} draws from Zipf({@code s}) over {@code 0..n-1} by the inverse of its distribution function. */
    static long[] zipf(int n, double s, int count, long seed) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            double u = random.nextDouble() * sum;
            int at = java.util.Arrays.binarySearch(cdf, u);
            out[i] = at >= 0 ? at : -at - 1;
        }
        return out;
    }
}
