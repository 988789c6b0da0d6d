package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheLockTimeoutException;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.ForwardingTier;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keys whose fill lease another node's batch holds: waited for in Redis (bounded by {@code lockWait}), then the
 * lock-timeout policy per call; and the RemoteTier SPI's default bulk methods (single-key loops) keeping the contract.
 */
@RedisTest
@Timeout(60)
class BulkLeaseWaitIT {

    private Nodes nodes;
    private String namespace;
    private RedisServer redis;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
        nodes = new Nodes(redis, this.namespace);
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private static Map<Long, String> values(Set<Long> missing, String prefix) {
        return missing.stream().collect(Collectors.toMap(k -> k, k -> prefix + k));
    }

    /** Node a's batch holds the leases of 1 and 2 until {@code release}; returns its result. */
    private CompletableFuture<Map<Long, String>> holding(CacheTemplate a, CountDownLatch loading, CountDownLatch release) {
        return CompletableFuture.supplyAsync(() -> a.rememberAll("c", List.of(1L, 2L), String.class, missing -> {
            loading.countDown();
            assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
            return values(missing, "a");
        }));
    }

    @Test
    void keysAnotherNodeIsLoading_areWaitedFor_andServedFromItsFill_withoutLoading() throws Exception {
        CacheTemplate a = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build());
        CacheTemplate b = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(15)).build());
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Map<Long, String>> first = holding(a, loading, release);
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger bLoads = new AtomicInteger();
        List<Set<Long>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Map<Long, String>> second = CompletableFuture.supplyAsync(() -> b.rememberAll("c", List.of(3L, 1L, 2L),
                String.class, missing -> {
                    bLoads.incrementAndGet();
                    asked.add(Set.copyOf(missing));
                    return values(missing, "b");
                }));
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry(1L, "a1"), Map.entry(2L, "a2"));
        assertThat(second.get(20, TimeUnit.SECONDS)).containsExactly(Map.entry(3L, "b3"), Map.entry(1L, "a1"), Map.entry(2L, "a2"));
        assertThat(asked).containsExactly(Set.of(3L));
    }

    @Test
    void rememberAllAsync_waitingForAnotherNodesLease_holdsNoLoaderThread() throws Exception {
        CacheTemplate a = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build());
        CacheTemplate b = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(20)).build(),
                builder -> builder.loaderPool(1, 1_000));
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Map<Long, String>> first = holding(a, loading, release);
        List<Set<Long>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.lamina.cache.BulkLoader<Long, String> loader = missing -> {
            asked.add(Set.copyOf(missing));
            return values(missing, "b");
        };
        // node b's connections and scripts are ready before the clock of its 300 ms command timeout matters
        assertThat(b.rememberAll("c", List.of(500L), String.class, loader)).containsEntry(500L, "b500");
        List<CompletableFuture<Map<Long, String>>> waiting = new java.util.ArrayList<>();
        try {
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch gate = new CountDownLatch(1);
            List<CompletableFuture<CompletableFuture<Map<Long, String>>>> started = new java.util.ArrayList<>();
            for (long i = 0; i < 10; i++) {
                long own = 10 + i;
                started.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return b.rememberAllAsync("c", List.of(1L, 2L, own), String.class, loader);
                }));
            }
            gate.countDown();
            for (CompletableFuture<CompletableFuture<Map<Long, String>>> s : started) {
                waiting.add(s.get(10, TimeUnit.SECONDS));
            }
            // ten calls wait for keys 1 and 2 (held by node a) on a loader pool of one thread: another call still runs
            assertThat(b.rememberAllAsync("c", List.of(99L), String.class, loader).get(5, TimeUnit.SECONDS))
                    .containsExactly(Map.entry(99L, "b99"));
            assertThat(waiting).noneMatch(CompletableFuture::isDone);
        } finally {
            release.countDown();
        }
        assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry(1L, "a1"), Map.entry(2L, "a2"));
        for (int i = 0; i < waiting.size(); i++) {
            long own = 10 + i;
            assertThat(waiting.get(i).get(20, TimeUnit.SECONDS))
                    .containsExactly(Map.entry(1L, "a1"), Map.entry(2L, "a2"), Map.entry(own, "b" + own));
        }
        assertThat(b.stats("c").l2Errors()).isZero();
        assertThat(asked).as("node b never loads keys 1 and 2").noneMatch(set -> set.contains(1L) || set.contains(2L));
    }

    @Test
    void afterLockWait_policyFail_throwsCacheLockTimeoutException() throws Exception {
        CacheTemplate a = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build());
        CacheTemplate b = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofMillis(300))
                .onLockTimeout(LockTimeoutPolicy.FAIL).build());
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Map<Long, String>> first = holding(a, loading, release);
        try {
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> b.rememberAll("c", List.of(1L, 2L), String.class, m -> values(m, "b")))
                    .isInstanceOf(CacheLockTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
            assertThat(b.stats("c").lockTimeouts()).isEqualTo(2);
        } finally {
            release.countDown();
        }
        assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(2);
    }

    @Test
    void afterLockWait_policyLoad_loadsHere_butOnlyTheLeaseHoldersValueIsStored() throws Exception {
        CacheTemplate a = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build());
        CacheTemplate b = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofMillis(300)).build());
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Map<Long, String>> first = holding(a, loading, release);
        try {
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(b.rememberAll("c", List.of(1L, 2L), String.class, m -> values(m, "b")))
                    .containsExactly(Map.entry(1L, "b1"), Map.entry(2L, "b2"));
        } finally {
            release.countDown();
        }
        assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(2);
        CacheTemplate c = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build());
        assertThat(c.rememberAll("c", List.of(1L, 2L), String.class, m -> values(m, "c")))
                .containsExactly(Map.entry(1L, "a1"), Map.entry(2L, "a2"));
    }

    @Test
    void aTierWithoutBulkMethods_getsTheSpisDefaults_andKeepsTheContract() throws Exception {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).build();
        CacheTemplate a = CacheTemplate.builder().namespace(namespace).defaults(options)
                .remote(new ForwardingTier(RedisTier.create(redis.uri()))).build();
        CacheTemplate b = CacheTemplate.builder().namespace(namespace).defaults(options)
                .remote(new ForwardingTier(RedisTier.create(redis.uri()))).build();
        try {
            AtomicInteger loads = new AtomicInteger();
            assertThat(a.rememberAll("d", List.of(1L, 2L, 3L), String.class, m -> {
                loads.incrementAndGet();
                return values(m, "v");
            })).hasSize(3);
            assertThat(b.rememberAll("d", List.of(1L, 2L, 3L), String.class, m -> {
                loads.incrementAndGet();
                return Map.of();
            })).containsExactly(Map.entry(1L, "v1"), Map.entry(2L, "v2"), Map.entry(3L, "v3"));
            assertThat(loads).hasValue(1);
            assertThat(b.stats("d").l2Hits()).isEqualTo(3);
            b.putAll("d", Map.of(1L, "put1"));
            CacheTemplate c = nodes.node(options);
            assertThat(c.rememberAll("d", List.of(1L), String.class, m -> Map.of())).containsEntry(1L, "put1");
        } finally {
            a.close();
            b.close();
        }
    }
}
