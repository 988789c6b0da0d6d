package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.OwnedRedisCluster;
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
 * Failovers of a real Redis Cluster under a 4-thread load on 1 000 keys: a coordinated {@code CLUSTER FAILOVER},
 * then a primary SIGKILLed (its replica promoted). Each time: callers see no exception and no call waits longer
 * than the configured timeouts allow; L2 works again on the failed-over shard within promotion + topology refresh
 * + 2 s; writes made around the failover are never undone (a lost invalidation never brings an old value back);
 * and nodes that were idle through it still load a cold key exactly once.
 */
@RedisTest
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);
    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(1)).build();
    /** What one remember may take at most: the lock wait (1 s) and a few command timeouts (NamedCache's own bound). */
    private static final long CALL_BOUND_MILLIS = 1000 + 3 * COMMAND_TIMEOUT.toMillis() + 1000;

    private final OwnedRedisCluster cluster;
    private TopologyNodes nodes;
    private SlotMap slots;

    ClusterFailoverIT(OwnedRedisCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void setUp(@RedisNamespace String namespace) {
        cluster.awaitHealthy(Duration.ofSeconds(30));
        nodes = TopologyNodes.cluster(cluster.seedUris(), namespace + "-" + System.nanoTime());
        slots = new SlotMap(cluster.seedUris());
    }

    /** The load of the running scenario: stopped after each test even when an assertion failed half-way. */
    private Load running;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (running != null) {
            running.close();
        }
        nodes.close();
        slots.close();
    }

    @Test
    @Order(1)
    void clusterFailover_underLoad_keepsEveryPromise() throws Exception {
        RedisNode primary = cluster.primaries().get(0);
        RedisNode replica = cluster.replicasOf(primary).get(0);
        Scenario s = new Scenario(primary);
        long began = System.nanoTime();
        Thread failover = new Thread(() -> cluster.failover(replica, Duration.ofSeconds(20)));
        failover.start();
        s.writeDuring(() -> failover.isAlive());
        failover.join(30_000);
        long promotedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        s.checkAfter(replica, promotedMillis, false);
    }

    @Test
    @Order(2)
    void primaryKilled_underLoad_keepsEveryPromise_andLostInvalidationsAreMadeAgain() throws Exception {
        RedisNode primary = cluster.primaries().get(1);
        RedisNode replica = cluster.replicasOf(primary).get(0);
        Scenario s = new Scenario(primary);
        // make the replica miss the writes that follow, as asynchronous replication does when a primary dies: it is
        // paused (so it cannot reconnect) and its link is closed (so nothing more reaches even its socket buffer)
        replica.pause();
        primary.call("CLIENT", "KILL", "TYPE", "replica");
        try {
            s.writeDuring(() -> false);
        } finally {
            primary.kill();
            replica.resume();
        }
        long began = System.nanoTime();
        RedisNode promoted = cluster.awaitPromotionAfterKill(primary, Duration.ofSeconds(30));
        long promotedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertThat(promoted).isEqualTo(replica);
        s.checkAfter(promoted, promotedMillis, true);
        primary.start();   // back as a replica, for a healthy cluster afterwards
    }

    /** The nodes, the load and the writes of one failover. */
    private final class Scenario {
        final RedisNode shard;
        final CacheTemplate a = nodes.node(OPTIONS);
        final CacheTemplate b = nodes.node(OPTIONS);
        final List<CacheTemplate> idle = new ArrayList<>();
        final List<Integer> written = new ArrayList<>();
        final Load load;

        Scenario(RedisNode shard) {
            this.shard = shard;
            for (int i = 0; i < 4; i++) {
                CacheTemplate node = nodes.node(OPTIONS);
                node.remember("warm", 1, String.class, () -> "connected");
                idle.add(node);
            }
            load = new Load(List.of(a, b), "c", 1000, 4);
            running = load;
            await().atMost(Duration.ofSeconds(30)).until(() -> load.calls.get() > 500);
            for (int k = 0; written.size() < 20 && k < 1000; k++) {
                if (slots.servedBy(nodes.entryKey("c", k), shard)) {
                    int key = k;
                    a.remember("c", key, String.class, () -> load.database.get(key));
                    written.add(k);
                }
            }
            shard.call("WAIT", "1", "2000");   // the replica has every entry so far
        }

        /** Puts (the first half) and invalidations (the second half) of keys on the shard, after the database changed. */
        void writeDuring(java.util.function.BooleanSupplier more) throws InterruptedException {
            int round = 0;
            do {
                round++;
                for (int i = 0; i < written.size(); i++) {
                    int key = written.get(i);
                    String value = "v" + (round + 1) + "-" + key;
                    load.database.put(key, value);
                    if (i < written.size() / 2) {
                        a.put("c", key, value);
                    } else {
                        a.invalidate("c", key);
                    }
                }
                Thread.sleep(50);
            } while (more.getAsBoolean());
        }

        void checkAfter(RedisNode newPrimary, long promotedMillis, boolean killed) throws Exception {
            long promoted = System.nanoTime();
            slots.refresh();
            // L2 on the shard works again: a value node a stores is read by node b from Redis, not loaded
            AtomicInteger probe = new AtomicInteger();
            await().atMost(TOPOLOGY_REFRESH.plusSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
                String key = keyOn("probe", newPrimary, probe.incrementAndGet());
                a.remember("probe", key, String.class, () -> "stored");
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
            if (killed) {
                await().atMost(Duration.ofSeconds(10)).until(() -> nodes.tier(0).failoverReplays() > 0);
            }
            // no write is undone: every node, and a node that starts now, serves what the database holds
            CacheTemplate fresh = nodes.node(OPTIONS);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (int key : written) {
                    String expected = load.database.get(key);
                    assertThat(fresh.remember("c", key, String.class, () -> load.database.get(key))).as("fresh node, key %s", key)
                            .isEqualTo(expected);
                    assertThat(a.remember("c", key, String.class, () -> load.database.get(key))).as("node a, key %s", key)
                            .isEqualTo(expected);
                    assertThat(b.remember("c", key, String.class, () -> load.database.get(key))).as("node b, key %s", key)
                            .isEqualTo(expected);
                }
            });
            // nodes idle through the failover still load a cold key on that shard once in the whole cluster, once their
            // periodic topology refresh has run (before it, an idle node's first call may go to the dead primary, fail,
            // and be loaded locally: a counted miss, as for any failed read)
            long idleFor = TOPOLOGY_REFRESH.plusSeconds(1).toNanos() - (System.nanoTime() - promoted);
            if (idleFor > 0) {
                TimeUnit.NANOSECONDS.sleep(idleFor);
            }
            assertThat(Stampede.loads(idle, "c", keyOn("c", newPrimary, 100_000), 25)).as("stampede loads").isEqualTo(1);
            System.out.printf("failover: promoted in %d ms, L2 back %d ms later, %d calls, slowest %d ms, %d loads%n",
                    promotedMillis, l2BackMillis, load.calls.get(), load.slowestMillis(), load.loads.get());
        }

        String keyOn(String cache, RedisNode primary, int from) {
            for (int i = from; ; i++) {
                if (slots.servedBy(nodes.entryKey(cache, "p" + i), primary)) {
                    return "p" + i;
                }
            }
        }
    }
}
