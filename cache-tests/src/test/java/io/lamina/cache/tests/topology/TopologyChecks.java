package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.redis.internal.RedissonConfigs;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisTls;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the topology tests over TLS (and the ACL tests) check the same way: a test-owned TLS client, links up, the bus
 * across nodes, host names verified.
 */
final class TopologyChecks {

    private TopologyChecks() {
    }

    /** A Lettuce client of the test's own on one node: {@code rediss://127.0.0.1}, the test CA trusted, host name verified. */
    static Client client(RedisNode node, RedisTls tls) {
        RedisURI uri = RedisURI.create("rediss://127.0.0.1:" + node.port());
        assertThat(uri.getVerifyMode()).isEqualTo(io.lettuce.core.SslVerifyMode.FULL);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(tls.caCertificate().toFile()).build()).build());
        try {
            return new Client(client, client.connect());
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A raw TLS connection to one node. */
    record Client(RedisClient client, StatefulRedisConnection<String, String> connection) implements AutoCloseable {

        boolean exists(String key) {
            return connection.sync().exists(key) == 1L;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * A tier reached through {@link LoopbackAlias} (127.0.0.2, a name the servers' certificates do not hold), the CA
     * trusted, verifies the host name and refuses: callers get the loader's values as misses, Redis errors are
     * counted, and the log says why (no subject alternative name matches); nothing reaches Redis.
     */
    static void refusedByHostName(RedisTier.Builder tier, String namespace) {
        try (LogCapture log = new LogCapture();
             CacheTemplate t = CacheTemplate.builder().namespace(namespace).remote(tier.commandTimeout(Duration.ofMillis(500)).build())
                     .defaults(io.lamina.cache.CacheOptions.inherit()).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(t.remember("c", i, String.class, () -> "from the loader")).isEqualTo("from the loader");
            }
            assertThat(t.stats("c").l2Errors()).isPositive();
            assertThat(t.stats("c").l2Hits()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream()
                    .anyMatch(l -> l.contains("No subject alternative names matching IP address " + LoopbackAlias.HOST)));
        }
    }

    /**
     * Redisson configured as the tier configures it, with {@code addresses} at 127.0.0.2: it refuses the certificate
     * (strict host-name verification); at 127.0.0.1 the same configuration connects.
     */
    static void redissonVerifiesHostNames(io.lamina.cache.redis.internal.Topology topology, List<RedisURI> atAlias,
            List<RedisURI> direct, RedisTls tls) {
        java.util.function.Function<List<RedisURI>, org.redisson.config.Config> config = uris -> RedissonConfigs.of(
                new RedissonConfigs.Settings(topology, uris, null, null, null, null, Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(30), Duration.ofSeconds(5), tls.trustManagerFactory()));
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> org.redisson.Redisson.create(config.apply(atAlias)).shutdown());
        // Redisson logs the handshake failure ("No subject alternative names matching IP address 127.0.0.2") and throws
        // "Can't connect to servers!": the same configuration at 127.0.0.1 connects, so the host name is what it refused
        assertThat(refused).as("Redisson through 127.0.0.2").isInstanceOf(org.redisson.client.RedisConnectionException.class);
        org.redisson.api.RedissonClient ok = org.redisson.Redisson.create(config.apply(direct));
        ok.shutdown();
    }

    /** {@code node} reads {@code value} for {@code key} of cache "c" from L2 within 10 s (getIfPresent: it loads nothing). */
    static void awaitRead(CacheTemplate node, String key, String value) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var seen = node.getIfPresent("c", key, String.class);
            return seen != null && value.equals(seen.value());
        });
    }

    /**
     * {@code threads} callers on each node ask for one cold key of cache "c" at once: exactly one load, and no Redis call
     * of cache "c" failed meanwhile (a failed lock is counted as a Redis error, and the fill lease alone can still
     * keep a stampede to one load: the error count shows the lock itself worked), and no unlock failed.
     */
    static void oneLoadByTheLock(List<CacheTemplate> nodes, List<io.lamina.cache.redis.RedisTier> tiers, String key, int threads)
            throws Exception {
        // up to 3 stampedes on fresh keys: each must load once; one without any Redis error proves the lock worked (on a
        // loaded machine a lock call may time out once, a counted miss, which is not what this checks)
        long errorsSeen = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            long errors = nodes.stream().mapToLong(n -> n.stats("c").l2Errors()).sum();
            long unlocks = tiers.stream().mapToLong(io.lamina.cache.redis.RedisTier::unlockFailures).sum();
            assertThat(Stampede.loads(nodes, "c", key + "-" + attempt, threads))
                    .as("%s threads x %s nodes on one cold key", threads, nodes.size()).isEqualTo(1);
            errorsSeen = nodes.stream().mapToLong(n -> n.stats("c").l2Errors()).sum() - errors;
            long unlocksFailed = tiers.stream().mapToLong(io.lamina.cache.redis.RedisTier::unlockFailures).sum() - unlocks;
            if (errorsSeen == 0 && unlocksFailed == 0) {
                return;
            }
        }
        assertThat(errorsSeen).as("Redis errors (a failed lock is one) in each of 3 stampedes").isZero();
    }

    /**
     * After a failover: waits (15 s at most) until a lock works again on every node, i.e. Redisson has followed the
     * switch (it rescans the topology every second, on its own schedule): a cold key of cache "lock-probe" is loaded
     * on each node without a Redis error.
     */
    static void awaitLocksWork(List<CacheTemplate> nodes) {
        // 20 clean rounds in a row: Redisson keeps a pool of connections, and one still on the demoted primary answers
        // READONLY until Redisson replaces it, so one clean probe does not prove they all moved
        int[] cleanRounds = {0};
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            boolean clean = true;
            for (CacheTemplate node : nodes) {
                long before = node.stats("lock-probe").l2Errors();
                node.remember("lock-probe", "k" + System.nanoTime(), String.class, () -> "p");
                clean &= node.stats("lock-probe").l2Errors() == before;
            }
            cleanRounds[0] = clean ? cleanRounds[0] + 1 : 0;
            return cleanRounds[0] >= 20;
        });
    }

    /** Both nodes' links are up: their buses are healthy and a put by one is read by the other from L2. */
    static void awaitConnected(CacheTemplate a, CacheTemplate b) {
        // a TLS handshake can outlast the connect timeout on a loaded machine (then retried)
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            a.put("warm", 1, "w");
            var seen = b.getIfPresent("warm", 1, String.class);
            return a.nodeStats().busHealthy() && b.nodeStats().busHealthy() && seen != null && "w".equals(seen.value());
        });
    }

    /**
     * The bus across the nodes: {@code b} holds a key in L1; an invalidation and then a put on {@code a} reach it
     * (it loads again, then reads the put value) within 5 s.
     */
    static void busWorks(CacheTemplate a, CacheTemplate b) {
        String key = "bus-" + System.nanoTime();
        AtomicInteger loads = new AtomicInteger();
        assertThat(b.remember("bus", key, String.class, () -> "first#" + loads.incrementAndGet())).isEqualTo("first#1");
        assertThat(b.remember("bus", key, String.class, () -> "again#" + loads.incrementAndGet())).as("from L1").isEqualTo("first#1");
        a.invalidate("bus", key);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.remember("bus", key, String.class, () -> "reloaded").equals("reloaded"));
        a.put("bus", key, "put");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.remember("bus", key, String.class, () -> "not put").equals("put"));
    }
}
