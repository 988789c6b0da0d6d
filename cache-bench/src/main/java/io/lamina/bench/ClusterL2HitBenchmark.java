package io.lamina.bench;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.Loader;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.tests.redis.OwnedRedisCluster;
import io.lamina.cache.tests.redis.RedisNode;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * The L2 read path on a Redis Cluster (6 nodes this benchmark starts itself) against a raw Lettuce cluster client,
 * in one run:
 * <ul>
 *   <li>{@code rawClusterGetDecode}: Lettuce cluster sync {@code GET} of the JSON bytes plus the same
 *       {@link JsonCodec} decode — the floor;</li>
 *   <li>{@code laminaClusterL2Hit}: {@code remember} on a cache with L1 disabled, so every call is an L2 hit.
 *       The tear-down prints the GET and GETRANGE commands the primaries counted per hit (goal: 1).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 3)
@Threads(1)
public class ClusterL2HitBenchmark {

    private static final L2HitBenchmark.Product PRODUCT = new L2HitBenchmark.Product(42, "Lamina mug",
            "A mug with two layers, like a good cache.", 17);
    private static final Loader<L2HitBenchmark.Product> MUST_NOT_LOAD = () -> {
        throw new IllegalStateException("an L2 hit was expected");
    };

    private OwnedRedisCluster cluster;
    private RedisClusterClient client;
    private StatefulRedisClusterConnection<byte[], byte[]> connection;
    private RedisAdvancedClusterCommands<byte[], byte[]> raw;
    private byte[] rawKey;
    private final JsonCodec codec = JsonCodec.create();
    private CacheTemplate lamina;

    @Setup(Level.Trial)
    public void setUp() {
        cluster = OwnedRedisCluster.start();
        client = RedisClusterClient.create(cluster.seedUris().stream().map(RedisURI::create).toList());
        connection = client.connect(ByteArrayCodec.INSTANCE);
        raw = connection.sync();
        rawKey = "bench-raw:product:42".getBytes(StandardCharsets.UTF_8);
        raw.set(rawKey, codec.encode(PRODUCT, L2HitBenchmark.Product.class));
        lamina = CacheTemplate.builder().namespace("bench")
                .remote(RedisTier.builder().cluster(cluster.seedUris()).build())
                .cache("products", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofHours(1)).build())
                .build();
        lamina.remember("products", 42L, L2HitBenchmark.Product.class, () -> PRODUCT);
        for (RedisNode primary : cluster.primaries()) {
            primary.call("CONFIG", "RESETSTAT");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long hits = lamina.stats("products").l2Hits();
        long gets = 0;
        for (RedisNode primary : cluster.primaries()) {
            for (String line : primary.call("INFO", "commandstats").split("\\r?\\n")) {
                // Lamina reads entries with GETRANGE (bounded in size); the raw baseline and tag versions use GET
                for (String command : new String[] {"cmdstat_get:calls=", "cmdstat_getrange:calls="}) {
                    if (line.startsWith(command)) {
                        gets += Long.parseLong(line.substring(command.length(), line.indexOf(',')));
                    }
                }
            }
        }
        if (hits > 0) {
            System.out.printf("%nlaminaClusterL2Hit: %d L2 hits, %d GET and GETRANGE commands on the primaries: %.3f per hit%n", hits, gets,
                    (double) gets / hits);
        }
        lamina.close();
        connection.close();
        client.shutdown();
        cluster.close();
    }

    @Benchmark
    public L2HitBenchmark.Product rawClusterGetDecode() {
        return (L2HitBenchmark.Product) codec.decode(raw.get(rawKey), L2HitBenchmark.Product.class);
    }

    @Benchmark
    public L2HitBenchmark.Product laminaClusterL2Hit() {
        return lamina.remember("products", 42L, L2HitBenchmark.Product.class, MUST_NOT_LOAD);
    }
}
