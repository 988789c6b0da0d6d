package io.lamina.cache.tests.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
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
 * Multi-tenant use is a namespace per tenant (issue 14): two tenants, two nodes each, on one Redis, with the same cache
 * names, keys and tags. Neither ever sees the other's entries, tags, invalidations or bus messages.
 */
@RedisTest
@Timeout(60)
class TenantIsolationIT {

    private final List<CacheTemplate> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(CacheTemplate::close);
    }

    private CacheTemplate node(RedisServer redis, String namespace) {
        CacheTemplate t = CacheTemplate.builder().namespace(namespace).remote(RedisTier.create(redis.uri()))
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build())
                .busCheckInterval(Duration.ofMillis(100)).build();
        open.add(t);
        return t;
    }

    @Test
    void twoTenants_onOneRedis_neverSeeEachOthersEntriesTagsOrInvalidations(RedisServer redis, @RedisNamespace String ns) {
        CacheTemplate a1 = node(redis, ns + "-tenant-a");
        CacheTemplate a2 = node(redis, ns + "-tenant-a");
        CacheTemplate b1 = node(redis, ns + "-tenant-b");
        CacheTemplate b2 = node(redis, ns + "-tenant-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> open.stream().allMatch(n -> n.nodeStats().busHealthy()));
        AtomicInteger loadsB = new AtomicInteger();

        assertThat(a1.remember("orders", 1, String.class, ctx -> {
            ctx.tags("customer:7");
            return "a's order";
        })).isEqualTo("a's order");
        assertThat(b1.remember("orders", 1, String.class, ctx -> {
            loadsB.incrementAndGet();
            ctx.tags("customer:7");
            return "b's order";
        })).as("the same cache, key and tag in tenant b").isEqualTo("b's order");
        assertThat(b2.remember("orders", 1, String.class, () -> "loaded")).as("b's other node reads b's entry").isEqualTo("b's order");
        assertThat(a2.remember("orders", 1, String.class, () -> "loaded")).isEqualTo("a's order");

        long bReceived = b1.nodeStats().invalidationsReceived() + b2.nodeStats().invalidationsReceived();
        a1.invalidateTags("customer:7");
        a1.invalidateAll("orders");
        a1.put("orders", 2, "a's put");
        a1.invalidate("orders", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> a2.nodeStats().invalidationsReceived() >= 4);

        assertThat(b1.nodeStats().invalidationsReceived() + b2.nodeStats().invalidationsReceived())
                .as("bus messages of tenant a applied in tenant b").isEqualTo(bReceived);
        assertThat(b1.remember("orders", 1, String.class, () -> "reloaded")).isEqualTo("b's order");
        assertThat(b2.remember("orders", 1, String.class, () -> "reloaded")).isEqualTo("b's order");
        assertThat(b2.remember("orders", 2, String.class, () -> "b's own")).as("a's put").isEqualTo("b's own");
        assertThat(loadsB).hasValue(1);
        assertThat(a2.remember("orders", 1, String.class, () -> "a reloaded")).isEqualTo("a reloaded");
    }
}
