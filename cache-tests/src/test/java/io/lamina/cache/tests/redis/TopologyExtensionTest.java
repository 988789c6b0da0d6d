package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * {@code @RedisTest} hands a class one cluster and one Sentinel group, shared by its methods, and
 * leaves no process behind after the class. (The fixture is a static nested class, which the build's
 * own test run skips.)
 */
@DisabledOnOs(OS.WINDOWS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopologyExtensionTest {

    static final List<Object> SEEN = new CopyOnWriteArrayList<>();
    static final Map<Long, Integer> PIDS = new ConcurrentHashMap<>();

    @BeforeEach
    void clear() {
        SEEN.clear();
        PIDS.clear();
    }

    @Test
    void clusterAndSentinel_areOnePerClass_andLeaveNoProcessAfterIt() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(TopologyClass.class)).execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0).aborted(0));

        assertThat(SEEN).hasSize(4);
        assertThat(SEEN.get(2)).isSameAs(SEEN.get(0));
        assertThat(SEEN.get(3)).isSameAs(SEEN.get(1));
        assertThat(PIDS).hasSize(6 + 5);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (var pid : PIDS.entrySet()) {
                assertThat(ProcessHandle.of(pid.getKey()).filter(ProcessHandle::isAlive)).as("pid %s", pid).isEmpty();
                assertThat(Resp.ping(RedisProcess.HOST, pid.getValue(), Duration.ofMillis(300))).isFalse();
            }
        });
        List<String> open = new ArrayList<>();
        Reaper.open().forEach(server -> open.add(server.toString()));
        assertThat(open).noneMatch(s -> PIDS.values().stream().anyMatch(port -> s.contains(":" + port + ",")));
    }

    @RedisTest
    static class TopologyClass {

        @Test
        void one(OwnedRedisCluster cluster, OwnedRedisSentinel sentinel) {
            record(cluster, sentinel);
        }

        @Test
        void two(OwnedRedisCluster cluster, OwnedRedisSentinel sentinel) {
            record(cluster, sentinel);
        }

        private static void record(OwnedRedisCluster cluster, OwnedRedisSentinel sentinel) {
            SEEN.add(cluster);
            SEEN.add(sentinel);
            List<RedisNode> nodes = new ArrayList<>(cluster.nodes());
            nodes.addAll(sentinel.dataNodes());
            nodes.addAll(sentinel.sentinels());
            for (RedisNode node : nodes) {
                assertThat(node.pid()).isPositive();
                PIDS.put(node.pid(), node.port());
            }
        }
    }
}
