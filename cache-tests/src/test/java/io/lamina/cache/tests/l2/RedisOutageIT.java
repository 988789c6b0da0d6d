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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis is optional at run time: these tests start, kill and restart their own redis-server. */
@RedisTest(owned = true)
@Timeout(60)
class RedisOutageIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(200);
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(300);

    private OwnedRedisServer redis;
    private String namespace;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp(OwnedRedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
        if (!redis.isRunning()) {
            redis.start();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (!redis.isRunning()) {
            redis.start();
        }
    }

    private RedisTier tier() {
        return RedisTier.builder().uri(redis.uri())
                .commandTimeout(COMMAND_TIMEOUT).connectTimeout(CONNECT_TIMEOUT)
                .openDuration(Duration.ofMillis(300)).breaker(10, 5, 50)
                .build();
    }

    private CacheTemplate node(RedisTier tier) {
        CacheTemplate t = CacheTemplate.builder().namespace(namespace).remote(tier)
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofMillis(500)).build()).build();
        open.add(t);
        return t;
    }

    private boolean storedInRedis(String cache, String key) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().exists(namespace + ":e:{" + cache + ":" + key + "}") == 1;
        } finally {
            client.shutdown();
        }
    }

    @Test
    void templateBuilds_withRedisDown_andServesFromLoaderAndL1_thenUsesRedisOnceItIsUp() {
        redis.stop();
        long start = System.nanoTime();
        RedisTier tier = tier();
        CacheTemplate node = node(tier);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("building does not wait for Redis").isLessThan(Duration.ofSeconds(2));

        AtomicInteger loads = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            assertThat(node.remember("products", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        }
        assertThat(loads).as("L1 serves while Redis is down").hasValue(1);
        assertThat(node.stats("products").l2Errors()).isPositive();

        redis.start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            String key = "after-" + System.nanoTime();
            node.remember("products", key, String.class, () -> "stored");
            assertThat(storedInRedis("products", key)).isTrue();
        });
    }

    @Test
    void redisKilledUnderLoad_callersKeepGettingValues_withBoundedLatency_andRedisIsUsedAgainAfterRestart() throws Exception {
        RedisTier tier = tier();
        CacheTemplate node = node(tier);
        node.remember("products", "warm", String.class, () -> "w");
        await().atMost(Duration.ofSeconds(10)).until(() -> storedInRedis("products", "warm"));

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        AtomicLong worstNanos = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(pool.submit(() -> {
                started.countDown();
                long n = 0;
                while (!stop.get() && n < 1_000_000) {
                    String key = "k-" + id + "-" + (n++ % 50);    // new keys keep missing L1, so Redis is on the path
                    long t0 = System.nanoTime();
                    try {
                        String v = node.remember("load" + (n % 3), key, String.class, () -> "value-" + key);
                        if (!("value-" + key).equals(v)) {
                            errors.add(new AssertionError("wrong value " + v + " for " + key));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    worstNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    calls.incrementAndGet();
                    if (n % 50 == 0) {
                        node.invalidateAll("load" + (n % 3));
                    }
                }
            }));
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > 2_000);   // warm: slow only on a loaded machine

        redis.stop();                                   // SIGKILL, like a crash
        long killedAt = calls.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > killedAt + 2_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> tier.breakerState() == io.lamina.cache.BreakerState.OPEN);
        long worstWhileDown = worstNanos.get();

        redis.start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            String key = "back-" + System.nanoTime();
            node.remember("products", key, String.class, () -> "stored");
            assertThat(storedInRedis("products", key)).isTrue();
        });
        stop.set(true);
        for (Future<?> w : workers) {
            w.get(10, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        assertThat(errors).as("no caller saw an error").isEmpty();
        // every Redis step is bounded by the command timeout (the lock adds lockWait only while Redis answers)
        assertThat(Duration.ofNanos(worstWhileDown)).as("worst call latency while Redis died")
                .isLessThan(COMMAND_TIMEOUT.multipliedBy(4).plus(CONNECT_TIMEOUT).plus(Duration.ofMillis(500)));
        assertThat(tier.breakerState()).isEqualTo(io.lamina.cache.BreakerState.CLOSED);
    }

    @Test
    void writesWhileDisconnected_areRejectedNotQueued_andNeverReplayedLater() {
        RedisTier tier = tier();
        CacheTemplate node = node(tier);
        node.put("products", "x", "before");
        await().atMost(Duration.ofSeconds(10)).until(() -> storedInRedis("products", "x"));

        redis.stop();
        redis.start();                                  // an empty server: the old data is gone
        redis.stop();
        for (int i = 0; i < 50; i++) {
            node.put("products", "queued-" + i, "during outage");   // fails fast, counted, not queued
        }
        redis.start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            String key = "probe-" + System.nanoTime();
            node.remember("products", key, String.class, () -> "stored");
            assertThat(storedInRedis("products", key)).isTrue();
        });
        for (int i = 0; i < 50; i++) {
            // the replay queue sends these puts again as invalidations of their keys, never as their values
            assertThat(storedInRedis("products", "queued-" + i)).as("a put made while Redis was down is never replayed as its value").isFalse();
        }
    }
}
