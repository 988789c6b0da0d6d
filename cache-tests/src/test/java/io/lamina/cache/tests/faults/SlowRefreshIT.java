package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import io.lamina.cache.ManualClock;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, item 2: a refresh whose loader takes 1.5 s ran on the Redis client's I/O thread, so the node's own
 * Redis traffic stood still while it loaded: its {@code invalidate} of the refreshed key timed out and was never
 * applied (the refresh then stored the old value, served by both nodes), and its L2 reads of other keys took
 * 600 ms or fell through to the loader. Node A talks to Redis through a proxy that delays every reply, so each
 * reply arrives after the continuation waiting for it is registered (as on a real network).
 */
@RedisTest
@Timeout(60)
class SlowRefreshIT {

    private static final Duration LATENCY = Duration.ofMillis(10);
    private static final long REFRESH_MILLIS = 1_500;

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final Closer open = new Closer();
    private String namespace;
    private RedisServer redis;
    private FaultProxy proxy;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
        this.proxy = FaultProxy.start(redis.host(), redis.port());
        open.add(proxy);
        proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.latency(LATENCY));
    }

    @AfterEach
    void tearDown() throws Exception {
        open.close();
    }

    private CacheTemplate node(String uri, CacheOptions options) {
        CacheTemplate t = CacheTemplate.builder().namespace(namespace).clock(clock).remote(RedisTier.create(uri))
                .defaults(options).busCheckInterval(Duration.ofMillis(100)).build();
        open.add(t);   // closed before the proxy
        await().atMost(Duration.ofSeconds(10)).until(() -> ((DefaultCacheTemplate) t).coherence().healthy());
        return t;
    }

    @Test
    void aSlowRefresh_neitherBlocksTheNodesInvalidateOfTheKey_norItsL2Reads_andBothNodesEndOnTheNewValue() throws Exception {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ZERO).refreshAhead(0.8)
                .l1Ttl(Duration.ofHours(1)).build();
        CacheTemplate a = node(proxy.uri(), options);
        CacheTemplate b = node(redis.uri(), options);
        AtomicReference<String> database = new AtomicReference<>("v1");
        assertThat(a.remember("c", "k", String.class, database::get)).isEqualTo("v1");
        assertThat(b.remember("c", "k", String.class, database::get)).isEqualTo("v1");

        clock.advance(Duration.ofSeconds(85));   // past the refresh point of k
        for (int i = 0; i < 20; i++) {
            b.put("c", "other-" + i, "o" + i);   // in Redis, not in A's L1
        }
        CountDownLatch loading = new CountDownLatch(1);
        AtomicReference<String> refreshThread = new AtomicReference<>();
        assertThat(a.remember("c", "k", String.class, () -> {
            refreshThread.set(Thread.currentThread().getName());
            String read = database.get();   // the database is read before it changes...
            loading.countDown();
            Thread.sleep(REFRESH_MILLIS);   // ...and the answer takes 1.5 s to come back
            return read;
        })).as("the reader gets the current value at once").isEqualTo("v1");
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        long refreshStarted = System.nanoTime();

        database.set("v2");
        long t0 = System.nanoTime();
        a.invalidate("c", "k");
        long invalidateMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        AtomicInteger otherLoads = new AtomicInteger();
        long maxReadMillis = 0;
        for (int i = 0; i < 20; i++) {
            long r0 = System.nanoTime();
            String v = a.remember("c", "other-" + i, String.class, () -> {
                otherLoads.incrementAndGet();
                return "loaded";
            });
            maxReadMillis = Math.max(maxReadMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0));
            assertThat(v).isEqualTo("o" + i);
        }
        long readsDoneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refreshStarted);
        System.out.printf("slow refresh: invalidate %d ms, 20 L2 reads max %d ms, done %d ms into the refresh%n",
                invalidateMillis, maxReadMillis, readsDoneMillis);

        assertThat(readsDoneMillis).as("the invalidate and the 20 reads happened while the refresh loaded")
                .isLessThan(REFRESH_MILLIS);
        assertThat(otherLoads).as("L2-resident keys sent to the loader during the refresh").hasValue(0);
        assertThat(a.stats("c").l2Errors()).as("L2 errors on the refreshing node").isZero();
        assertThat(maxReadMillis).as("slowest L2 read during the refresh (ms)").isLessThan(500);
        assertThat(invalidateMillis).as("invalidate during the refresh (ms)").isLessThan(500);
        assertThat(refreshThread.get()).as("the refresh's loader thread").startsWith("lamina-loader-");

        await().atMost(Duration.ofSeconds(10)).until(() -> a.stats("c").refreshesCompleted() + a.stats("c").refreshesFailed() == 1);
        // the refresh's fill was fenced out by the invalidate: Redis holds no v1, as a node without L1 sees it
        try (CacheTemplate c = CacheTemplate.builder().namespace(namespace).clock(clock).remote(RedisTier.create(redis.uri()))
                .defaults(options).build()) {
            CachedValue<String> stored = c.getIfPresent("c", "k", String.class);
            assertThat(stored == null ? null : stored.value()).as("what Redis holds for k after the refresh").isNotEqualTo("v1");
        }
        assertThat(a.remember("c", "k", String.class, database::get)).as("node A").isEqualTo("v2");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.remember("c", "k", String.class, database::get)).as("node B").isEqualTo("v2"));
        assertThat(a.stats("c").l2Errors()).isZero();
    }
}
