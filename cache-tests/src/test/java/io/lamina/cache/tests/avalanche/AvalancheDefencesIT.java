package io.lamina.cache.tests.avalanche;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.ManualClock;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.io.IOException;
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

/** Refresh-ahead and fail-safe across two nodes on real Redis; both nodes share one manual clock. */
@RedisTest
@Timeout(60)
class AvalancheDefencesIT {

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final List<CacheTemplate> open = new ArrayList<>();
    private String namespace;
    private RedisServer redis;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
    }

    @AfterEach
    void tearDown() {
        open.forEach(CacheTemplate::close);
    }

    private CacheTemplate node(CacheOptions options) {
        CacheTemplate t = CacheTemplate.builder().namespace(namespace).clock(clock).remote(RedisTier.create(redis.uri()))
                .defaults(options).busCheckInterval(Duration.ofMillis(100)).build();
        await().atMost(Duration.ofSeconds(10)).until(() -> ((DefaultCacheTemplate) t).coherence().healthy());
        open.add(t);
        return t;
    }

    @Test
    void readsPastTheRefreshPointOnTwoNodes_reloadOncePerCluster_andBothServeTheNewValue() throws Exception {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ZERO).refreshAhead(0.8)
                .l1Ttl(Duration.ofHours(1)).build();
        CacheTemplate a = node(options);
        CacheTemplate b = node(options);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        a.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet());
        assertThat(b.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");

        clock.advance(Duration.ofSeconds(85));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> reads = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                CacheTemplate node = i % 2 == 0 ? a : b;
                reads.add(pool.submit(() -> {
                    start.await();
                    return node.remember("c", "k", String.class, () -> {
                        release.await(10, TimeUnit.SECONDS);
                        return "v" + loads.incrementAndGet();
                    });
                }));
            }
            start.countDown();
            for (Future<String> r : reads) {
                assertThat(r.get(10, TimeUnit.SECONDS)).as("readers never wait for a refresh").isEqualTo("v1");
            }
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    a.stats("c").refreshesCompleted() + b.stats("c").refreshesCompleted() >= 1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        // each node starts one refresh; the second either finds the lock held (skipped) or, if it came after
        // the first finished, finds the refreshed value in Redis and uses it: either way, one reload
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stats("c").refreshesSkipped() + b.stats("c").refreshesSkipped()
                + a.stats("c").refreshesCompleted() + b.stats("c").refreshesCompleted() == 2);
        assertThat(loads).as("one reload in the cluster").hasValue(2);
        assertThat(a.stats("c").refreshesStarted() + b.stats("c").refreshesStarted()).isEqualTo(2);
        assertThat(a.stats("c").refreshesFailed() + b.stats("c").refreshesFailed()).isZero();
        // the refreshed value reaches the other node through Redis once its L1 copy is gone
        clock.advance(Duration.ofSeconds(20));
        assertThat(a.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
        assertThat(b.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void aRefreshNeverResurrectsAValueInvalidatedOnAnotherNode() throws Exception {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ZERO).refreshAhead(0.8)
                .l1Ttl(Duration.ofHours(1)).build();
        CacheTemplate a = node(options);
        CacheTemplate b = node(options);
        a.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(85));
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        a.remember("c", "k", String.class, () -> {
            loading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "refreshed before the write";
        });
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        b.invalidate("c", "k");
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stats("c").refreshesCompleted() + a.stats("c").refreshesFailed() == 1);

        assertThat(b.remember("c", "k", String.class, () -> "new")).isEqualTo("new");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(a.remember("c", "k", String.class, () -> "other")).isEqualTo("new"));
    }

    @Test
    void aNodeWhoseLoaderFails_servesTheStaleValueFromRedis_keptByTheFailSafeWindow() {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofSeconds(10)).jitter(Duration.ZERO)
                .failSafe(Duration.ofMinutes(10)).build();
        CacheTemplate a = node(options);
        a.remember("c", "k", String.class, () -> "v1");
        clock.advance(Duration.ofSeconds(30));             // logically expired; Redis still keeps it

        CacheTemplate b = node(options);                   // never saw the value: only Redis has it
        AtomicInteger calls = new AtomicInteger();
        assertThat(b.remember("c", "k", String.class, () -> {
            calls.incrementAndGet();
            throw new IOException("db down");
        })).isEqualTo("v1");
        assertThat(b.stats("c").staleServed()).isEqualTo(1);
        assertThat(b.remember("c", "k", String.class, () -> {
            calls.incrementAndGet();
            throw new IOException("db down");
        })).as("throttled: the loader is not retried at once").isEqualTo("v1");
        assertThat(calls).hasValue(1);
    }
}
