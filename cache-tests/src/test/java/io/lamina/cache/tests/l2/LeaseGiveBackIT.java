package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A load that ends without filling gives its fill lease back: the next miss of the key, on another node, loads at
 * once instead of waiting out {@code lockWait} for a lease nobody will fill.
 */
@RedisTest
@Timeout(60)
class LeaseGiveBackIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(1)).lockWait(Duration.ofSeconds(5)).build();

    private Nodes nodes;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    void aFailedLoad_leavesNoLease_soAnotherNodeLoadsAtOnce() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        assertThatThrownBy(() -> a.remember("c", 1, String.class, () -> {
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> nodes.redis().exists(Nodes.bytes(nodes.namespace() + ":f:{c:1}")) == 0);
        AtomicInteger loads = new AtomicInteger();
        long start = System.nanoTime();
        assertThat(b.remember("c", 1, String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no wait for a dead lease (ms)").isLessThan(2_500);
        assertThat(b.stats("c").lockWaits()).isZero();
        assertThat(a.remember("c", 1, String.class, () -> "v" + loads.incrementAndGet())).as("a reads b's value").isEqualTo("v1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aFailedBulkLoad_leavesNoLeases_soAnotherNodeLoadsTheBatchAtOnce() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        java.util.List<Integer> ids = java.util.List.of(1, 2, 3);
        assertThatThrownBy(() -> a.rememberAll("bulk", ids, String.class, missing -> {
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> nodes.redis().exists(Nodes.bytes(nodes.namespace() + ":f:{bulk:1}"), Nodes.bytes(nodes.namespace() + ":f:{bulk:2}"),
                        Nodes.bytes(nodes.namespace() + ":f:{bulk:3}")) == 0);
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        java.util.Map<Integer, String> page = b.rememberAll("bulk", ids, String.class, missing -> {
            calls.incrementAndGet();
            java.util.Map<Integer, String> found = new java.util.HashMap<>();
            missing.forEach(id -> found.put(id, "v" + id));
            return found;
        });
        assertThat(page).containsExactly(java.util.Map.entry(1, "v1"), java.util.Map.entry(2, "v2"), java.util.Map.entry(3, "v3"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no wait for dead leases (ms)").isLessThan(2_500);
        assertThat(calls).hasValue(1);
    }
}
