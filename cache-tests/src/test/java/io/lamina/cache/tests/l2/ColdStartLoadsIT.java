package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * One load per key per cluster from the very first call: two nodes just built (their caches' tags not yet in
 * Redis, their buses still coming up) take a burst of concurrent lookups of many cold keys, and each key is loaded
 * exactly once.
 */
@RedisTest
@Timeout(60)
class ColdStartLoadsIT {

    private static final int KEYS = 100;
    private static final int THREADS = 8;
    private static final int LOOKUPS = 4_000;

    @RepeatedTest(3)
    void aBurstOfLookupsOnFreshNodes_loadsEveryKeyExactlyOnce(RedisServer redis, @RedisNamespace String namespace)
            throws Exception {
        String ns = namespace + "-" + System.nanoTime();
        try (Nodes nodes = new Nodes(redis, ns)) {
            CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).nullTtl(Duration.ofMinutes(1)).build();
            List<CacheTemplate> cluster = List.of(nodes.node(options), nodes.node(options));
            ConcurrentHashMap<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int first = t;
                    work.add(pool.submit(() -> {
                        start.await();
                        for (int i = first; i < LOOKUPS; i += THREADS) {
                            int id = i % KEYS;
                            cluster.get(i % 2).remember("products", id, String.class, () -> {
                                loads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                                Thread.sleep(10);   // a database read
                                return null;
                            });
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : work) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(loads).hasSize(KEYS);
            assertThat(loads.values().stream().mapToInt(AtomicInteger::get).sum()).as("loads of %s keys: %s", KEYS, loads)
                    .isEqualTo(KEYS);
        }
    }
}
