package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisSentinel;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Sentinel group whose data nodes have an ACL user with only the rights docs/operations.md lists for Sentinel:
 * reads, fills, puts, invalidations, tags, contended locks and the bus work under it, and no node logs a denied
 * command or key ({@code ACL LOG} stays empty), and no lock is left behind.
 */
@RedisTest
@Timeout(120)
class SentinelAclIT {

    static final String NAMESPACE = "acl-sentinel";
    /** Keep in sync with docs/operations.md, "Permissions on Cluster and Sentinel" (the data nodes of a Sentinel group). */
    static final String RULES = "on >s3cret resetkeys ~" + NAMESPACE + ":* ~redisson_unlock_latch:" + NAMESPACE + ":*"
            + " ~redisson_lock__channel:" + NAMESPACE + ":*"
            + " resetchannels &" + NAMESPACE + ":* &redisson_lock__channel:" + NAMESPACE + ":*"
            + " -@all +get +set +del +eval +evalsha +pexpire +pttl +exists +hincrby +hexists +publish +time"
            + " +subscribe +unsubscribe +ping +hello +auth +client|setname +script|load +script|exists"
            + " +info +multi +exec +wait +pubsub|numpat";

    @Test
    void leastPrivilegeUser_onTheDataNodes_everyPathWorks_andNothingIsDenied(OwnedRedisSentinel group) throws Exception {
        List<String> rules = new ArrayList<>(List.of("ACL", "SETUSER", "lamina"));
        rules.addAll(List.of(RULES.split(" ")));
        group.awaitHealthy(java.time.Duration.ofSeconds(30));
        for (RedisNode node : group.dataNodes()) {
            node.call(rules.toArray(String[]::new));
            node.call("ACL", "LOG", "RESET");
        }
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(1)).lockWait(Duration.ofSeconds(5)).build();
        TopologyNodes nodes = new TopologyNodes(() -> RedisTier.builder().uri(group.sentinelUri()).username("lamina")
                .password("s3cret").commandTimeout(Duration.ofMillis(500)), NAMESPACE);
        try (nodes) {
            List<CacheTemplate> four = nodes.nodes(4, options);
            CacheTemplate a = four.get(0);
            CacheTemplate b = four.get(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
            AtomicInteger loads = new AtomicInteger();
            for (int k = 0; k < 30; k++) {
                int key = k;
                a.remember("products", key, String.class, ctx -> {
                    ctx.tags("category:" + (key % 3));
                    return "v" + key + "#" + loads.incrementAndGet();
                });
            }
            for (int k = 0; k < 30; k++) {
                assertThat(b.remember("products", k, String.class, () -> "loaded twice")).startsWith("v" + k + "#");
            }
            assertThat(loads).hasValue(30);
            a.put("products", 1, "put");
            await().atMost(Duration.ofSeconds(5)).until(() -> "put".equals(b.remember("products", 1, String.class, () -> "x")));
            b.invalidateTags("category:0");
            await().atMost(Duration.ofSeconds(5)).until(() -> "reloaded".equals(a.remember("products", 0, String.class, () -> "reloaded")));
            a.invalidateAll("products");
            await().atMost(Duration.ofSeconds(5)).until(() -> "all".equals(b.remember("products", 2, String.class, () -> "all")));
            assertThat(Stampede.loads(four, "products", "hot", 25)).as("contended locks under the user").isEqualTo(1);
            long asLamina = 0;   // the connections really are the restricted user's (the default user can do anything)
            for (RedisNode node : group.dataNodes()) {
                asLamina += java.util.Arrays.stream(node.call("CLIENT", "LIST").split("\\n")).filter(l -> l.contains(" user=lamina ")).count();
            }
            assertThat(asLamina).as("connections authenticated as lamina").isGreaterThanOrEqualTo(4);
            for (int i = 0; i < 4; i++) {
                assertThat(four.get(i).stats("products").l2Errors()).as("node %s: denied commands are remote errors", i).isZero();
                assertThat(nodes.tier(i).unlockFailures()).as("node %s: unlocks", i).isZero();
            }
        }
        java.util.Set<String> denied = new java.util.TreeSet<>();
        for (RedisNode node : group.dataNodes()) {
            String log = node.call("ACL", "LOG");
            String[] fields = (log == null ? "" : log).split("\n");
            for (int i = 0; i + 1 < fields.length; i++) {
                if (fields[i].equals("object")) {
                    denied.add(fields[i + 1]);
                }
            }
        }
        assertThat(denied).as("what ACL LOG shows denied on any node").isEmpty();
        for (RedisNode node : group.dataNodes()) {
            assertThat(node.call("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", NAMESPACE + ":l:*"))
                    .as("locks left on %s", node).isIn("0", null);
        }
    }
}
