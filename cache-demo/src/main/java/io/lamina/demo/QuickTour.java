package io.lamina.demo;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A short tour of Lamina's in-process tier: read-through, null caching against penetration, single-flight
 * against a stampede, and tag invalidation. Prints what the "database" saw; fails when a step did not
 * behave as promised.
 */
public final class QuickTour {

    record Product(long id, long categoryId, String name) {
    }

    /** A stand-in database that counts its queries and is slow like one. */
    static final class Database {
        final AtomicInteger queries = new AtomicInteger();

        Product find(long id) throws InterruptedException {
            queries.incrementAndGet();
            Thread.sleep(20);
            return id < 1_000 ? new Product(id, id % 10, "product-" + id) : null;
        }
    }

    private QuickTour() {
    }

    public static void main(String[] args) throws Exception {
        if (!run()) {
            throw new IllegalStateException("the tour saw a protection misbehave; see the table above");
        }
    }

    static boolean run() throws Exception {
        Database db = new Database();
        boolean ok = true;
        try (CacheTemplate cache = CacheTemplate.builder()
                .namespace("tour")
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(10)).build())
                .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).nullTtl(Duration.ofSeconds(30)).build())
                .build()) {
            System.out.println("Lamina quick tour (in-process tier only)");
            System.out.println();
            System.out.printf("%-52s %10s %10s%n", "step", "requests", "db queries");

            // 1. read-through
            int before = db.queries.get();
            for (int i = 0; i < 1_000; i++) {
                long id = i % 100;
                cache.remember("products", id, Product.class, () -> db.find(id));
            }
            int q = db.queries.get() - before;
            ok &= row("read-through: 1 000 reads of 100 products", 1_000, q, q == 100);

            // 2. penetration: lookups of ids that do not exist
            before = db.queries.get();
            for (int i = 0; i < 10_000; i++) {
                long id = 5_000 + i % 50;
                cache.remember("products", id, Product.class, () -> db.find(id));
            }
            q = db.queries.get() - before;
            ok &= row("penetration: 10 000 reads of 50 missing ids", 10_000, q, q == 50);

            // 3. breakdown: a stampede on one cold key
            before = db.queries.get();
            int threads = 200;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Product>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.remember("products", 777L, Product.class, () -> db.find(777));
                }));
            }
            start.countDown();
            boolean allGotIt = true;
            for (Future<Product> r : results) {
                allGotIt &= r.get(10, TimeUnit.SECONDS).id() == 777;
            }
            pool.shutdown();
            q = db.queries.get() - before;
            ok &= row("breakdown: 200 concurrent reads of one cold key", threads, q, q == 1 && allGotIt);

            // 4. tag invalidation: a write to category 3 drops every product tagged with it
            for (long id = 0; id < 100; id++) {
                long pid = id;
                cache.invalidate("products", pid);
                cache.remember("products", pid, Product.class, ctx -> {
                    Product p = db.find(pid);
                    ctx.tags("category:" + p.categoryId());
                    return p;
                });
            }
            cache.invalidateTags("category:3");
            before = db.queries.get();
            for (long id = 0; id < 100; id++) {
                long pid = id;
                cache.remember("products", pid, Product.class, () -> db.find(pid));
            }
            q = db.queries.get() - before;
            ok &= row("tags: invalidate category:3, then read 100 products", 100, q, q == 10);

            CacheStats s = cache.stats("products");
            System.out.println();
            System.out.printf("products: %d requests, L1 hit ratio %.1f%%, %d loads, %d cached nulls served%n",
                    s.requests(), 100 * s.l1HitRatio(), s.loads(), s.nullHits());
            System.out.println(ok ? "every step behaved as promised" : "SOME STEP DID NOT BEHAVE AS PROMISED");
        }
        return ok;
    }

    private static boolean row(String step, int requests, int queries, boolean pass) {
        System.out.printf("%-52s %10d %10d  %s%n", step, requests, queries, pass ? "ok" : "UNEXPECTED");
        return pass;
    }
}
