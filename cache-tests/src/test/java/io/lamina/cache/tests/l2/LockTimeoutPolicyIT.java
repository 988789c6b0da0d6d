package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheLockTimeoutException;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.ManualClock;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a node does when another node's load of the same key holds the lock past lockWait. */
@RedisTest
@Timeout(30)
class LockTimeoutPolicyIT {

    private Nodes nodes;
    private ExecutorService pool;
    private CountDownLatch holderLoading;
    private CountDownLatch releaseHolder;
    private Future<String> holder;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
        pool = Executors.newFixedThreadPool(2);
        holderLoading = new CountDownLatch(1);
        releaseHolder = new CountDownLatch(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        releaseHolder.countDown();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        nodes.close();
    }

    private void holderLoads(CacheTemplate node, String key) throws InterruptedException {
        holder = pool.submit(() -> node.remember("products", key, String.class, () -> {
            holderLoading.countDown();
            releaseHolder.await(20, TimeUnit.SECONDS);
            return "holder's value";
        }));
        assertThat(holderLoading.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private static CacheOptions policy(LockTimeoutPolicy policy) {
        return CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofMillis(200)).onLockTimeout(policy)
                .failSafe(Duration.ofHours(1)).build();
    }

    @Test
    void fail_throwsCacheLockTimeoutException_andCachesNothing() throws Exception {
        holderLoads(nodes.node(policy(LockTimeoutPolicy.FAIL)), "k");
        CacheTemplate waiter = nodes.node(policy(LockTimeoutPolicy.FAIL));

        assertThatThrownBy(() -> waiter.remember("products", "k", String.class, () -> "waiter's value"))
                .isInstanceOf(CacheLockTimeoutException.class).hasMessageContaining("lockWait");
        releaseHolder.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("holder's value");
        assertThat(waiter.remember("products", "k", String.class, () -> "waiter's value")).isEqualTo("holder's value");
    }

    @Test
    void load_loadsAnyway_butDoesNotOverwriteTheHoldersFill() throws Exception {
        holderLoads(nodes.node(policy(LockTimeoutPolicy.LOAD)), "k");
        CacheTemplate waiter = nodes.node(policy(LockTimeoutPolicy.LOAD));

        assertThat(waiter.remember("products", "k", String.class, () -> "waiter's value")).isEqualTo("waiter's value");
        releaseHolder.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("holder's value");
        CacheTemplate fresh = nodes.node(policy(LockTimeoutPolicy.LOAD));
        assertThat(fresh.remember("products", "k", String.class, () -> "third")).isEqualTo("holder's value");
    }

    @Test
    void stale_servesTheFailSafeValue_whenThereIsOne() throws Exception {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        CacheTemplate writer = nodes.node(policy(LockTimeoutPolicy.STALE), clock, b -> b);
        writer.put("products", "k", "old value", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(30));              // logically expired, kept by the fail-safe window

        CacheTemplate holderNode = nodes.node(policy(LockTimeoutPolicy.STALE), clock, b -> b);
        holderLoads(holderNode, "k");
        CacheTemplate waiter = nodes.node(policy(LockTimeoutPolicy.STALE), clock, b -> b);

        assertThat(waiter.remember("products", "k", String.class, () -> "waiter's value")).isEqualTo("old value");
        releaseHolder.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("holder's value");
    }
}
