package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, items 9 and 10 against a real Redis with two nodes: records of the same simple name are two entries,
 * and a value the codec would write as {@code {}} (a lambda) is never stored, while its caller still gets it.
 */
@RedisTest
@Timeout(30)
class KeyCollisionAndUnstorableIT {

    static final class Billing {
        record Key(String id) {
        }
    }

    static final class Shipping {
        record Key(String id) {
        }
    }

    record Job(String name, Runnable task) {
    }

    private Nodes nodes;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    @Test
    void recordsWithTheSameSimpleName_areTwoEntries_onEveryNode() {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).build();
        CacheTemplate a = nodes.node(options);
        CacheTemplate b = nodes.node(options);
        AtomicInteger loads = new AtomicInteger();

        assertThat(a.remember("accounts", new Billing.Key("1"), String.class, () -> "billing-" + loads.incrementAndGet()))
                .isEqualTo("billing-1");
        assertThat(a.remember("accounts", new Shipping.Key("1"), String.class, () -> "shipping-" + loads.incrementAndGet()))
                .isEqualTo("shipping-2");
        // the other node reads both from Redis, each its own
        assertThat(b.remember("accounts", new Billing.Key("1"), String.class, () -> "billing-again")).isEqualTo("billing-1");
        assertThat(b.remember("accounts", new Shipping.Key("1"), String.class, () -> "shipping-again")).isEqualTo("shipping-2");
        assertThat(loads).hasValue(2);
        assertThat(b.stats("accounts").l2Hits()).isEqualTo(2);
        // no KEYS here: the suite shares servers, and TagsAcrossNodesIT proves Lamina never runs KEYS or SCAN
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("accounts", "Key(1)")))).as("the old, shared form").isZero();
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("accounts", Billing.Key.class.getName() + "(1)")))).isEqualTo(1);
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("accounts", Shipping.Key.class.getName() + "(1)")))).isEqualTo(1);
    }

    @Test
    void aValueHoldingALambda_isServedToItsCaller_butNeverStored_andCounted() {
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).build();
        CacheTemplate a = nodes.node(options);
        CacheTemplate b = nodes.node(options);
        Runnable task = () -> { };

        Job served = a.remember("jobs", "j1", Job.class, () -> new Job("j1", task));
        assertThat(served.task()).isSameAs(task);
        assertThat(a.stats("jobs").decodeFailures()).as("the unstorable value is counted").isEqualTo(1);
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("jobs", "j1")))).as("nothing unreadable in Redis").isZero();

        // the other node finds nothing and loads its own; a value without a lambda is stored as usual
        AtomicInteger loads = new AtomicInteger();
        assertThat(b.remember("jobs", "j1", Job.class, () -> {
            loads.incrementAndGet();
            return new Job("j1", null);
        }).task()).isNull();
        assertThat(loads).hasValue(1);
        assertThat(b.stats("jobs").decodeFailures()).isZero();
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("jobs", "j1")))).isEqualTo(1);
    }
}
