package io.lamina.cache.tests.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.BreakerState;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LaminaMeterNames;
import io.lamina.cache.ManualClock;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * The meters of two nodes on real Redis, each template with its own clients and its own registry: a known sequence
 * of hits, misses, null hits, lock waits, a lock timeout, a stale serve and invalidations in both directions gives
 * exactly the expected values on each node. Both nodes share one manual clock, so "two minutes later" is exact.
 */
@RedisTest
@Timeout(60)
class MetersAcrossNodesIT {

    private static final String CACHE = "products";
    private static final String SLOW = "slow";

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private RedisServer redis;
    private String namespace;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A node: its own template, Redis clients and registry. */
    private record Node(CacheTemplate cache, MeterRegistry registry, String namespace) {

        double count(String name, String cacheName, String... tags) {
            return registry.get(name).tag(LaminaMeterNames.TAG_CACHE, cacheName).tag(LaminaMeterNames.TAG_NAMESPACE, namespace)
                    .tags(tags).functionCounter().count();
        }

        double node(String name, String... tags) {
            return registry.get(name).tag(LaminaMeterNames.TAG_NAMESPACE, namespace).tags(tags).functionCounter().count();
        }

        double gauge(String name, String... tags) {
            return registry.get(name).tag(LaminaMeterNames.TAG_NAMESPACE, namespace).tags(tags).gauge().value();
        }
    }

