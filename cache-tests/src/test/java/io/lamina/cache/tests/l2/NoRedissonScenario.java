package io.lamina.cache.tests.l2;

import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@link WithoutRedissonIT} runs in a class loader without Redisson: two nodes, a miss that finds the other node's
 * fill lease, an invalidation seen by the other node, a batch. Returns what it saw, as {@code name=value} pairs.
 */
public final class NoRedissonScenario {

    private NoRedissonScenario() {
    }

    /** GETRANGE and EVALSHA commands the server ran (the single-key read, the lease script), from INFO commandstats. */
    private static long reads(io.lettuce.core.api.StatefulRedisConnection<String, String> admin) {
        long calls = 0;
        for (String line : admin.sync().info("commandstats").split("\\r?\\n")) {
            for (String command : new String[] {"getrange", "evalsha"}) {
                if (line.startsWith("cmdstat_" + command + ":calls=")) {
                    calls += Long.parseLong(line.substring(("cmdstat_" + command + ":calls=").length(), line.indexOf(',')));
                }
            }
        }
        return calls;
    }

    public static Map<String, String> run(String uri, String namespace) throws Exception {
        Map<String, String> seen = new HashMap<>();
        RedisTier tierA = RedisTier.create(uri);
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(5)).build();
        try (CacheTemplate a = CacheTemplate.builder().namespace(namespace).remote(tierA).defaults(options).build();
             CacheTemplate b = CacheTemplate.builder().namespace(namespace).remote(RedisTier.create(uri)).defaults(options).build()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
            // a contended miss: a loads slowly; b finds a's lease and waits for a's value in Redis
            AtomicInteger loads = new AtomicInteger();
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> a.remember("products", 1, String.class, () -> {
                loads.incrementAndGet();
                loading.countDown();
                release.await(10, TimeUnit.SECONDS);
                return "loaded by a";
            }));
            if (!loading.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a never started loading");
            }
            io.lettuce.core.RedisClient adminClient = io.lettuce.core.RedisClient.create(uri);
            long readsBefore;
            CompletableFuture<String> second;
            try (io.lettuce.core.api.StatefulRedisConnection<String, String> admin = adminClient.connect()) {
                readsBefore = reads(admin);
                second = CompletableFuture.supplyAsync(() -> b.remember("products", 1, String.class, () -> {
                    loads.incrementAndGet();
                    return "loaded by b";
                }));
                // b is waiting once it has read the key (GETRANGE), found a's lease (the lease script) and polled it
                // again (the lease script): three more commands
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> reads(admin) >= readsBefore + 3);
            } finally {
                adminClient.shutdown();
            }
            release.countDown();
            seen.put("a", first.get(10, TimeUnit.SECONDS));
            seen.put("b", second.get(10, TimeUnit.SECONDS));
            seen.put("loads", Integer.toString(loads.get()));
            seen.put("bLockWaits", Long.toString(b.stats("products").lockWaits()));

            // an invalidation from a reaches b's L1
            a.invalidate("products", 1);
            java.util.concurrent.atomic.AtomicReference<String> after = new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> "reloaded".equals(after.updateAndGet(v -> b.remember("products", 1, String.class, () -> "reloaded"))));
            seen.put("afterInvalidate", after.get());

            // a batch on b, then read by a from Redis
            Map<Integer, String> page = b.rememberAll("products", List.of(10, 11, 12), String.class, missing -> {
                Map<Integer, String> rows = new HashMap<>();
                missing.forEach(id -> rows.put(id, "row" + id));
                return rows;
            });
            Map<Integer, String> again = a.rememberAll("products", List.of(10, 11, 12), String.class, missing -> Map.of());
            seen.put("page", page.toString());
            seen.put("pageFromRedis", again.toString());
            seen.put("l2Errors", Long.toString(a.stats("products").l2Errors() + b.stats("products").l2Errors()));
            seen.put("lockBreakers", tierA.breakerStates().toString());
        }
        return seen;
    }
}
