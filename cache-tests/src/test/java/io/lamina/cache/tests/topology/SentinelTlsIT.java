package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisSentinel;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Lamina on a Sentinel group that speaks TLS only (data nodes and sentinels on {@code tls-port} with {@code port 0},
 * replication and the sentinels' own links over TLS; a CA of the test's, certificates for 127.0.0.1 and localhost),
 * reached with {@code rediss-sentinel://} and {@code trustedCertificates}: Lettuce and Redisson both connect with
 * host-name verification on (there is no plain port to fall back to), entries reach the primary, a second node reads
 * them from L2, the bus and the lock work, a graceful {@code SENTINEL FAILOVER} is followed, and sentinels reached by a
 * name their certificate does not hold are refused.
 */
@RedisTest(tls = true)
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelTlsIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(5)).build();

    private final OwnedRedisSentinel group;
    private TopologyNodes nodes;

    SentinelTlsIT(OwnedRedisSentinel group) {
        this.group = group;
    }

    @BeforeEach
    void setUp(@RedisNamespace String namespace) {
        group.awaitHealthy(Duration.ofSeconds(30));
        nodes = new TopologyNodes(() -> RedisTier.builder().uri(group.sentinelUri()).trustedCertificates(group.tls().caCertificate())
                .commandTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(2)).topologyRefresh(Duration.ofSeconds(5)),
                namespace + "-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    @Order(1)
    void overTls_entriesReachThePrimary_aSecondNodeReadsThemFromL2_andTheBusAndTheLockWork() throws Exception {
        assertThat(group.sentinelUri()).startsWith("rediss-sentinel://");
        List<CacheTemplate> two = nodes.nodes(2, OPTIONS);
        CacheTemplate a = two.get(0);
        CacheTemplate b = two.get(1);
        TopologyChecks.awaitConnected(a, b);
        AtomicInteger loads = new AtomicInteger();
        for (int k = 0; k < 10; k++) {
            int key = k;
            assertThat(a.remember("c", key, String.class, () -> "v" + key + "#" + loads.incrementAndGet())).isEqualTo("v" + k + "#" + (k + 1));
        }
        RedisNode primary = group.primary();
        try (TopologyChecks.Client raw = TopologyChecks.client(primary, group.tls())) {
            for (int k = 0; k < 10; k++) {
                assertThat(raw.exists(nodes.entryKey("c", k))).as("entry %s on the primary, read over TLS", k).isTrue();
            }
        }
        for (int k = 0; k < 10; k++) {
            assertThat(b.remember("c", k, String.class, () -> "loaded again")).startsWith("v" + k + "#");
        }
        assertThat(loads).as("the second node loaded nothing").hasValue(10);
        assertThat(b.stats("c").l2Hits()).isEqualTo(10);

        TopologyChecks.busWorks(a, b);
        TopologyChecks.oneLoadByTheLock(two, List.of(nodes.tier(0), nodes.tier(1)), "hot", 20);
        assertThat(a.stats("c").l2Errors() + b.stats("c").l2Errors()).isZero();
    }

    @Test
    @Order(2)
    void overTls_aGracefulSentinelFailover_isFollowed_byTheEntriesTheBusAndTheLock() throws Exception {
        List<CacheTemplate> two = nodes.nodes(2, OPTIONS);
        CacheTemplate a = two.get(0);
        CacheTemplate b = two.get(1);
        TopologyChecks.awaitConnected(a, b);
        a.put("c", "before", "old");
        RedisNode old = group.primary();
        RedisNode promoted = group.sentinelFailover(Duration.ofSeconds(30));
        assertThat(promoted).isNotSameAs(old);
        // both nodes hear +switch-master from the sentinels over TLS, move to the new primary and replay their recent writes
        await().atMost(Duration.ofSeconds(15)).until(() -> nodes.tier(0).failoverReplays() > 0 && nodes.tier(1).failoverReplays() > 0);
        a.put("c", "after", "new");
        try (TopologyChecks.Client raw = TopologyChecks.client(promoted, group.tls())) {
            assertThat(raw.exists(nodes.entryKey("c", "after"))).as("the put on the new primary, read over TLS").isTrue();
        }
        TopologyChecks.awaitRead(b, "after", "new");
        TopologyChecks.busWorks(a, b);
        TopologyChecks.awaitLocksWork(two);   // Redisson followed the switch over TLS
        TopologyChecks.oneLoadByTheLock(two, List.of(nodes.tier(0), nodes.tier(1)), "hot-after", 20);
    }

    @Test
    @Order(3)
    void sentinelsReachedByANameTheirCertificateDoesNotHold_areRefused_byLettuceAndRedisson(@RedisNamespace String namespace) {
        List<LoopbackAlias> aliases = group.sentinels().stream().map(s -> new LoopbackAlias(s.port())).toList();
        try {
            String aliased = "rediss-sentinel://" + aliases.stream().map(a -> LoopbackAlias.HOST + ":" + a.port())
                    .collect(java.util.stream.Collectors.joining(",")) + "#" + group.masterName();
            TopologyChecks.refusedByHostName(RedisTier.builder().uri(aliased).trustedCertificates(group.tls().caCertificate()), namespace);
            TopologyChecks.redissonVerifiesHostNames(io.lamina.cache.redis.internal.Topology.SENTINEL, List.of(RedisURI.create(aliased)),
                    List.of(RedisURI.create(group.sentinelUri())), group.tls());
        } finally {
            aliases.forEach(LoopbackAlias::close);
        }
    }
}
