package io.lamina.cache.tests.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LaminaMeterNames;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the meters say through a Redis outage, on a server this test kills and restarts: the bus goes unhealthy
 * and L1 is flushed once, the breaker opens, reads count remote errors, an invalidation Redis cannot take counts
 * as failed; when Redis is back the bus reconnects (one reconnect, one more flush) and the breaker closes.
 */
@RedisTest(owned = true)
@Timeout(60)
class OutageMetersIT {

    @Test
    void aRedisOutage_showsInTheBusBreakerErrorAndFlushMeters(OwnedRedisServer redis, @RedisNamespace String namespace) {
        if (!redis.isRunning()) {
            redis.start();
        }
        MeterRegistry registry = new SimpleMeterRegistry();
        RedisTier tier = RedisTier.builder().uri(redis.uri()).commandTimeout(Duration.ofMillis(200))
                .connectTimeout(Duration.ofMillis(300)).openDuration(Duration.ofMillis(300)).breaker(10, 5, 50).build();
        try (CacheTemplate cache = CacheTemplate.builder().namespace(namespace + "-" + System.nanoTime()).remote(tier)
                .busCheckInterval(Duration.ofMillis(100)).cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(5)).build())
                .meterRegistry(registry).build()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(registry, LaminaMeterNames.BUS_HEALTHY) == 1.0);
            assertThat(node(registry, LaminaMeterNames.L1_FLUSHES)).isEqualTo(1.0);
            cache.remember("products", 1, String.class, () -> "p1");

            redis.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> gauge(registry, LaminaMeterNames.BUS_HEALTHY) == 0.0);
            assertThat(node(registry, LaminaMeterNames.L1_FLUSHES)).isEqualTo(2.0);   // the gap began
            for (int i = 0; i < 20; i++) {
                assertThat(cache.remember("products", 100 + i, String.class, () -> "local")).isEqualTo("local");
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    gauge(registry, LaminaMeterNames.BREAKER_STATE, "state", "closed") == 0.0);
            assertThat(counter(registry, LaminaMeterNames.REMOTE_ERRORS)).isGreaterThanOrEqualTo(5.0);
            assertThat(node(registry, LaminaMeterNames.INVALIDATIONS, "result", "failed")).isZero();
            cache.invalidateTags("category:7");
            // the tag's new version and its publish both fail: two invalidation writes Redis did not take
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    node(registry, LaminaMeterNames.INVALIDATIONS, "result", "failed") == 2.0);
            assertThat(node(registry, LaminaMeterNames.BUS_RECONNECTS)).isZero();

            redis.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> gauge(registry, LaminaMeterNames.BUS_HEALTHY) == 1.0);
            assertThat(node(registry, LaminaMeterNames.BUS_RECONNECTS)).isEqualTo(1.0);
            assertThat(node(registry, LaminaMeterNames.L1_FLUSHES)).isEqualTo(3.0);   // and it ended
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                cache.remember("products", 1000, String.class, () -> "probe");
                return gauge(registry, LaminaMeterNames.BREAKER_STATE, "state", "closed") == 1.0;
            });
            assertThat(cache.nodeStats().busReconnects()).isEqualTo(1);
        }
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tag("cache", "products").tags(tags).functionCounter().count();
    }

    private static double node(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }
}
