package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The cluster the provisioning starts: formed, routing keys by slot, failing over on request and after
 * a crash. One cluster for the class; each test leaves it whole and healthy.
 */
@RedisTest
@DisabledOnOs(OS.WINDOWS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnedRedisClusterTest {

    private static final Duration FAILOVER = Duration.ofSeconds(20);

    private final OwnedRedisCluster cluster;

    OwnedRedisClusterTest(OwnedRedisCluster cluster) {
        this.cluster = cluster;
    }

    @AfterEach
    void makeWhole() {
        for (RedisNode node : cluster.nodes()) {
            node.start();
        }
        cluster.awaitHealthy(FAILOVER);
    }

    @Test
    void start_formsThreePrimariesWithOneReplicaEach_coveringAllSlots() {
        List<RedisNode> primaries = cluster.primaries();
        List<RedisNode> replicas = cluster.replicas();

        assertThat(primaries).hasSize(3);
        assertThat(replicas).hasSize(3).doesNotContainAnyElementsOf(primaries);
        assertThat(cluster.seedUris()).hasSize(3).allMatch(uri -> uri.startsWith("redis://127.0.0.1:"));
        for (RedisNode primary : primaries) {
            assertThat(cluster.replicasOf(primary)).hasSize(1);
            assertThat(primary.pid()).isPositive();
        }
        assertThat(cluster.nodeForSlot(0)).isEqualTo(primaries.get(0));
        assertThat(cluster.nodeForSlot(16383)).isEqualTo(primaries.get(2));
        for (RedisNode node : cluster.nodes()) {
            assertThat(node.call("CLUSTER", "INFO")).contains("cluster_state:ok", "cluster_slots_assigned:16384");
        }
    }

    @Test
    void primaryForKey_isTheNodeThatAcceptsTheKey_othersRedirect() {
        Set<RedisNode> used = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String key = "route:" + i;
            RedisNode owner = cluster.primaryForKey(key);
            used.add(owner);
            assertThat(owner.call("SET", key, "v" + i)).isEqualTo("OK");
            assertThat(owner.call("GET", key)).isEqualTo("v" + i);
            for (RedisNode other : cluster.primaries()) {
                if (other != owner) {
                    assertThatThrownBy(() -> other.call("GET", key))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("MOVED " + cluster.slotOf(key) + " " + owner.address());
                }
            }
        }
        assertThat(used).hasSize(3);
    }

    @Test
    void failover_makesTheReplicaPrimary_andTheOldPrimaryItsReplica() {
        RedisNode primary = cluster.primaryForKey("failover");
        RedisNode replica = cluster.replicasOf(primary).get(0);
        primary.call("SET", "failover", "kept");
        primary.call("WAIT", "1", "2000");

        RedisNode promoted = cluster.failover(replica);

        assertThat(promoted).isEqualTo(replica);
        assertThat(cluster.primaryForKey("failover")).isEqualTo(replica);
        assertThat(cluster.replicasOf(replica)).containsExactly(primary);
        assertThat(replica.call("GET", "failover")).isEqualTo("kept");
    }

    @Test
    void killedPrimary_isReplacedByItsReplica_andRejoinsAsAReplica() {
        RedisNode primary = cluster.primaryForKey("crash");
        RedisNode replica = cluster.replicasOf(primary).get(0);
        primary.call("SET", "crash", "kept");
        primary.call("WAIT", "1", "2000");

        primary.kill();
        RedisNode promoted = cluster.awaitPromotionAfterKill(primary, FAILOVER);

        assertThat(promoted).isEqualTo(replica);
        assertThat(primary.pid()).isEqualTo(-1);
        assertThat(cluster.primaryForKey("crash")).isEqualTo(replica);
        assertThat(replica.call("GET", "crash")).isEqualTo("kept");

        primary.start();
        cluster.awaitHealthy(FAILOVER);
        assertThat(cluster.replicasOf(replica)).containsExactly(primary);
    }

    @Test
    void builder_rejectsATooShortNodeTimeout_namingIt() {
        assertThatThrownBy(() -> OwnedRedisCluster.builder().nodeTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeTimeout");
    }

    @Test
    void pausedNode_answersNothing_untilResumed() {
        RedisNode replica = cluster.replicas().get(0);

        replica.pause();
        assertThat(replica.isPaused()).isTrue();
        assertThatThrownBy(() -> replica.call(Duration.ofMillis(200), "PING")).isInstanceOf(UncheckedIOException.class);

        replica.resume();
        assertThat(replica.call("PING")).isEqualTo("PONG");
    }
}
