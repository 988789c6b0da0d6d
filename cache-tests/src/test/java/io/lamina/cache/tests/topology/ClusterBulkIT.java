package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.OwnedRedisCluster;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code rememberAll} and {@code putAll} on a real Redis Cluster: keys of one call spread over every primary and many
 * slots (one MGET or script per slot group, never CROSSSLOT), one loader call, and one load per key across nodes when
 * bulk and single-key callers overlap.
 */
@RedisTest
@Timeout(120)
class ClusterBulkIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(10)).build();

    private final OwnedRedisCluster cluster;
    private TopologyNodes nodes;

    ClusterBulkIT(OwnedRedisCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void setUp(@RedisNamespace String namespace) {
        nodes = TopologyNodes.cluster(cluster.seedUris(), namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void aPageOverEveryPrimary_isLoadedWithOneLoaderCall_storedOnEveryPrimary_andServedToAnotherNodeFromL2() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        AtomicInteger loaderCalls = new AtomicInteger();
        List<Long> keys = ids(0, 200);
        Map<Long, String> page = a.rememberAll("products", keys, String.class, missing -> {
            loaderCalls.incrementAndGet();
            assertThat(missing).hasSize(200);
            return missing.stream().filter(k -> k % 10 != 0).collect(Collectors.toMap(k -> k, k -> "p" + k));
        });
        assertThat(loaderCalls).hasValue(1);
        assertThat(page).hasSize(180);
        assertThat(List.copyOf(page.keySet())).isEqualTo(keys.stream().filter(k -> k % 10 != 0).toList());
        Map<Integer, Integer> perPrimary = new HashMap<>();
        Set<Integer> slots = new HashSet<>();
        for (long k : keys) {
            String entry = nodes.entryKey("products", k);
            assertThat(cluster.primaryForKey(entry).call("EXISTS", entry)).as(entry).isEqualTo("1");
            perPrimary.merge(cluster.primaryForKey(entry).port(), 1, Integer::sum);
            slots.add(cluster.slotOf(entry));
        }
        assertThat(perPrimary).hasSize(3);
        assertThat(slots).hasSizeGreaterThan(100);

        Map<Long, String> fromL2 = b.rememberAll("products", keys, String.class, missing -> {
            loaderCalls.incrementAndGet();
            return Map.of();
        });
        assertThat(fromL2).isEqualTo(page);
        assertThat(loaderCalls).hasValue(1);
        assertThat(b.stats("products").l2Hits()).isEqualTo(200);
        assertThat(a.stats("products").l2Errors() + b.stats("products").l2Errors()).isZero();

        Map<Long, String> written = new LinkedHashMap<>();
        keys.forEach(k -> written.put(k, "w" + k));
        b.putAll("products", written);
        CacheTemplate c = nodes.node(OPTIONS);
        assertThat(c.rememberAll("products", keys, String.class, missing -> Map.of())).isEqualTo(written);
        assertThat(b.stats("products").l2Errors() + c.stats("products").l2Errors()).isZero();
    }

    @Test
    void overlappingBulkAndSingleCallers_onThreeNodes_loadEachKeyOnce() throws Exception {
        List<CacheTemplate> three = nodes.nodes(3, OPTIONS);
        // each node's connections open and its scripts loaded on every primary first: this checks exclusion, and a
        // node's very first calls on a loaded machine can outlast their timeout (a counted miss, loaded locally)
        for (CacheTemplate node : three) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
                long errors = node.stats("warm").l2Errors();
                node.rememberAll("warm", ids(0, 60), String.class, m -> m.stream().collect(java.util.stream.Collectors.toMap(k -> k, k -> "w")));
                node.remember("warm", -1L, String.class, () -> "w");
                return node.stats("warm").l2Errors() == errors;
            });
        }
        Map<Long, AtomicInteger> loads = new ConcurrentHashMap<>();
        List<Long> keys = ids(0, 90);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(9);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        try {
            for (int n = 0; n < 3; n++) {
                CacheTemplate node = three.get(n);
                int shift = n * 20;
                done.add(CompletableFuture.runAsync(() -> {
                    await(start);
                    for (int i = 0; i < keys.size(); i += 4) {
                        long id = keys.get((i + shift) % keys.size());
                        assertThat(node.remember("hot", id, String.class, () -> {
                            loads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                            return "v" + id;
                        })).isEqualTo("v" + id);
                    }
                }, pool));
                for (int t = 0; t < 2; t++) {
                    int from = (n * 17 + t * 29) % 45;
                    done.add(CompletableFuture.runAsync(() -> {
                        await(start);
                        Map<Long, String> got = node.rememberAll("hot", keys.subList(from, from + 45), String.class, missing -> {
                            missing.forEach(id -> loads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
                            Thread.sleep(30);
                            return missing.stream().collect(Collectors.toMap(k -> k, k -> "v" + k));
                        });
                        assertThat(got).hasSize(45);
                    }, pool));
                }
            }
            start.countDown();
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Map<Long, Integer> twice = new HashMap<>();
        loads.forEach((k, v) -> {
            if (v.get() != 1) {
                twice.put(k, v.get());
            }
        });
        assertThat(twice).as("keys loaded more than once").isEmpty();
        assertThat(three.stream().mapToLong(t -> t.stats("hot").l2Errors()).sum()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
