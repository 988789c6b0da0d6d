package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheLoaderException;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code rememberAll} and {@code putAll} on one Redis, with several nodes: the contract of issue 16, key by key. */
@RedisTest
@Timeout(60)
class RememberAllIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).nullTtl(Duration.ofMinutes(1))
            .lockWait(Duration.ofSeconds(10)).build();

    private Nodes nodes;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private static List<Long> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> (long) i).toList();
    }

    @Test
    void rememberAll_coldKeys_oneLoaderCallWithExactlyTheMisses_resultInKeyOrder_nullsCachedAndAbsent() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        a.remember("products", 3L, String.class, () -> "p3-single");
        List<Set<Long>> calls = new CopyOnWriteArrayList<>();
        List<Long> keys = List.of(5L, 1L, 3L, 4L, 2L);

        Map<Long, String> page = a.rememberAll("products", keys, String.class, missing -> {
            calls.add(Set.copyOf(missing));
            assertThat(missing).containsExactly(5L, 1L, 4L, 2L);   // in the caller's order, without the cached key
            Map<Long, String> found = new HashMap<>();
            for (Long id : missing) {
                if (id != 4L) {
                    found.put(id, "p" + id);
                }
            }
            return found;
        });

        assertThat(calls).hasSize(1);
        assertThat(page).containsExactly(Map.entry(5L, "p5"), Map.entry(1L, "p1"), Map.entry(3L, "p3-single"), Map.entry(2L, "p2"));
        assertThat(a.stats("products").loads()).isEqualTo(1 + 4);
        // another node: every key from L2 (key 4 as the cached null), no load
        AtomicInteger loads = new AtomicInteger();
        Map<Long, String> again = b.rememberAll("products", keys, String.class, missing -> {
            loads.incrementAndGet();
            return Map.of();
        });
        assertThat(again).isEqualTo(page);
        assertThat(loads).hasValue(0);
        assertThat(b.stats("products").l2Hits()).isEqualTo(5);
        assertThat(b.stats("products").nullHits()).isEqualTo(1);   // key 4's null, counted per key like remember's
        assertThat(b.getIfPresent("products", 4L, String.class)).isNotNull().satisfies(v -> assertThat(v.value()).isNull());
        // and the single-key API sees the same entries
        assertThat(b.remember("products", 5L, String.class, () -> "reloaded")).isEqualTo("p5");
    }

    @Test
    void rememberAll_partlyInRedis_servesThoseFromRedis_loadsOnlyTheRest_inKeyOrder() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        a.putAll("mixed", Map.of(2L, "p2", 4L, "p4"));
        List<Set<Long>> asked = new CopyOnWriteArrayList<>();

        Map<Long, String> page = b.rememberAll("mixed", ids(1, 6), String.class, missing -> {
            asked.add(Set.copyOf(missing));
            return missing.stream().collect(Collectors.toMap(id -> id, id -> "loaded" + id));
        });

        assertThat(asked).containsExactly(Set.of(1L, 3L, 5L));
        assertThat(page).containsExactly(Map.entry(1L, "loaded1"), Map.entry(2L, "p2"), Map.entry(3L, "loaded3"),
                Map.entry(4L, "p4"), Map.entry(5L, "loaded5"));
        assertThat(b.stats("mixed").l2Hits()).isEqualTo(2);
        assertThat(b.stats("mixed").loads()).isEqualTo(3);
        // what was loaded is in Redis for the next node
        assertThat(nodes.node(OPTIONS).rememberAll("mixed", ids(1, 6), String.class, missing -> Map.of())).isEqualTo(page);
    }

    @Test
    void rememberAll_duplicatesBySameStringForm_areOneKey_firstObjectWins() {
        CacheTemplate a = nodes.node(OPTIONS);
        List<Object> keys = Arrays.asList("42", 42L, 7, "7");
        List<Set<Object>> asked = new ArrayList<>();
        Map<Object, String> result = a.rememberAll("dups", keys, String.class, missing -> {
            asked.add(Set.copyOf(missing));
            Map<Object, String> found = new HashMap<>();
            missing.forEach(k -> found.put(k, "v" + k));
            return found;
        });
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).containsExactlyInAnyOrder("42", 7);
        assertThat(result).containsExactly(Map.entry("42", "v42"), Map.entry(7, "v7"));
    }

    @Test
    void rememberAll_unaskedKeysFromTheLoader_areIgnored() {
        CacheTemplate a = nodes.node(OPTIONS);
        Map<Long, String> result = a.rememberAll("unasked", List.of(1L), String.class, missing -> Map.of(1L, "one", 99L, "intruder"));
        assertThat(result).containsExactly(Map.entry(1L, "one"));
        assertThat(a.getIfPresent("unasked", 99L, String.class)).isNull();
        assertThat(a.stats("unasked").unaskedKeys()).isEqualTo(1);
    }

    @Test
    void rememberAll_badInput_failsBeforeAnyIo_emptyInput_callsNoLoader() {
        CacheTemplate a = nodes.node(OPTIONS);
        AtomicInteger loads = new AtomicInteger();
        assertThatThrownBy(() -> a.rememberAll("bad", null, String.class, m -> Map.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.rememberAll("bad", List.of(1L), String.class, (io.lamina.cache.BulkLoader<Long, String>) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.rememberAll("bad", Arrays.asList(1L, null), String.class, m -> {
            loads.incrementAndGet();
            return Map.of();
        })).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.rememberAll("bad", List.of(1L, new Object()), String.class, m -> {
            loads.incrementAndGet();
            return Map.of();
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.rememberAll("bad", List.<Long>of(), String.class, m -> {
            loads.incrementAndGet();
            return Map.of();
        })).isEmpty();
        assertThat(loads).hasValue(0);
        assertThat(a.stats("bad").misses()).isZero();
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("bad", "1")))).isZero();
    }

    @Test
    void rememberAll_loaderFailure_reachesTheCaller_wrapped_nothingCached_nullMapIsAFailure() {
        CacheTemplate a = nodes.node(OPTIONS);
        assertThatThrownBy(() -> a.rememberAll("fail", ids(0, 3), String.class, m -> {
            throw new IOException("database down");
        })).isInstanceOf(CacheLoaderException.class).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> a.rememberAll("fail", ids(0, 3), String.class, m -> {
            throw new IllegalStateException("unchecked");
        })).isExactlyInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.rememberAll("fail", ids(0, 3), String.class, m -> null)).isInstanceOf(CacheLoaderException.class);
        for (long id = 0; id < 3; id++) {
            assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("fail", Long.toString(id))))).isZero();
        }
        // the leases of the failed loads do not make the next call wait for a holder that is gone
        long t0 = System.nanoTime();
        CacheTemplate b = nodes.node(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofMillis(300)).build());
        assertThat(b.rememberAll("fail", ids(0, 3), String.class, m -> m.stream().collect(Collectors.toMap(k -> k, k -> "ok" + k))))
                .hasSize(3);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void rememberAll_cacheNullsOff_missingKeysAreNotCached() {
        CacheTemplate a = nodes.node(OPTIONS, b -> b.cache("nonulls", CacheOptions.builder().cacheNulls(false).build()));
        AtomicInteger loads = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            assertThat(a.rememberAll("nonulls", ids(0, 2), String.class, m -> {
                loads.incrementAndGet();
                return Map.of(0L, "zero");
            })).containsExactly(Map.entry(0L, "zero"));
        }
        assertThat(loads).hasValue(2);
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("nonulls", "1")))).isZero();
    }

    @Test
    void rememberAll_perKeyTagsAndTtl_fromTheContextLoader() {
        CacheTemplate a = nodes.node(OPTIONS);
        Map<Long, String> first = a.rememberAll("tagged", ids(0, 4), String.class, (missing, ctx) -> {
            Map<Long, String> found = new HashMap<>();
            for (Long id : missing) {
                found.put(id, "v1-" + id);
                ctx.tags(id, "parity:" + (id % 2));
            }
            ctx.ttl(3L, Duration.ofSeconds(30));
            return found;
        });
        assertThat(first).hasSize(4);
        long pttl = nodes.redis().pttl(Nodes.bytes(nodes.entryKey("tagged", "3")));
        assertThat(pttl).isBetween(1L, 40_000L);
        a.invalidateTags("parity:1");
        Map<Long, String> second = a.rememberAll("tagged", ids(0, 4), String.class, missing -> {
            assertThat(missing).containsExactly(1L, 3L);
            return missing.stream().collect(Collectors.toMap(k -> k, k -> "v2-" + k));
        });
        assertThat(second).containsExactly(Map.entry(0L, "v1-0"), Map.entry(1L, "v2-1"), Map.entry(2L, "v1-2"), Map.entry(3L, "v2-3"));
        assertThatThrownBy(() -> a.rememberAll("tagged", List.of(10L), String.class, (missing, ctx) -> {
            ctx.tags(11L, "x");
            return Map.of();
        })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rememberAllAsync_completesWithTheSameResult_loaderOffTheCallersThread() throws Exception {
        CacheTemplate a = nodes.node(OPTIONS);
        // the bus's first subscription flushes L1: wait for it, so the second call can be an L1 hit
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy());
        Thread caller = Thread.currentThread();
        List<Thread> loaderThreads = new CopyOnWriteArrayList<>();
        CompletableFuture<Map<Long, String>> f = a.rememberAllAsync("async", ids(0, 3), String.class, missing -> {
            loaderThreads.add(Thread.currentThread());
            return missing.stream().collect(Collectors.toMap(k -> k, k -> "a" + k));
        });
        assertThat(f.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry(0L, "a0"), Map.entry(1L, "a1"), Map.entry(2L, "a2"));
        assertThat(loaderThreads).hasSize(1).doesNotContain(caller);
        CompletableFuture<Map<Long, String>> hit = a.rememberAllAsync("async", ids(0, 3), String.class, missing -> Map.of());
        assertThat(hit).isCompleted();
        assertThat(hit.get()).hasSize(3);
    }

    /**
     * Four nodes, each with threads calling {@code remember} and {@code rememberAll} over overlapping keys, all
     * released at once: every key is loaded exactly once in the whole cluster, and everyone gets its value.
     */
    @Test
    void overlappingRememberAndRememberAll_onFourNodes_loadEachKeyExactlyOnce() throws Exception {
        int nodesCount = 4;
        List<CacheTemplate> all = new ArrayList<>();
        for (int n = 0; n < nodesCount; n++) {
            all.add(nodes.node(OPTIONS));
        }
        Map<Long, AtomicInteger> loadsPerKey = new java.util.concurrent.ConcurrentHashMap<>();
        List<Long> keys = ids(0, 60);
        CountDownLatch ready = new CountDownLatch(nodesCount * 4);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodesCount * 4);
        try {
            for (int n = 0; n < nodesCount; n++) {
                CacheTemplate node = all.get(n);
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    int nodeIndex = n;
                    done.add(CompletableFuture.runAsync(() -> {
                        ready.countDown();
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        if (thread == 0) {
                            // single-key callers, each node starting at another key
                            for (int i = 0; i < keys.size(); i += 3) {
                                long id = keys.get((i + nodeIndex * 7) % keys.size());
                                assertThat(node.remember("hot", id, String.class, () -> {
                                    loadsPerKey.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                                    Thread.sleep(20);
                                    return "v" + id;
                                })).isEqualTo("v" + id);
                            }
                        } else {
                            // bulk callers on overlapping windows
                            int from = (thread * 13 + nodeIndex * 5) % 30;
                            List<Long> window = keys.subList(from, from + 30);
                            Map<Long, String> got = node.rememberAll("hot", window, String.class, missing -> {
                                Map<Long, String> found = new HashMap<>();
                                for (Long id : missing) {
                                    loadsPerKey.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                                    found.put(id, "v" + id);
                                }
                                Thread.sleep(50);
                                return found;
                            });
                            assertThat(got).hasSize(30);
                            got.forEach((k, v) -> assertThat(v).isEqualTo("v" + k));
                        }
                    }, pool));
                }
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            start.countDown();
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(45, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Map<Long, Integer> multiple = new LinkedHashMap<>();
        loadsPerKey.forEach((k, v) -> {
            if (v.get() != 1) {
                multiple.put(k, v.get());
            }
        });
        assertThat(multiple).as("keys loaded more than once").isEmpty();
        long l2Errors = all.stream().mapToLong(t -> t.stats("hot").l2Errors()).sum();
        assertThat(l2Errors).isZero();
    }

    /** A key invalidated (or put) while the bulk load covering it runs is not stored with the old value, in L2 or L1. */
    @Test
    void aKeyWrittenWhileTheBulkLoadRuns_isNotStoredWithTheLoadedValue() throws Exception {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        CompletableFuture<Map<Long, String>> bulk = CompletableFuture.supplyAsync(() -> a.rememberAll("fenced", ids(0, 3), String.class,
                missing -> {
                    loading.countDown();
                    assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
                    return missing.stream().collect(Collectors.toMap(k -> k, k -> "old" + k));
                }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        b.invalidate("fenced", 1L);
        b.put("fenced", 2L, "new2");
        written.countDown();
        assertThat(bulk.get(10, TimeUnit.SECONDS)).containsEntry(0L, "old0");

        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("fenced", "1")))).as("invalidated key not stored").isZero();
        for (CacheTemplate node : List.of(a, b)) {
            assertThat(node.remember("fenced", 1L, String.class, () -> "reloaded1")).isEqualTo("reloaded1");
            assertThat(node.remember("fenced", 2L, String.class, () -> "reloaded2")).isEqualTo("new2");
            assertThat(node.remember("fenced", 0L, String.class, () -> "reloaded0")).isEqualTo("old0");
        }
    }

    @Test
    void putAll_storesEveryEntry_otherNodesDropTheirCopies_nullsAsTheSentinel() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
        b.remember("put", 1L, String.class, () -> "b-old");
        Map<Long, String> entries = new LinkedHashMap<>();
        entries.put(1L, "one");
        entries.put(2L, "two");
        entries.put(3L, null);
        long sentBefore = a.nodeStats().invalidationsSent();
        a.putAll("put", entries);
        assertThat(a.nodeStats().invalidationsSent() - sentBefore).as("one invalidation message for the call").isEqualTo(1);
        assertThat(a.stats("put").puts()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(b.remember("put", 1L, String.class, () -> "reloaded")).isEqualTo("one"));
        AtomicInteger loads = new AtomicInteger();
        assertThat(b.rememberAll("put", ids(1, 4), String.class, m -> {
            loads.incrementAndGet();
            return Map.of();
        })).containsExactly(Map.entry(1L, "one"), Map.entry(2L, "two"));
        assertThat(loads).hasValue(0);
        assertThatThrownBy(() -> a.putAll("put", null)).isInstanceOf(NullPointerException.class);
    }
}
