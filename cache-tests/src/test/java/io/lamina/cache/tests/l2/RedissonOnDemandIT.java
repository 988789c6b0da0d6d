package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redisson client (the lock's) is built only once a miss first goes to Redis: a tier that only puts and reads
 * never builds it, so startup never pays for it.
 */
@RedisTest
@Timeout(60)
class RedissonOnDemandIT {

    private static long redissonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("lamina-redisson-start") || t.getName().startsWith("redisson-netty")).count();
    }

    @Test
    void theLockClient_isBuiltOnTheFirstMissThatGoesToRedis_notWhenTheTierIs(RedisServer redis, @RedisNamespace String namespace) {
        // other test classes' clients are closed by now; their threads end within a few seconds
        await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(500)).until(() -> redissonThreads() == 0);
        try (CacheTemplate node = CacheTemplate.builder().namespace(namespace).remote(RedisTier.create(redis.uri())).build()) {
            node.put("products", 1, "put");
            assertThat(node.getIfPresent("products", 1, String.class).value()).isEqualTo("put");
            assertThat(node.remember("products", 1, String.class, () -> "loaded")).isEqualTo("put");   // an L1 hit
            assertThat(redissonThreads()).as("no Redisson client before a miss went to Redis").isZero();

            assertThat(node.remember("products", 2, String.class, () -> "loaded")).isEqualTo("loaded");
            await().atMost(Duration.ofSeconds(20)).until(() -> redissonThreads() > 0);
        }
    }
}
