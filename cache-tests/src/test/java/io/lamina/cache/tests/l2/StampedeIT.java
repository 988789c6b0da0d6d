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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One load per key per cluster: 4 nodes x 50 threads on one cold key. */
@RedisTest
@Timeout(60)
class StampedeIT {

    private static final int NODES = 4;
    private static final int THREADS_PER_NODE = 50;

    private Nodes nodes;
    private ExecutorService pool;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
        pool = Executors.newFixedThreadPool(NODES * THREADS_PER_NODE);
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        nodes.close();
    }

    @RepeatedTest(3)
    void fourNodesTimesFiftyThreads_onOneColdKey_loadExactlyOnce() throws Exception {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(10)).build();
        List<CacheTemplate> templates = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            templates.add(nodes.node(options));
        }
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(NODES * THREADS_PER_NODE);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (CacheTemplate node : templates) {
            for (int t = 0; t < THREADS_PER_NODE; t++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return node.remember("products", "hot", String.class, () -> {
                        loads.incrementAndGet();
                        Thread.sleep(200);    // the slow database query the stampede must not repeat
                        return "the value";
                    });
                }));
            }
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        start.countDown();

        for (Future<String> r : results) {
            assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("the value");
        }
        assertThat(loads).as("loader runs across 4 nodes").hasValue(1);
        long loadsCounted = templates.stream().mapToLong(t -> t.stats("products").loads()).sum();
        assertThat(loadsCounted).isEqualTo(1);
        long requests = templates.stream().mapToLong(t -> t.stats("products").requests()).sum();
        assertThat(requests).isEqualTo(NODES * THREADS_PER_NODE);
    }

    @Test
    void asyncCallersOnFourNodes_loadExactlyOnce() throws Exception {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(10)).build();
        AtomicInteger loads = new AtomicInteger();
        List<java.util.concurrent.CompletableFuture<String>> results = new ArrayList<>();
        ExecutorService db = Executors.newSingleThreadExecutor();
        try {
            for (int n = 0; n < NODES; n++) {
                CacheTemplate node = nodes.node(options);
                for (int t = 0; t < THREADS_PER_NODE; t++) {
                    results.add(node.rememberAsync("products", "hot-async", String.class, ctx ->
                            java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                                loads.incrementAndGet();
                                sleep(200);
                                return "async value";
                            }, db)));
                }
            }
            for (var r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("async value");
            }
            assertThat(loads).hasValue(1);
        } finally {
            db.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
