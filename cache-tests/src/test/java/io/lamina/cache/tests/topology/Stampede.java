package io.lamina.cache.tests.topology;

import io.lamina.cache.CacheTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Many callers on many nodes asking for one cold key at once, released by one start gate. */
final class Stampede {

    private Stampede() {
    }

    /**
     * {@code threadsPerNode} callers on each node call {@code remember(cache, key)} at once; the loader takes
     * 200 ms. Returns how many times it ran; every caller must get its value.
     */
    static int loads(List<CacheTemplate> nodes, String cache, String key, int threadsPerNode) throws Exception {
        AtomicInteger loads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
        try {
            CountDownLatch ready = new CountDownLatch(nodes.size() * threadsPerNode);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (CacheTemplate node : nodes) {
                for (int t = 0; t < threadsPerNode; t++) {
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        start.await();
                        return node.remember(cache, key, String.class, () -> {
                            loads.incrementAndGet();
                            Thread.sleep(200);
                            return "value of " + key;
                        });
                    }));
                }
            }
            if (!ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("callers not ready");
            }
            start.countDown();
            for (Future<String> r : results) {
                if (!("value of " + key).equals(r.get(30, TimeUnit.SECONDS))) {
                    throw new AssertionError("a caller got " + r.get());
                }
            }
            return loads.get();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
