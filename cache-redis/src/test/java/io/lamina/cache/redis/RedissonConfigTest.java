package io.lamina.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.redis.internal.RedissonConfigs;
import io.lamina.cache.redis.internal.Topology;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.redisson.config.Config;

/**
 * The Redisson configuration RedisTier derives from its URIs: locks live in the same database as the entries
 * Lettuce writes, whatever the deployment shape, and never wait for replicas. Builds configurations only;
 * connects to nothing.
 */
class RedissonConfigTest {

    private static Config config(Topology topology, String... uris) {
        return RedissonConfigs.of(new RedissonConfigs.Settings(topology, List.of(uris).stream().map(RedisURI::create).toList(),
                null, null, null, null, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5), null));
    }

    @Test
    void sentinelUri_withADatabase_givesRedissonTheSameDatabase() {
        Config config = config(Topology.SENTINEL, "redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/2#shop");
        assertThat(config.isSentinelConfig()).isTrue();
        assertThat(config.useSentinelServers().getDatabase()).isEqualTo(2);
        assertThat(config.useSentinelServers().getMasterName()).isEqualTo("shop");
    }

    @Test
    void singleServerUri_withADatabase_givesRedissonTheSameDatabase() {
        Config config = config(Topology.STANDALONE, "redis://127.0.0.1:6390/3");
        assertThat(config.useSingleServer().getDatabase()).isEqualTo(3);
    }

    @Test
    void everyTopology_locksNeverWaitForReplicas() {
        // Redisson's default runs WAIT after every lock and fails it when a replica lags (NoSyncedSlavesException)
        assertThat(config(Topology.STANDALONE, "redis://127.0.0.1:6390").isCheckLockSyncedSlaves()).isFalse();
        assertThat(config(Topology.SENTINEL, "redis-sentinel://127.0.0.1:26379#shop").isCheckLockSyncedSlaves()).isFalse();
        assertThat(config(Topology.CLUSTER, "redis://127.0.0.1:7000", "redis://127.0.0.1:7001").isCheckLockSyncedSlaves()).isFalse();
        // Redisson sends WAIT after each lock script on Sentinel and Cluster anyway: it must not wait for a stalled replica
        assertThat(config(Topology.CLUSTER, "redis://127.0.0.1:7000").getSlavesSyncTimeout()).isEqualTo(1);
        // Kryo, Redisson's default codec, is excluded from the dependencies
        assertThat(config(Topology.STANDALONE, "redis://127.0.0.1:6390").getCodec()).isSameAs(org.redisson.client.codec.StringCodec.INSTANCE);
    }

    @Test
    void cluster_allSeedsAndAFastTopologyScan() {
        Config config = config(Topology.CLUSTER, "redis://127.0.0.1:7000", "redis://127.0.0.1:7001");
        assertThat(config.isClusterConfig()).isTrue();
        assertThat(config.useClusterServers().getNodeAddresses()).containsExactly("redis://127.0.0.1:7000", "redis://127.0.0.1:7001");
        assertThat(config.useClusterServers().getScanInterval()).isEqualTo(1000);
    }

    @Test
    void connections_arePingedEveryThirdOfTheLinkCheck_withShortTcpKeepalive() {
        Config config = config(Topology.STANDALONE, "redis://127.0.0.1:6379");
        assertThat(config.useSingleServer().getPingConnectionInterval()).isEqualTo(1000);
        assertThat(config.useSingleServer().isKeepAlive()).isTrue();
        assertThat(config.useSingleServer().getTcpKeepAliveIdle()).isEqualTo(5);
        assertThat(config.useSingleServer().getTcpKeepAliveInterval()).isEqualTo(1);
        assertThat(config.useSingleServer().getTcpKeepAliveCount()).isEqualTo(3);
    }
}
