package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.BreakerState;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisCluster;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lamina on a real Redis Cluster (3 primaries, 3 replicas, started once for the class): every operation works,
 * values really sit on every primary, the lock and the bus work across nodes, tags span slots; and a wrong
 * configuration says what is wrong instead of turning every call into a silent miss.
 */
@RedisTest
@Timeout(120)
class ClusterIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(10)).build();

    private final OwnedRedisCluster cluster;
    private TopologyNodes nodes;

    ClusterIT(OwnedRedisCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void setUp(@RedisNamespace String namespace) {
        nodes = TopologyNodes.cluster(cluster.seedUris(), namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    void entries_spreadOverEveryPrimary_areInRedis_andServedToAnotherNodeWithoutLoading() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        AtomicInteger loads = new AtomicInteger();
        for (int k = 0; k < 60; k++) {
            int key = k;
            assertThat(a.remember("products", key, String.class, () -> "p" + key + "#" + loads.incrementAndGet())).startsWith("p" + k);
        }
        assertThat(loads).hasValue(60);
        Map<Integer, Integer> perPrimary = new HashMap<>();
        for (int k = 0; k < 60; k++) {
            String entry = nodes.entryKey("products", k);
            RedisNode owner = cluster.primaryForKey(entry);
            assertThat(owner.call("EXISTS", entry)).as("%s on %s", entry, owner).isEqualTo("1");
            perPrimary.merge(owner.port(), 1, Integer::sum);
        }
        assertThat(perPrimary).as("entries per primary").hasSize(3);
        for (int k = 0; k < 60; k++) {
            int key = k;
            assertThat(b.remember("products", key, String.class, () -> "reloaded" + loads.incrementAndGet())).startsWith("p" + k + "#");
        }
        assertThat(loads).as("node b loaded nothing").hasValue(60);
        assertThat(b.stats("products").l2Hits()).isEqualTo(60);
        assertThat(a.stats("products").l2Errors() + b.stats("products").l2Errors()).isZero();
    }

    @Test
    void fourNodesTimesFiftyThreads_onOneColdKeyPerPrimary_loadOnceEach() throws Exception {
        List<CacheTemplate> four = nodes.nodes(4, OPTIONS);
        Set<Integer> primaries = new HashSet<>();
        for (int k = 0; primaries.size() < 3 && k < 1000; k++) {
            String key = "hot-" + k;
            if (primaries.add(cluster.primaryForKey(nodes.entryKey("c", key)).port())) {
                assertThat(Stampede.loads(four, "c", key, 50)).as("loads of %s", key).isEqualTo(1);
            }
        }
        assertThat(primaries).hasSize(3);
    }

    @Test
    void tagsAcrossSlots_invalidateAll_andEveryWrite_areSeenByAnotherNode() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
        AtomicInteger loads = new AtomicInteger();
        for (int k = 0; k < 12; k++) {
            a.remember("tagged", k, String.class, ctx -> {
                ctx.tags("category:7");
                return "v1-" + loads.incrementAndGet();
            });
        }
        Set<Integer> slots = new HashSet<>();
        for (int k = 0; k < 12; k++) {
            slots.add(cluster.slotOf(nodes.entryKey("tagged", k)));
        }
        assertThat(slots).as("the tagged entries live on different slots").hasSizeGreaterThan(3);
        b.invalidateTags("category:7");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (int k = 0; k < 12; k++) {
                assertThat(a.remember("tagged", k, String.class, () -> "v2")).isEqualTo("v2");
            }
        });

        a.remember("plain", "x", String.class, () -> "old");
        b.put("plain", "x", "put by b");
        await().atMost(Duration.ofSeconds(5)).until(() -> "put by b".equals(a.remember("plain", "x", String.class, () -> "loaded")));
        b.invalidate("plain", "x");
        await().atMost(Duration.ofSeconds(5)).until(() -> "loaded".equals(a.remember("plain", "x", String.class, () -> "loaded")));

        a.remember("whole", 1, String.class, () -> "old");
        b.invalidateAll("whole");
        await().atMost(Duration.ofSeconds(5)).until(() -> "new".equals(a.remember("whole", 1, String.class, () -> "new")));
        assertThat(a.nodeStats().invalidationsReceived()).isGreaterThanOrEqualTo(4);
        assertThat(a.stats("tagged").l2Errors() + b.stats("plain").l2Errors()).isZero();
    }

    @Test
    void afterABusGap_underAUniformLoad_theCacheTagIsNoHotKey() throws Exception {
        CacheOptions tinyL1 = OPTIONS.toBuilder().maximumSize(1).build();   // nearly every read goes to L2
        CacheTemplate writer = nodes.node(OPTIONS);
        for (int k = 0; k < 300; k++) {
            int key = k;
            writer.remember("uniform", key, String.class, () -> "v" + key);
        }
        CacheTemplate reader = nodes.node(tinyL1);
        await().atMost(Duration.ofSeconds(10)).until(() -> reader.nodeStats().busHealthy());
        for (RedisNode primary : cluster.primaries()) {
            primary.call("CONFIG", "RESETSTAT");
        }
        Load load = new Load(List.of(reader), "uniform", 300, 4);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.calls.get() > 1500);
            for (RedisNode node : cluster.nodes()) {
                node.call("CLIENT", "KILL", "TYPE", "pubsub");   // a gap, wherever the subscription is: tag versions forgotten
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> load.calls.get() > 4000 && reader.nodeStats().l1Flushes() >= 2);
        } finally {
            load.close();
        }
        assertThat(load.errors).isEmpty();
        Map<Integer, Long> gets = new HashMap<>();
        for (RedisNode primary : cluster.primaries()) {
            // entries are read with GETRANGE (bounded), tag versions with GET
            gets.put(primary.port(), commandCalls(primary, "get") + commandCalls(primary, "getrange"));
        }
        long min = gets.values().stream().min(Long::compare).orElseThrow();
        long max = gets.values().stream().max(Long::compare).orElseThrow();
        System.out.println("GETs per primary under a uniform load across a bus gap: " + gets);
        assertThat(min).isPositive();
        assertThat(max).as("GETs per primary %s", gets).isLessThanOrEqualTo(min * 3 / 2);
    }

    @Test
    void aStalledReplica_neverBlocksFillsOrLocks() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        a.remember("warm", 1, String.class, () -> "connected");
        List<RedisNode> replicas = cluster.replicas();
        replicas.forEach(RedisNode::pause);
        try {
            long[] took = new long[8];
            for (int k = 0; k < 8; k++) {
                int key = k;
                long start = System.nanoTime();
                assertThat(a.remember("stalled", key, String.class, () -> "v" + key)).isEqualTo("v" + key);
                took[k] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(b.remember("stalled", key, String.class, () -> "loaded twice")).as("read by b from L2").isEqualTo("v" + key);
            }
            // the finding: every miss took the WAIT timeout (1 s, then 2.1-2.6 s with NoSyncedSlavesException)
            java.util.Arrays.sort(took);
            System.out.println("misses with stalled replicas (ms): " + java.util.Arrays.toString(took));
            assertThat(took[4]).as("median miss (ms)").isLessThan(500);
            assertThat(took[7]).as("slowest miss (ms)").isLessThan(2000);
            assertThat(a.stats("stalled").lockTimeouts() + a.stats("stalled").l2Errors()).isZero();
            assertThat(b.stats("stalled").l2Hits()).isEqualTo(8);
        } finally {
            replicas.forEach(RedisNode::resume);
        }
    }

    private static long commandCalls(RedisNode node, String command) {
        String info = node.call("INFO", "commandstats");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(line.substring(("cmdstat_" + command + ":calls=").length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    @Test
    void aSingleUri_atAClusterNode_isRefusedWithAMessageThatShowsTheClusterForm() {
        try (LogCapture log = new LogCapture();
             CacheTemplate t = CacheTemplate.builder().namespace(nodes.namespace())
                     .remote(RedisTier.builder().uri(cluster.seedUris().get(0)).commandTimeout(Duration.ofMillis(500)).build())
                     .defaults(OPTIONS).build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(t.remember("c", i, String.class, () -> "from the loader")).isEqualTo("from the loader");
            }
            assertThat(t.stats("c").l2Errors()).isPositive();
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("is a Redis Cluster node")
                    && l.contains("cluster(List.of(...))"));
            await().atMost(Duration.ofSeconds(5)).until(() -> t.nodeStats().breakerState() == BreakerState.OPEN);
        }
    }

    @Test
    void aClusterList_ofAStandaloneServer_isRefusedWithAMessageThatSaysSo(RedisServer standalone) {
        try (LogCapture log = new LogCapture();
             CacheTemplate t = CacheTemplate.builder().namespace(nodes.namespace())
                     .remote(RedisTier.builder().cluster(List.of(standalone.uri())).commandTimeout(Duration.ofMillis(500)).build())
                     .defaults(OPTIONS).build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(t.remember("c", i, String.class, () -> "from the loader")).isEqualTo("from the loader");
            }
            assertThat(t.stats("c").l2Errors()).isPositive();
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("include standalone servers"));
            await().atMost(Duration.ofSeconds(5)).until(() -> t.nodeStats().breakerState() == BreakerState.OPEN);
        }
    }
}
