package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisCluster;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Lamina on a Redis Cluster that speaks TLS only (6 nodes on {@code tls-port} with {@code port 0}, replication and the
 * cluster bus over TLS; a CA of the test's, certificates for 127.0.0.1 and localhost), seeded with {@code rediss://}
 * URIs and {@code trustedCertificates}: Lettuce and Redisson both connect with host-name verification on (there is no
 * plain port to fall back to), entries reach every primary, a second node reads them from L2, the bus and the lock
 * work, a {@code CLUSTER FAILOVER} is followed, and seeds reached by a name their certificate does not hold are refused.
 */
@RedisTest(tls = true)
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTlsIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(5)).build();

    private final OwnedRedisCluster cluster;
    private TopologyNodes nodes;

    ClusterTlsIT(OwnedRedisCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void setUp(@RedisNamespace String namespace) {
        cluster.awaitHealthy(Duration.ofSeconds(30));
        List<String> seeds = cluster.seedUris();
        nodes = new TopologyNodes(() -> RedisTier.builder().cluster(seeds).trustedCertificates(cluster.tls().caCertificate())
                .commandTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(2)).topologyRefresh(Duration.ofSeconds(5)),
                namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    @Order(1)
    void overTls_entriesReachEveryPrimary_aSecondNodeReadsThemFromL2_andTheBusAndTheLockWork() throws Exception {
        assertThat(cluster.seedUris()).allMatch(u -> u.startsWith("rediss://"));
        List<CacheTemplate> two = nodes.nodes(2, OPTIONS);
        CacheTemplate a = two.get(0);
        CacheTemplate b = two.get(1);
        TopologyChecks.awaitConnected(a, b);
        AtomicInteger loads = new AtomicInteger();
        Set<String> written = new HashSet<>();
        for (int k = 0; k < 30; k++) {
            int key = k;
            assertThat(a.remember("c", key, String.class, () -> "v" + key + "#" + loads.incrementAndGet())).isEqualTo("v" + k + "#" + (k + 1));
            written.add(nodes.entryKey("c", k));
        }
        Set<String> found = new HashSet<>();
        for (RedisNode primary : cluster.primaries()) {
            try (TopologyChecks.Client raw = TopologyChecks.client(primary, cluster.tls())) {
                List<String> here = raw.connection().sync().keys(nodes.namespace() + ":e:{c:*");
                assertThat(here).as("entries on %s, read over TLS", primary).isNotEmpty();
                found.addAll(here);
            }
        }
        assertThat(found).as("every entry is on some primary").isEqualTo(written);
        for (int k = 0; k < 30; k++) {
            assertThat(b.remember("c", k, String.class, () -> "loaded again")).startsWith("v" + k + "#");
        }
        assertThat(loads).as("the second node loaded nothing").hasValue(30);
        assertThat(b.stats("c").l2Hits()).isEqualTo(30);

        TopologyChecks.busWorks(a, b);
        TopologyChecks.oneLoadByTheLock(two, List.of(nodes.tier(0), nodes.tier(1)), "hot", 20);
        assertThat(a.stats("c").l2Errors() + b.stats("c").l2Errors()).isZero();
    }

    @Test
    @Order(2)
    void overTls_aClusterFailover_isFollowed_byTheEntriesTheBusAndTheLock() throws Exception {
        List<CacheTemplate> two = nodes.nodes(2, OPTIONS);
        CacheTemplate a = two.get(0);
        CacheTemplate b = two.get(1);
        TopologyChecks.awaitConnected(a, b);
        a.put("c", "before", "old");
        RedisNode old = cluster.primaryForKey(nodes.entryKey("c", "before"));
        RedisNode promoted = cluster.failover(cluster.replicasOf(old).get(0), Duration.ofSeconds(30));
        // both nodes learn the new slot map over TLS and replay their recent writes as invalidations
        await().atMost(Duration.ofSeconds(15)).until(() -> nodes.tier(0).failoverReplays() > 0 && nodes.tier(1).failoverReplays() > 0);
        String key = keyServedBy(promoted, "after");
        a.put("c", key, "new");
        try (TopologyChecks.Client raw = TopologyChecks.client(promoted, cluster.tls())) {
            assertThat(raw.exists(nodes.entryKey("c", key))).as("the put on the promoted primary, read over TLS").isTrue();
        }
        TopologyChecks.awaitRead(b, key, "new");
        TopologyChecks.busWorks(a, b);
        // a cold key on the promoted node's slots: the lock there (Redisson followed the failover)
        String hot = keyServedBy(promoted, "hot-after");
        TopologyChecks.awaitLocksWork(two);   // Redisson followed the failover over TLS
        TopologyChecks.oneLoadByTheLock(two, List.of(nodes.tier(0), nodes.tier(1)), hot, 20);
    }

    @Test
    @Order(3)
    void seedsReachedByANameTheirCertificateDoesNotHold_areRefused_byLettuceAndRedisson(@RedisNamespace String namespace) {
        List<LoopbackAlias> aliases = cluster.primaries().stream().map(p -> new LoopbackAlias(p.port())).toList();
        try {
            List<String> aliased = aliases.stream().map(a -> "rediss://" + LoopbackAlias.HOST + ":" + a.port()).toList();
            TopologyChecks.refusedByHostName(RedisTier.builder().cluster(aliased).trustedCertificates(cluster.tls().caCertificate()), namespace);
            TopologyChecks.redissonVerifiesHostNames(io.lamina.cache.redis.internal.Topology.CLUSTER, aliased.stream().map(RedisURI::create).toList(),
                    cluster.seedUris().stream().map(RedisURI::create).toList(), cluster.tls());
        } finally {
            aliases.forEach(LoopbackAlias::close);
        }
    }

    /** A key of cache "c" whose entry the given primary serves: {@code prefix}, or {@code prefix-i}. */
    private String keyServedBy(RedisNode primary, String prefix) {
        String key = prefix;
        for (int i = 0; cluster.primaryForKey(nodes.entryKey("c", key)) != primary; i++) {
            key = prefix + "-" + i;
        }
        return key;
    }
}