    private Node node() {
        MeterRegistry registry = new SimpleMeterRegistry();
        CacheTemplate template = CacheTemplate.builder().namespace(namespace).clock(clock)
                .remote(RedisTier.create(redis.uri()))
                .busCheckInterval(Duration.ofMillis(250))   // a gap needs 750 ms without an echo: none on a busy 2-core machine
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(1)).jitter(Duration.ZERO).nullTtl(Duration.ofSeconds(30))
                        .failSafe(Duration.ofMinutes(10)).lockWait(Duration.ofSeconds(10)).build())
                .cache(CACHE)
                .cache(SLOW, CacheOptions.builder().lockWait(Duration.ofMillis(300)).build())
                .meterRegistry(registry)
                .build();
        open.add(template);
        Node node = new Node(template, registry, namespace);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.gauge(LaminaMeterNames.BUS_HEALTHY) == 1.0);
        return node;
    }

    @Test
    void aKnownSequenceOnTwoNodes_givesExactlyTheExpectedMeterValuesOnEach() throws Exception {
        Node a = node();
        Node b = node();
        double flushesAtStart = a.node(LaminaMeterNames.L1_FLUSHES);
        assertThat(flushesAtStart).isEqualTo(b.node(LaminaMeterNames.L1_FLUSHES)).isEqualTo(1.0);  // a node starts in a gap, which ends
        AtomicInteger loads = new AtomicInteger();

        // hits and misses: a loads, b reads a's value from L2, then from its L1; the same for a null
        a.cache().remember(CACHE, 1, String.class, () -> "p1-" + loads.incrementAndGet());
        assertThat(b.cache().remember(CACHE, 1, String.class, () -> "never")).isEqualTo("p1-1");
        assertThat(b.cache().remember(CACHE, 1, String.class, () -> "never")).isEqualTo("p1-1");
        assertThat(a.cache().remember(CACHE, 404, String.class, () -> {
            loads.incrementAndGet();
            return null;
        })).isNull();
        assertThat(b.cache().remember(CACHE, 404, String.class, () -> "never")).isNull();
        assertThat(b.cache().remember(CACHE, 404, String.class, () -> "never")).isNull();

        // a lock wait: a holds key 2's lock while its loader runs; b waits for it, then reads a's value from L2
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> aLoad = pool.submit(() -> a.cache().remember(CACHE, 2, String.class, () -> {
            loading.countDown();
            release.await(20, TimeUnit.SECONDS);
            return "p2-" + loads.incrementAndGet();
        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> bRead = pool.submit(() -> b.cache().remember(CACHE, 2, String.class, () -> "never"));
        awaitLockWaiter(CACHE + ":2");
        release.countDown();
        assertThat(aLoad.get(10, TimeUnit.SECONDS)).isEqualTo("p2-3");
        assertThat(bRead.get(10, TimeUnit.SECONDS)).isEqualTo("p2-3");

        // a lock timeout: on the slow cache b gives up after 300 ms and loads by itself (not stored: a holds the lease)
        CountDownLatch slowLoading = new CountDownLatch(1);
        CountDownLatch slowRelease = new CountDownLatch(1);
        Future<String> aSlow = pool.submit(() -> a.cache().remember(SLOW, 1, String.class, () -> {
            slowLoading.countDown();
            slowRelease.await(20, TimeUnit.SECONDS);
            return "a-slow";
        }));
        assertThat(slowLoading.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.cache().remember(SLOW, 1, String.class, () -> "b-slow")).isEqualTo("b-slow");
        slowRelease.countDown();
        assertThat(aSlow.get(10, TimeUnit.SECONDS)).isEqualTo("a-slow");

        // a stale serve: two minutes later key 1 is past its TTL but inside fail-safe, and a's loader fails
        clock.advance(Duration.ofMinutes(2));
        assertThat(a.cache().remember(CACHE, 1, String.class, () -> {
            throw new IllegalStateException("database down");
        })).isEqualTo("p1-1");

        // invalidations both ways
        a.cache().invalidate(CACHE, 404);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.node(LaminaMeterNames.INVALIDATIONS, "result", "received") == 1.0);
        b.cache().invalidateTags("category:7");
        a.cache().put(CACHE, 3, "p3");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.node(LaminaMeterNames.INVALIDATIONS, "result", "received") == 1.0);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.node(LaminaMeterNames.INVALIDATIONS, "result", "received") == 2.0);

        // node a: misses 1, 404, 2 (loads), slow 1 (load), stale 1 (load failed); no hits
        assertThat(a.count(LaminaMeterNames.GETS, CACHE, "result", "hit")).isEqualTo(0.0);
        assertThat(a.count(LaminaMeterNames.GETS, CACHE, "result", "miss")).isEqualTo(4.0);
        assertThat(a.count(LaminaMeterNames.LOADS, CACHE, "result", "success")).isEqualTo(3.0);
        assertThat(a.count(LaminaMeterNames.LOADS, CACHE, "result", "failure")).isEqualTo(1.0);
        assertThat(a.count(LaminaMeterNames.STALE_SERVED, CACHE)).isEqualTo(1.0);
        assertThat(a.count(LaminaMeterNames.NULL_HITS, CACHE)).isEqualTo(0.0);
        assertThat(a.count(LaminaMeterNames.PUTS, CACHE)).isEqualTo(1.0);
        assertThat(a.count(LaminaMeterNames.TIER_GETS, CACHE, "tier", "l1", "result", "miss")).isEqualTo(4.0);
        assertThat(a.count(LaminaMeterNames.TIER_GETS, CACHE, "tier", "l2", "result", "miss")).isEqualTo(4.0);
        assertThat(a.count(LaminaMeterNames.LOCK_WAITS, CACHE, "result", "acquired")).isEqualTo(0.0);
        assertThat(a.count(LaminaMeterNames.LOADS, SLOW, "result", "success")).isEqualTo(1.0);
        assertThat(a.node(LaminaMeterNames.INVALIDATIONS, "result", "sent")).isEqualTo(2.0);
        assertThat(a.node(LaminaMeterNames.INVALIDATIONS, "result", "received")).isEqualTo(1.0);

        // node b: L2 hits on 1, 404 (null) and 2 (after the lock wait); L1 hits on 1 and 404 (null); no loads
        assertThat(b.count(LaminaMeterNames.GETS, CACHE, "result", "hit")).isEqualTo(5.0);
        assertThat(b.count(LaminaMeterNames.GETS, CACHE, "result", "miss")).isEqualTo(0.0);
        assertThat(b.count(LaminaMeterNames.TIER_GETS, CACHE, "tier", "l1", "result", "hit")).isEqualTo(2.0);
        assertThat(b.count(LaminaMeterNames.TIER_GETS, CACHE, "tier", "l1", "result", "miss")).isEqualTo(3.0);
        assertThat(b.count(LaminaMeterNames.TIER_GETS, CACHE, "tier", "l2", "result", "hit")).isEqualTo(3.0);
        assertThat(b.count(LaminaMeterNames.NULL_HITS, CACHE)).isEqualTo(2.0);
        assertThat(b.count(LaminaMeterNames.LOADS, CACHE, "result", "success")).isEqualTo(0.0);
        assertThat(b.count(LaminaMeterNames.LOCK_WAITS, CACHE, "result", "acquired")).isEqualTo(1.0);
        assertThat(b.count(LaminaMeterNames.LOCK_WAITS, CACHE, "result", "timeout")).isEqualTo(0.0);
        assertThat(b.count(LaminaMeterNames.LOCK_WAITS, SLOW, "result", "timeout")).isEqualTo(1.0);
        assertThat(b.count(LaminaMeterNames.LOCK_WAITS, SLOW, "result", "acquired")).isEqualTo(0.0);
        assertThat(b.count(LaminaMeterNames.LOADS, SLOW, "result", "success")).isEqualTo(1.0);
        assertThat(b.registry().get(LaminaMeterNames.LOCK_WAIT_DURATION).tag("cache", SLOW).functionTimer().count()).isEqualTo(1.0);
        assertThat(b.node(LaminaMeterNames.INVALIDATIONS, "result", "sent")).isEqualTo(1.0);
        assertThat(b.node(LaminaMeterNames.INVALIDATIONS, "result", "received")).isEqualTo(2.0);

        for (Node n : List.of(a, b)) {
            assertThat(n.count(LaminaMeterNames.REMOTE_ERRORS, CACHE)).isEqualTo(0.0);
            assertThat(n.count(LaminaMeterNames.DECODE_FAILURES, CACHE)).isEqualTo(0.0);
            assertThat(n.node(LaminaMeterNames.INVALIDATIONS, "result", "failed")).isEqualTo(0.0);
            assertThat(n.node(LaminaMeterNames.BUS_RECONNECTS)).isEqualTo(0.0);
            assertThat(n.node(LaminaMeterNames.L1_FLUSHES)).isEqualTo(flushesAtStart);
            assertThat(n.gauge(LaminaMeterNames.BREAKER_STATE, "state", "closed")).isEqualTo(1.0);
            assertThat(n.gauge(LaminaMeterNames.BREAKER_STATE, "state", "open")).isEqualTo(0.0);
            assertThat(n.cache().nodeStats().breakerState()).isEqualTo(BreakerState.CLOSED);
        }
        // the stats snapshot and the meters read the same counters
        assertThat(b.cache().stats(CACHE).l2Hits()).isEqualTo(3);
        assertThat(b.cache().stats(SLOW).lockTimeouts()).isEqualTo(1);
        assertThat(loads.get()).isEqualTo(3);
    }

    /**
     * Waits until a node holds the lock whose key contains {@code key}: the loading node holds only the fill lease, and
     * a node that finds it taken holds the lock while it waits for the loader's value.
     */
    private void awaitLockWaiter(String key) {
        RedisClient client = RedisClient.create(redis.uri());
        open.add(client::shutdown);
        StatefulRedisConnection<String, String> connection = client.connect();
        open.add(connection);
        await().atMost(Duration.ofSeconds(10)).until(() -> connection.sync().exists(namespace + ":l:{" + key + "}") == 1);
    }
}
