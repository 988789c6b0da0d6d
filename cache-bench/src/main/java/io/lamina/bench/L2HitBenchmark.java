package io.lamina.bench;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.Loader;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import io.lettuce.core.RedisClient;
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
 * The L2 read path against raw Lettuce, in one run, on a Redis found as DESIGN.md says (REDIS_URL, else
 * a redis-server on the PATH, ...):
 * <ul>
 *   <li>{@code rawLettuceGetDecode}: Lettuce sync {@code GET} of the JSON bytes plus the same
 *       {@link JsonCodec} decode — the floor;</li>
 *   <li>{@code laminaL2Hit}: {@code remember} on a cache with L1 disabled, so every call is an L2 hit (one
 *       GET, the envelope parsed, the payload decoded);</li>
 *   <li>{@code laminaL2HitSigned}: the same hit on a template with a signing key: the entry's HMAC-SHA256 is
 *       verified before it is parsed (the difference to {@code laminaL2Hit} is the cost of signing; issue 14);</li>
 *   <li>{@code laminaL2HitAsync}: {@code rememberAsync(...).join()} of the same hit: the reply's continuation hops
 *       once to the template's executor (the common pool), so no user code runs on the Lettuce thread;</li>
 *   <li>{@code laminaL2HitAsyncNoHop}: the same on a template whose executor is {@code Runnable::run} (what the
 *       async path did before it hopped): the cost of the hop is the difference;</li>
 *   <li>{@code laminaColdMiss}: {@code remember} of a new key every call, L1 disabled: the whole miss path
 *       (GET, lock, re-read with lease, loader, fenced fill). Its ratio to the raw GET is the number of
 *       round trips on the caller's path, plus script time.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 3)
@Threads(1)
public class L2HitBenchmark {

    public record Product(long id, String name, String description, int stock) {
    }

    private static final Product PRODUCT = new Product(42, "Lamina mug", "A mug with two layers, like a good cache.", 17);
    private static final Loader<Product> MUST_NOT_LOAD = () -> {
        throw new IllegalStateException("an L2 hit was expected");
    };
    private static final Loader<Product> LOAD = () -> PRODUCT;
    private static final io.lamina.cache.AsyncLoader<Product> MUST_NOT_LOAD_ASYNC = ctx -> {
        throw new IllegalStateException("an L2 hit was expected");
    };

    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisCommands<byte[], byte[]> raw;
    private byte[] rawKey;
    private final JsonCodec codec = JsonCodec.create();
    private CacheTemplate lamina;
    private CacheTemplate laminaNoHop;
    private CacheTemplate laminaSigned;
    private final AtomicLong coldKeys = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        RedisServer redis = RedisServers.shared();
        client = RedisClient.create(redis.uri());
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.sync();
        rawKey = "bench-raw:product:42".getBytes(StandardCharsets.UTF_8);
        raw.set(rawKey, codec.encode(PRODUCT, Product.class));
        lamina = CacheTemplate.builder().namespace("bench")
                .remote(RedisTier.create(redis.uri()))
                .cache("products", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofHours(1)).build())
                .cache("cold", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofSeconds(30)).build())
                .build();
        lamina.remember("products", 42L, Product.class, LOAD);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        laminaSigned = CacheTemplate.builder().namespace("bench-signed").signingKey(key)
                .remote(RedisTier.create(redis.uri()))
                .cache("products", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofHours(1)).build())
                .build();
        laminaSigned.remember("products", 42L, Product.class, LOAD);
        laminaNoHop = CacheTemplate.builder().namespace("bench").executor(Runnable::run)
                .remote(RedisTier.create(redis.uri()))
                .cache("products", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofHours(1)).build())
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long hits = lamina.stats("products").l2Hits();
        long misses = lamina.stats("products").misses();
        long noHopMisses = laminaNoHop.stats("products").misses();
        long signedMisses = laminaSigned.stats("products").misses();
        laminaSigned.close();
        lamina.close();
        laminaNoHop.close();
        connection.close();
        client.shutdown();
        if (misses != 1 || noHopMisses != 0 || signedMisses != 1) {
            throw new IllegalStateException("laminaL2Hit was not all L2 hits: " + hits + " hits, " + misses + " misses");
        }
    }

    @Benchmark
    public Product rawLettuceGetDecode() {
        return (Product) codec.decode(raw.get(rawKey), Product.class);
    }

    @Benchmark
    public Product laminaL2Hit() {
        return lamina.remember("products", 42L, Product.class, MUST_NOT_LOAD);
    }

    @Benchmark
    public Product laminaL2HitSigned() {
        return laminaSigned.remember("products", 42L, Product.class, MUST_NOT_LOAD);
    }

    @Benchmark
    public Product laminaL2HitAsync() {
        return lamina.rememberAsync("products", 42L, Product.class, MUST_NOT_LOAD_ASYNC).join();
    }

    @Benchmark
    public Product laminaL2HitAsyncNoHop() {
        return laminaNoHop.rememberAsync("products", 42L, Product.class, MUST_NOT_LOAD_ASYNC).join();
    }

    @Benchmark
    public Product laminaColdMiss() {
        return lamina.remember("cold", coldKeys.incrementAndGet(), Product.class, LOAD);
    }
}
