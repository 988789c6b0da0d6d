package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code rememberAll} without a remote tier: L1, single-flight with {@code remember}, fencing, failures, fail-safe. */
@Timeout(20)
class RememberAllTest {

    private final ManualClock clock = new ManualClock();
    private final CacheTemplate cache = CacheTemplate.builder()
            .namespace("test")
            .clock(clock)
            .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(10)).jitter(Duration.ZERO).build())
            .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).nullTtl(Duration.ofSeconds(30)).build())
            .cache("safe", CacheOptions.builder().ttl(Duration.ofMinutes(1)).failSafe(Duration.ofHours(1)).build())
            .build();
    private final AtomicInteger loads = new AtomicInteger();

    @AfterEach
    void close() {
        cache.close();
    }

    private Map<Long, String> load(Set<Long> missing) {
        loads.incrementAndGet();
        Map<Long, String> found = new HashMap<>();
        for (Long id : missing) {
            if (id >= 0) {
                found.put(id, "p" + id);
            }
        }
        return found;
    }

    @Test
    void rememberAll_secondCall_isServedFromL1_nullsToo() {
        List<Long> ids = List.of(3L, -1L, 1L);
        assertThat(cache.rememberAll("products", ids, String.class, this::load)).containsExactly(Map.entry(3L, "p3"), Map.entry(1L, "p1"));
        assertThat(cache.rememberAll("products", ids, String.class, this::load)).containsExactly(Map.entry(3L, "p3"), Map.entry(1L, "p1"));
        assertThat(loads).hasValue(1);
        assertThat(cache.stats("products").l1Hits()).isEqualTo(3);
        assertThat(cache.remember("products", -1L, String.class, () -> "loaded")).isNull();
        clock.advance(Duration.ofSeconds(31));
        assertThat(cache.rememberAll("products", ids, String.class, m -> {
            assertThat(m).containsExactly(-1L);   // only the null expired (null TTL)
            return Map.of(-1L, "now there");
        })).containsEntry(-1L, "now there");
    }

    @Test
    void rememberAllAsync_allL1Hits_completesAtOnce() throws Exception {
        cache.rememberAll("products", List.of(1L, 2L), String.class, this::load);
        CompletableFuture<Map<Long, String>> hit = cache.rememberAllAsync("products", List.of(1L, 2L), String.class, this::load);
        assertThat(hit).isCompleted();
        assertThat(cache.rememberAllAsync("products", List.of(1L, 3L), String.class, this::load).get(5, TimeUnit.SECONDS)).hasSize(2);
        assertThat(loads).hasValue(2);
    }

    @Test
    void rememberAll_joinsAFlightOfRemember_andRememberJoinsTheBulkFlight() throws Exception {
        CountDownLatch inSingle = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> single = CompletableFuture.supplyAsync(() -> cache.remember("products", 2L, String.class, () -> {
            inSingle.countDown();
            release.await(5, TimeUnit.SECONDS);
            return "single2";
        }));
        assertThat(inSingle.await(5, TimeUnit.SECONDS)).isTrue();
        List<Set<Long>> asked = new ArrayList<>();
        CompletableFuture<Map<Long, String>> bulk = CompletableFuture.supplyAsync(() -> cache.rememberAll("products", List.of(1L, 2L, 3L),
                String.class, m -> {
                    asked.add(Set.copyOf(m));
                    return m.stream().collect(Collectors.toMap(k -> k, k -> "bulk" + k));
                }));
        release.countDown();
        assertThat(single.get(5, TimeUnit.SECONDS)).isEqualTo("single2");
        assertThat(bulk.get(5, TimeUnit.SECONDS)).containsExactly(Map.entry(1L, "bulk1"), Map.entry(2L, "single2"), Map.entry(3L, "bulk3"));
        assertThat(asked).containsExactly(Set.of(1L, 3L));
    }

    @Test
    void aKeyInvalidatedWhileTheBulkLoadRuns_isNotStoredInL1() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        CompletableFuture<Map<Long, String>> bulk = CompletableFuture.supplyAsync(() -> cache.rememberAll("products", List.of(1L, 2L),
                String.class, m -> {
                    loading.countDown();
                    written.await(5, TimeUnit.SECONDS);
                    return Map.of(1L, "old1", 2L, "old2");
                }));
        assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
        cache.invalidate("products", 1L);
        written.countDown();
        assertThat(bulk.get(5, TimeUnit.SECONDS)).hasSize(2);
        assertThat(cache.remember("products", 1L, String.class, () -> "fresh1")).isEqualTo("fresh1");
        assertThat(cache.remember("products", 2L, String.class, () -> "fresh2")).isEqualTo("old2");
    }

    @Test
    void aKeyPutAllWhileTheBulkLoadRuns_keepsThePutValue() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        CompletableFuture<Map<Long, String>> bulk = CompletableFuture.supplyAsync(() -> cache.rememberAll("products", List.of(1L, 2L),
                String.class, m -> {
                    loading.countDown();
                    written.await(5, TimeUnit.SECONDS);
                    return Map.of(1L, "old1", 2L, "old2");
                }));
        assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
        cache.putAll("products", Map.of(1L, "put1"));
        written.countDown();
        assertThat(bulk.get(5, TimeUnit.SECONDS)).hasSize(2);
        assertThat(cache.rememberAll("products", List.of(1L, 2L), String.class, this::load))
                .containsExactly(Map.entry(1L, "put1"), Map.entry(2L, "old2"));
        assertThat(loads).hasValue(0);
    }

    @Test
    void recursiveBulkLoad_failsFast() {
        assertThatThrownBy(() -> cache.rememberAll("products", List.of(1L), String.class,
                m -> Map.of(1L, cache.remember("products", 1L, String.class, () -> "inner"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("recursive");
    }

    @Test
    void failingBulkLoad_servesStaleValuesWhenFailSafeHasThemAll_elseThrows() {
        cache.rememberAll("safe", List.of(1L, 2L), String.class, this::load);
        clock.advance(Duration.ofMinutes(2));
        assertThat(cache.rememberAll("safe", List.of(1L, 2L), String.class, m -> {
            throw new IOException("down");
        })).containsExactly(Map.entry(1L, "p1"), Map.entry(2L, "p2"));
        assertThatThrownBy(() -> cache.rememberAll("safe", List.of(1L, 5L), String.class, m -> {
            throw new IOException("down");
        })).isInstanceOf(CacheLoaderException.class);
        assertThat(cache.stats("safe").staleServed()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void moreKeysThanMaxBatch_areLoadedInChunks() {
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < CacheTemplate.MAX_BATCH + 10; i++) {
            ids.add(i);
        }
        List<Integer> sizes = new ArrayList<>();
        Map<Long, String> all = cache.rememberAll("products", ids, String.class, m -> {
            sizes.add(m.size());
            return load(m);
        });
        assertThat(all).hasSize(ids.size());
        assertThat(sizes).containsExactly(CacheTemplate.MAX_BATCH, 10);
        assertThat(List.copyOf(all.keySet())).isEqualTo(ids);
    }

    @Test
    void putAll_storesEveryEntry_nullAsTheSentinel() {
        Map<Long, String> entries = new HashMap<>();
        entries.put(1L, "one");
        entries.put(2L, null);
        cache.putAll("products", entries);
        assertThat(cache.rememberAll("products", List.of(1L, 2L), String.class, this::load)).containsExactly(Map.entry(1L, "one"));
        assertThat(loads).hasValue(0);
    }

    @Test
    void l1HitsPastTheRefreshPoint_areServed_andRefreshedInTheBackground_throughTheBulkLoader() {
        try (CacheTemplate t = CacheTemplate.builder().clock(clock)
                .cache("r", CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ZERO).refreshAhead(0.8).build())
                .build()) {
            AtomicInteger version = new AtomicInteger(1);
            List<Set<Long>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
            io.lamina.cache.BulkLoader<Long, String> loader = m -> {
                asked.add(Set.copyOf(m));
                return m.stream().collect(Collectors.toMap(k -> k, k -> "v" + version.get() + "-" + k));
            };
            t.rememberAll("r", List.of(1L, 2L), String.class, loader);
            version.set(2);
            clock.advance(Duration.ofSeconds(85));
            assertThat(t.rememberAll("r", List.of(1L, 2L), String.class, loader))
                    .containsExactly(Map.entry(1L, "v1-1"), Map.entry(2L, "v1-2"));   // served at once
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(t.rememberAll("r", List.of(1L, 2L), String.class, loader))
                            .containsExactly(Map.entry(1L, "v2-1"), Map.entry(2L, "v2-2")));
            assertThat(asked).contains(Set.of(1L), Set.of(2L));
        }
    }

    @Test
    void aBulkLoadPastHardTimeout_failsWithCacheLoadTimeoutException_andStoresItsResultWhenItFinishes() {
        try (CacheTemplate t = CacheTemplate.builder()
                .cache("h", CacheOptions.builder().ttl(Duration.ofMinutes(1)).hardTimeout(Duration.ofMillis(200)).build())
                .build()) {
            CountDownLatch never = new CountDownLatch(1);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> t.rememberAll("h", List.of(1L, 2L), String.class, m -> {
                never.await(5, TimeUnit.SECONDS);
                return Map.of(1L, "late");
            })).isInstanceOf(CacheLoadTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            never.countDown();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(t.rememberAll("h", List.of(1L), String.class, m -> Map.of(1L, "fresh"))).containsEntry(1L, "late"));
            assertThat(t.stats("h").loadTimeouts()).as("one per key").isEqualTo(2);
        }
    }

    @Test
    void jitter_spreadsTheExpiriesOfOneBatch() {
        try (CacheTemplate t = CacheTemplate.builder().clock(clock)
                .cache("j", CacheOptions.builder().ttl(Duration.ofSeconds(100)).jitter(Duration.ofSeconds(50)).build())
                .build()) {
            List<Long> ids = new ArrayList<>();
            for (long i = 0; i < 50; i++) {
                ids.add(i);
            }
            t.rememberAll("j", ids, String.class, this::load);
            clock.advance(Duration.ofSeconds(125));
            AtomicInteger reloaded = new AtomicInteger();
            t.rememberAll("j", ids, String.class, m -> {
                reloaded.set(m.size());
                return load(m);
            });
            assertThat(reloaded.get()).as("keys expired after 125 s of a 100-150 s TTL").isBetween(5, 45);
        }
    }
}
