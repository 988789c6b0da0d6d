package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code RedisTier.Builder.backgroundStart}: calls made right after {@code build()} wait for the client and then reach
 * Redis, two nodes starting at once share entries through it, an unreachable Redis costs misses within the timeouts,
 * and a tier closed while starting leaves no start thread behind.
 */
@RedisTest(owned = true)
@Timeout(60)
class BackgroundStartIT {

    private OwnedRedisServer redis;
    private String namespace;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp(OwnedRedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private RedisTier tier(String uri) {
        RedisTier tier = RedisTier.builder().uri(uri).backgroundStart(true)
                .commandTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofMillis(300)).build();
        open.add(tier);
        return tier;
    }

    private CacheTemplate node(RedisTier tier) {
        CacheTemplate t = CacheTemplate.builder().namespace(namespace).remote(tier)
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(2)).build()).build();
        open.add(t);
        return t;
    }

    private String rawGet(String key) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().get(key);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void callsMadeRightAfterBuild_waitForTheClient_andReachRedis() throws Exception {
        RedisTier tier = tier(redis.uri());
        // no assertion on isStarting() here: in a warm JVM the start thread may be done before build() returns
        io.lamina.cache.spi.RemoteKey key = new io.lamina.cache.spi.RemoteKey(namespace, "c", "k");
        tier.put(key, new byte[] {1, 2, 3}, Duration.ofMinutes(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(tier.get(key).toCompletableFuture().get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
        assertThat(tier.isStarting()).isFalse();
    }

    @Test
    void templatesOnStartingTiers_loadOncePerCluster_andShareTheEntryThroughRedis() throws Exception {
        CacheTemplate a = node(tier(redis.uri()));
        CacheTemplate b = node(tier(redis.uri()));
        AtomicInteger loads = new AtomicInteger();
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                CacheTemplate node = i % 2 == 0 ? a : b;
                results.add(pool.submit(() -> {
                    go.await();
                    return node.remember("products", "42", String.class, () -> {
                        loads.incrementAndGet();
                        Thread.sleep(300);   // a load that takes a while, so the other node finds its lease taken
                        return "p42";
                    });
                }));
            }
            go.countDown();
            for (Future<String> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("p42");
            }
        } finally {
            pool.shutdownNow();
        }
        // while the clients start, a node may load by itself (as with Redis down): at most one load per JVM node
        assertThat(loads.get()).isBetween(1, 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(rawGet(namespace + ":e:{products:42}")).as("the entry reached Redis").isNotNull());
        // once both are up, a key loaded on one node is served from Redis on the other
        AtomicInteger later = new AtomicInteger();
        assertThat(a.remember("products", "7", String.class, () -> { later.incrementAndGet(); return "p7"; })).isEqualTo("p7");
        assertThat(b.remember("products", "7", String.class, () -> { later.incrementAndGet(); return "other"; })).isEqualTo("p7");
        assertThat(later.get()).isEqualTo(1);
    }

    @Test
    void withRedisUnreachable_callsFailAsMissesWithinTheirTimeouts_andCloseEndsTheStart() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RedisTier tier = tier("redis://127.0.0.1:" + closedPort);
        CacheTemplate node = node(tier);
        long began = System.nanoTime();
        assertThat(node.remember("c", "k", String.class, () -> "from the loader")).isEqualTo("from the loader");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> !tier.isStarting());

        RedisTier closedWhileStarting = RedisTier.builder().uri(redis.uri()).backgroundStart(true).build();
        closedWhileStarting.close();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("lamina-redis-start")));
        assertThat(closedWhileStarting.get(new io.lamina.cache.spi.RemoteKey(namespace, "c", "k")).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(5));
    }
}
