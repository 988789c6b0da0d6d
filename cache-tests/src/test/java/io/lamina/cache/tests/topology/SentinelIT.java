package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.BreakerState;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisSentinel;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Lamina on a real Sentinel group (1 primary, 1 replica, 3 sentinels, started once for the class): every operation
 * works on the primary; a stalled replica never blocks fills or locks; and through a graceful
 * {@code SENTINEL FAILOVER} and a SIGKILLed primary, under a 4-thread load, callers see no exception, no call waits
 * longer than the timeouts allow, L2 is used again within promotion + 2 s, writes made during the failover survive
 * it, and idle nodes still load a cold key once.
 */
@RedisTest
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(1)).build();
    /** What one remember may take at most: the lock wait (1 s) and a few command timeouts (NamedCache's own bound). */
    private static final long CALL_BOUND_MILLIS = 1000 + 3 * 500 + 1000;

    private final OwnedRedisSentinel group;
    private TopologyNodes nodes;

    SentinelIT(OwnedRedisSentinel group) {
        this.group = group;
    }

    @BeforeEach
    void setUp(@RedisNamespace String namespace) {
        group.awaitHealthy(Duration.ofSeconds(30));
        nodes = TopologyNodes.sentinel(group.sentinelUri(), namespace + "-" + System.nanoTime());
    }

    /** The load of the running scenario: stopped after each test even when an assertion failed half-way. */
    private Load running;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (running != null) {
            running.close();
        }
        nodes.close();
    }

    @Test
    @Order(1)
    void everyOperation_worksOnThePrimary_acrossNodes() throws Exception {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
        AtomicInteger loads = new AtomicInteger();
        for (int k = 0; k < 20; k++) {
            int key = k;
            a.remember("c", key, String.class, ctx -> {
                ctx.tags("group:" + (key % 2));
                return "v1-" + key + "#" + loads.incrementAndGet();
            });
        }
        RedisNode primary = group.primary();
        for (int k = 0; k < 20; k++) {
            assertThat(primary.call("EXISTS", nodes.entryKey("c", k))).isEqualTo("1");
            assertThat(b.remember("c", k, String.class, () -> "loaded again")).startsWith("v1-" + k + "#");
        }
        assertThat(loads).hasValue(20);
        b.invalidateTags("group:0");
        b.put("c", 1, "put by b");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(a.remember("c", 0, String.class, () -> "v2")).isEqualTo("v2");
            assertThat(a.remember("c", 1, String.class, () -> "v2")).isEqualTo("put by b");
            assertThat(a.remember("c", 3, String.class, () -> "v2")).startsWith("v1-3#");
        });
        assertThat(Stampede.loads(nodes.nodes(4, OPTIONS), "c", "hot", 50)).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aStalledReplica_neverBlocksFillsOrLocks() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        a.remember("warm", 1, String.class, () -> "connected");
        RedisNode replica = group.replica();
        replica.pause();
        try {
            long[] took = new long[8];
            for (int k = 0; k < 8; k++) {
                int key = k;
                long start = System.nanoTime();
                assertThat(a.remember("c", key, String.class, () -> "v" + key)).isEqualTo("v" + key);
                took[k] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(b.remember("c", key, String.class, () -> "loaded twice")).as("read by b from L2").isEqualTo("v" + key);
            }
            // the finding: every miss took the WAIT timeout (1 s, then 2.1-2.6 s with NoSyncedSlavesException)
            java.util.Arrays.sort(took);
            System.out.println("misses with stalled replicas (ms): " + java.util.Arrays.toString(took));
            assertThat(took[4]).as("median miss (ms)").isLessThan(500);
            assertThat(took[7]).as("slowest miss (ms)").isLessThan(2000);
            assertThat(a.stats("c").lockTimeouts()).isZero();
            assertThat(a.stats("c").l2Errors()).isZero();
            assertThat(b.stats("c").l2Hits()).isEqualTo(8);
        } finally {
            replica.resume();
        }
    }

    @Test
    @Order(3)
    void gracefulSentinelFailover_underLoad_keepsEveryWriteMadeDuringIt() throws Exception {
        Scenario s = new Scenario();
        long began = System.nanoTime();
        Thread failover = new Thread(() -> group.sentinelFailover(Duration.ofSeconds(30)));
        failover.start();
        s.writeDuring(failover::isAlive);
        failover.join(40_000);
        s.checkAfter(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    @Test
    @Order(4)
    void primaryKilled_underLoad_keepsEveryPromise() throws Exception {
        Scenario s = new Scenario();
        s.writeDuring(() -> false);
        long began = System.nanoTime();
        RedisNode killed = group.killPrimary();
        group.awaitFailover(Duration.ofSeconds(30));
        long promotedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        s.checkAfter(promotedMillis);
        killed.start();   // back as a replica
    }

    @Test
    @Order(5)
    void anUnknownPrimaryName_isReportedByName() {
        String uri = group.sentinelUri().replace("#" + group.masterName(), "#no-such-primary");
        try (LogCapture log = new LogCapture();
             CacheTemplate t = CacheTemplate.builder().namespace(nodes.namespace())
                     .remote(RedisTier.builder().uri(uri).commandTimeout(Duration.ofMillis(500)).build())
                     .defaults(OPTIONS).build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(t.remember("c", i, String.class, () -> "from the loader")).isEqualTo("from the loader");
            }
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("no-such-primary"));
            await().atMost(Duration.ofSeconds(5)).until(() -> t.nodeStats().breakerState() == BreakerState.OPEN);
        }
    }

    /** Nodes, a load and writes around one failover. */
    private final class Scenario {
        final CacheTemplate a = nodes.node(OPTIONS);
        final CacheTemplate b = nodes.node(OPTIONS);
        final List<CacheTemplate> idle = new ArrayList<>();
        final Load load;
        int round;

        Scenario() {
            for (int i = 0; i < 4; i++) {
                CacheTemplate node = nodes.node(OPTIONS);
                node.remember("warm", 1, String.class, () -> "connected");
                idle.add(node);
            }
            load = new Load(List.of(a, b), "c", 1000, 4);
            running = load;
            await().atMost(Duration.ofSeconds(30)).until(() -> load.calls.get() > 500);
            for (int key = 0; key < 20; key++) {
                int k = key;
                a.remember("c", k, String.class, () -> load.database.get(k));
            }
        }

        /** 10 puts and 10 invalidations, after the database changed, again and again while {@code more}. */
        void writeDuring(java.util.function.BooleanSupplier more) throws InterruptedException {
            do {
                round++;
                for (int key = 0; key < 20; key++) {
                    String value = "w" + round + "-" + key;
                    load.database.put(key, value);
                    if (key < 10) {
                        a.put("c", key, value);
                    } else {
                        a.invalidate("c", key);
                    }
                }
                Thread.sleep(20);
            } while (more.getAsBoolean());
        }

        void checkAfter(long promotedMillis) throws Exception {
            long promoted = System.nanoTime();
            AtomicInteger probe = new AtomicInteger();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
                // L2 itself (not the lock, which the next stampede checks): what a writes, b reads from Redis
                String key = "probe-" + probe.incrementAndGet();
                a.put("probe", key, "stored");
                long before = b.stats("probe").l2Hits();
                b.remember("probe", key, String.class, () -> "loaded again");
                return b.stats("probe").l2Hits() == before + 1;
            });
            long l2BackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promoted);
            writeDuring(() -> false);   // and once more now that L2 is back: these must reach every node too
            load.close();
            assertThat(load.errors).as("exceptions callers saw").isEmpty();
            assertThat(load.errorCount).hasValue(0);
            assertThat(load.slowestMillis()).as("slowest call (ms)").isLessThanOrEqualTo(CALL_BOUND_MILLIS);
            CacheTemplate fresh = nodes.node(OPTIONS);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (int key = 0; key < 20; key++) {
                    int k = key;
                    String expected = load.database.get(k);
                    assertThat(fresh.remember("c", k, String.class, () -> load.database.get(k))).as("fresh node, key %s", k)
                            .isEqualTo(expected);
                    assertThat(a.remember("c", k, String.class, () -> load.database.get(k))).as("node a, key %s", k).isEqualTo(expected);
                    assertThat(b.remember("c", k, String.class, () -> load.database.get(k))).as("node b, key %s", k).isEqualTo(expected);
                }
            });
            assertThat(Stampede.loads(idle, "c", "cold-" + System.nanoTime(), 25)).as("stampede loads").isEqualTo(1);
            System.out.printf("sentinel failover: switched in %d ms, L2 back %d ms later, %d calls, slowest %d ms, %d loads%n",
                    promotedMillis, l2BackMillis, load.calls.get(), load.slowestMillis(), load.loads.get());
        }
    }
}
