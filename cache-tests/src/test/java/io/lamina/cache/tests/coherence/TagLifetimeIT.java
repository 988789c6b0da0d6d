package io.lamina.cache.tests.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tag in use never expires in Redis. Tag versions live {@code tagTtl} after they were last kept alive, and an entry
 * whose tag Redis lost counts as invalidated; if loads on a node that already knows a tag did not keep it alive, a
 * node that starts later (or forgets its versions after a gap) would find every entry of a long-lived cache invalid
 * and reload them all at once. Real Redis TTLs, so this test lets real time pass (a short tagTtl of 2 s).
 */
@RedisTest
@Timeout(60)
class TagLifetimeIT {

    private final List<CacheTemplate> open = new ArrayList<>();

    @AfterEach
    void tearDown() {
        open.forEach(CacheTemplate::close);
    }

    private CacheTemplate node(RedisServer redis, String namespace) {
        CacheTemplate t = CacheTemplate.builder().namespace(namespace).remote(RedisTier.create(redis.uri()))
                .tagTtl(Duration.ofSeconds(2)).defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build()).build();
        open.add(t);
        return t;
    }

    @Test
    void tagsKeptInUseByLoads_outliveTagTtl_soALaterNodeFindsTheOldEntriesValid(RedisServer redis,
            @RedisNamespace String namespace) {
        String ns = namespace + "-" + System.nanoTime();
        CacheTemplate early = node(redis, ns);
        AtomicInteger loads = new AtomicInteger();
        early.remember("products", 1, String.class, ctx -> {
            loads.incrementAndGet();
            ctx.tags("category:7");
            return "p1";
        });

        // for 1.5 tagTtl, the early node keeps loading other entries with the same tag (it knows its version)
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger(100);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            early.remember("products", next.incrementAndGet(), String.class, ctx -> {
                ctx.tags("category:7");
                return "other";
            });
            return System.nanoTime() - start > Duration.ofSeconds(3).toNanos();
        });

        // a node that starts now reads entry 1, stored 3 s ago: its tags must still be the current ones
        CacheTemplate late = node(redis, ns);
        assertThat(late.remember("products", 1, String.class, () -> {
            loads.incrementAndGet();
            return "reloaded";
        })).isEqualTo("p1");
        CacheStats stats = late.stats("products");
        assertThat(stats.l2Hits()).isEqualTo(1);
        assertThat(stats.loads()).isZero();
        assertThat(loads).hasValue(1);
    }
}
