package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisSentinel;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sentinel with authentication on both levels: data nodes that require one password and sentinels that require
 * another. The tier gives each its own ({@code password} for the data nodes, {@code sentinelCredentials} for the
 * sentinels), in Lettuce and in Redisson alike; a wrong password is a counted miss, logged as such.
 */
@RedisTest
@Timeout(120)
class SentinelAuthIT {

    private static final String DATA_PASSWORD = "data-s3cret";
    private static final String SENTINEL_PASSWORD = "sentinel-s3cret";
    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(5)).build();

    @Test
    void passwordsOnDataNodesAndSentinels_everyPathWorks_andAWrongOneIsReportedAsSuch(OwnedRedisSentinel group,
            @RedisNamespace String namespace) throws Exception {
        group.awaitHealthy(Duration.ofSeconds(30));
        RedisNode primary = group.primary();
        // passwords set at run time: the sentinels learn the data nodes' first, then protect themselves
        for (RedisNode sentinel : group.sentinels()) {
            sentinel.call("SENTINEL", "SET", group.masterName(), "auth-pass", DATA_PASSWORD);
            sentinel.call("SENTINEL", "CONFIG", "SET", "sentinel-pass", SENTINEL_PASSWORD);
        }
        for (RedisNode data : group.dataNodes()) {
            data.call("CONFIG", "SET", "masterauth", DATA_PASSWORD);
            data.call("CONFIG", "SET", "requirepass", DATA_PASSWORD);
        }
        for (RedisNode sentinel : group.sentinels()) {
            sentinel.call("ACL", "SETUSER", "default", "resetpass", ">" + SENTINEL_PASSWORD);
        }
        String uri = group.sentinelUri();
        TopologyNodes nodes = new TopologyNodes(() -> RedisTier.builder().uri(uri).password(DATA_PASSWORD)
                .sentinelCredentials(null, SENTINEL_PASSWORD).commandTimeout(Duration.ofMillis(500)), namespace);
        try (nodes) {
            List<CacheTemplate> four = nodes.nodes(4, OPTIONS);
            CacheTemplate a = four.get(0);
            CacheTemplate b = four.get(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
            AtomicInteger loads = new AtomicInteger();
            assertThat(a.remember("c", 1, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            assertThat(b.remember("c", 1, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            assertThat(b.stats("c").l2Hits()).isEqualTo(1);
            RedisURI direct = RedisURI.create("redis://127.0.0.1:" + primary.port());
            direct.setCredentialsProvider(new io.lettuce.core.StaticCredentialsProvider(null, DATA_PASSWORD.toCharArray()));
            RedisClient raw = RedisClient.create(direct);
            try (StatefulRedisConnection<String, String> c = raw.connect()) {
                assertThat(c.sync().exists(nodes.entryKey("c", 1))).isEqualTo(1L);
            } finally {
                raw.shutdown();
            }
            assertThat(Stampede.loads(four, "c", "hot", 25)).as("the lock works with the passwords").isEqualTo(1);
            b.invalidate("c", 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> "v9".equals(a.remember("c", 1, String.class, () -> "v9")));
            assertThat(a.stats("c").l2Errors() + b.stats("c").l2Errors()).isZero();

            try (LogCapture log = new LogCapture();
                 CacheTemplate wrong = CacheTemplate.builder().namespace(namespace)
                         .remote(RedisTier.builder().uri(uri).password("not-it").sentinelCredentials(null, SENTINEL_PASSWORD)
                                 .commandTimeout(Duration.ofMillis(500)).build())
                         .defaults(OPTIONS).build()) {
                assertThat(wrong.remember("c", 2, String.class, () -> "from the loader")).isEqualTo("from the loader");
                assertThat(wrong.stats("c").l2Errors()).isPositive();
                assertThat(log.lines()).anyMatch(l -> l.startsWith("WARNING") && (l.contains("WRONGPASS") || l.contains("NOAUTH")
                        || l.contains("invalid username-password")));
                assertThat(log.lines()).noneMatch(l -> l.contains("not-it") || l.contains(DATA_PASSWORD) || l.contains(SENTINEL_PASSWORD));
            }
        }
    }
}
