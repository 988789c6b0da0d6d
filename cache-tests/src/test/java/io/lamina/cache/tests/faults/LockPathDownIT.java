package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.BreakerState;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The lock path down while the data path works (Redisson's connections cut by a proxy, Lettuce's direct): the lock's
 * health never blocks reads. Misses go on without the lock (counted), the fill lease still makes one load per key
 * across nodes, the other nodes read it from L2, and the data breaker never opens.
 */
@RedisTest(owned = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class LockPathDownIT {

    private static final int NODES = 2;
    private static final int THREADS_PER_NODE = 6;
    private static final int KEYS = 40;

    private FaultProxy lockProxy;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<CacheTemplate> nodes = new ArrayList<>();
    private final List<RedisTier> tiers = new ArrayList<>();

    @BeforeAll
    void startNodes(OwnedRedisServer redis, @RedisNamespace String namespace) {
        lockProxy = FaultProxy.start(redis.host(), redis.port());
        for (int i = 0; i < NODES; i++) {
            RedisClient lettuce = RedisClient.create(redis.uri());
            lettuce.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(300)))
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            Config config = new Config();
            config.setCodec(org.redisson.client.codec.StringCodec.INSTANCE);
            config.setNettyThreads(2);
            config.setThreads(2);
            config.useSingleServer().setAddress(lockProxy.uri()).setTimeout(300).setConnectTimeout(3_000).setRetryAttempts(0)
                    .setConnectionMinimumIdleSize(1).setConnectionPoolSize(4)
                    .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(2);
            RedissonClient redisson = Redisson.create(config);
            RedisTier tier = RedisTier.builder().uri(redis.uri()).clients(lettuce, redisson).commandTimeout(Duration.ofMillis(300)).build();
            CacheTemplate node = CacheTemplate.builder().namespace(namespace).remote(tier)
                    .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(3)).build()).build();
            tiers.add(tier);
            nodes.add(node);
            open.add(node);
            open.add(redisson::shutdown);
            open.add(lettuce::shutdown);
        }
    }

    @AfterAll
    void closeNodes() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        lockProxy.close();
    }

    @Test
    void lockConnectionsCut_coldKeysFromManyThreadsOnTwoNodes_loadOncePerKey_andTheDataBreakerStaysClosed() throws Exception {
        lockProxy.newConnections(FaultProxy.NewConnections.REFUSE);
        lockProxy.resetAll();                                   // Redisson's pool is gone and cannot come back

        Map<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(NODES * THREADS_PER_NODE);
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (CacheTemplate node : nodes) {
            for (int t = 0; t < THREADS_PER_NODE; t++) {
                workers.add(pool.submit(() -> {
                    gate.await();
                    for (int k = 0; k < KEYS; k++) {
                        int key = k;
                        try {
                            String v = node.remember("products", key, String.class, () -> {
                                loads.computeIfAbsent(key, x -> new AtomicInteger()).incrementAndGet();
                                Thread.sleep(20);   // a load that takes a while, so the other callers overlap it
                                return "value-" + key;
                            });
                            if (!("value-" + key).equals(v)) {
                                errors.add(new AssertionError("wrong value " + v + " for " + key));
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                    return null;
                }));
            }
        }
        gate.countDown();
        for (Future<?> w : workers) {
            w.get(40, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        assertThat(errors).as("no caller saw an exception or a wrong value").isEmpty();
        assertThat(loads).hasSize(KEYS);
        assertThat(loads.values()).as("one load per key across both nodes: the fill lease stands in for the lock")
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        long fallbacks = 0;
        long l2Hits = 0;
        for (CacheTemplate node : nodes) {
            fallbacks += ((DefaultCacheTemplate) node).counters("products").lockFallbacks();
            l2Hits += node.stats("products").l2Hits();
        }
        assertThat(fallbacks).as("misses that went on without the lock, counted").isPositive();
        assertThat(l2Hits).as("the node that did not load read the value from L2").isGreaterThanOrEqualTo(KEYS);
        for (int i = 0; i < NODES; i++) {
            assertThat(tiers.get(i).breakerState()).as("the data breaker never opened for the lock's failures").isEqualTo(BreakerState.CLOSED);
            assertThat(nodes.get(i).nodeStats().breakerState()).isEqualTo(BreakerState.CLOSED);
        }
        assertThat(nodes.stream().map(n -> n.nodeStats().lockBreakerState()))
                .as("the lock's own breaker shows the lock path down").anyMatch(s -> s != BreakerState.CLOSED);
    }
}
