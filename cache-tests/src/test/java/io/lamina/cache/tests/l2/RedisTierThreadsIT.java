package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which threads the Redis tier's two clients run on, and that closing it is bounded whatever Redis does.
 */
@RedisTest
@Timeout(60)
class RedisTierThreadsIT {

    @Test
    void lockCalls_madeOnALettuceIoThread_runAndCompleteOnLaminasOwnThreads(RedisServer redis, @RedisNamespace String namespace)
            throws Exception {
        // replies delayed: the GET is still on its way when the continuation is attached, so it runs on a Lettuce thread
        try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
             RedisTier tier = RedisTier.create(proxy.uri())) {
            proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.latency(java.time.Duration.ofMillis(50)));
            RemoteKey key = new RemoteKey(namespace, "c", "k");
            String[] threads = new String[2];
            DistributedLock.Handle handle = tier.get(key).toCompletableFuture()
                    .thenCompose(ignored -> {
                        threads[0] = Thread.currentThread().getName();   // a Lettuce I/O thread: the lock is asked from here
                        return tier.lock().tryLock(key, Duration.ofSeconds(1), Duration.ofSeconds(5));
                    })
                    .thenApply(h -> {
                        threads[1] = Thread.currentThread().getName();
                        return h;
                    })
                    .get(10, TimeUnit.SECONDS);
            assertThat(handle.acquired()).isTrue();
            assertThat(threads[0]).startsWith("lettuce-");
            assertThat(threads[1]).as("the thread the lock's outcome is handed back on").startsWith("lamina-redis-lock-");
            handle.unlock().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(tier.unlockFailures()).isZero();
        }
    }

    @Test
    void close_isBounded_whenRedisStopsAnswering(RedisServer redis, @RedisNamespace String namespace) throws Exception {
        try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
            RedisTier tier = RedisTier.builder().uri(proxy.uri()).build();
            CacheTemplate cache = CacheTemplate.builder().namespace(namespace).remote(tier)
                    .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(1)).build()).build();
            assertThat(cache.remember("c", 1, String.class, () -> "v")).isEqualTo("v");
            proxy.mode(FaultProxy.Mode.DROP);
            proxy.newConnections(FaultProxy.NewConnections.BLACKHOLE);
            long start = System.nanoTime();
            cache.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("close (ms)").isLessThan(12_000);
        }
    }
}
