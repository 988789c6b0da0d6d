package io.lamina.bench;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.internal.bus.Coherence;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Measures how long an invalidation takes to reach the other nodes' L1: three nodes (templates with
 * their own clients) in one JVM, so one clock times both ends. For each of N rounds, node 1 calls
 * {@code invalidate} (or {@code invalidateTags}); the time until each other node has applied the message
 * (dropped its L1 copy or advanced the tag) is recorded. Prints percentiles.
 *
 * <pre>java -cp cache-bench/target/benchmarks.jar io.lamina.bench.PropagationDriver [rounds]</pre>
 */
public final class PropagationDriver {

    private PropagationDriver() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        RedisServer redis = RedisServers.shared();
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(10)).build();
        List<CacheTemplate> nodes = List.of(node(redis, options), node(redis, options), node(redis, options));
        for (CacheTemplate n : nodes) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!coherence(n).healthy()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a node's subscription did not come up");
                }
                Thread.sleep(10);
            }
        }
        try {
            System.out.println("Invalidation propagation, 3 nodes, Redis " + redis.uri() + ", " + rounds + " rounds each");
            report("invalidate(key), time to the other nodes' L1", measure(nodes, rounds, false));
            report("invalidateTags(tag), time to the other nodes' view", measure(nodes, rounds, true));
        } finally {
            nodes.forEach(CacheTemplate::close);
        }
    }

    private static long[] measure(List<CacheTemplate> nodes, int rounds, boolean tags) {
        CacheTemplate writer = nodes.get(0);
        List<CacheTemplate> readers = nodes.subList(1, nodes.size());
        long[] micros = new long[rounds * readers.size()];
        int at = 0;
        for (int i = 0; i < rounds + 200; i++) {
            long[] before = readers.stream().mapToLong(n -> coherence(n).received()).toArray();
            String key = "k" + (i % 100);
            for (CacheTemplate n : nodes) {
                n.remember("products", key, String.class, () -> "v");
            }
            long start = System.nanoTime();
            if (tags) {
                writer.invalidateTags("tag-" + (i % 100));
            } else {
                writer.invalidate("products", key);
            }
            for (int r = 0; r < readers.size(); r++) {
                Coherence c = coherence(readers.get(r));
                long deadline = start + Duration.ofSeconds(5).toNanos();
                while (c.received() == before[r] && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                long took = System.nanoTime() - start;
                if (i >= 200) {   // the first 200 rounds warm the JIT up
                    micros[at++] = took / 1_000;
                }
            }
        }
        return Arrays.copyOf(micros, at);
    }

    private static void report(String what, long[] micros) {
        Arrays.sort(micros);
        System.out.printf("%-55s p50 %6d µs   p90 %6d µs   p99 %6d µs   max %6d µs   (n=%d)%n", what,
                micros[micros.length / 2], micros[(int) (micros.length * 0.90)], micros[(int) (micros.length * 0.99)],
                micros[micros.length - 1], micros.length);
    }

    private static CacheTemplate node(RedisServer redis, CacheOptions options) {
        return CacheTemplate.builder().namespace("propagation").remote(RedisTier.create(redis.uri())).defaults(options)
                .busCheckInterval(Duration.ofMillis(200)).build();
    }

    private static Coherence coherence(CacheTemplate node) {
        return ((DefaultCacheTemplate) node).coherence();
    }
}
