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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A Sentinel group with least-privilege ACL users, as docs/operations.md lists them: one on the data nodes (reads,
 * fills, puts, invalidations, tags, contended locks and the bus work under it) and one on the sentinels themselves
 * (Lettuce and Redisson find the primary and follow a graceful failover under it). No node or sentinel logs a denied
 * command, key or channel ({@code ACL LOG} stays empty), and no lock is left behind.
 */
@RedisTest
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelAclIT {

    static final String NAMESPACE = "acl-sentinel";
    /** Keep in sync with docs/operations.md, "Permissions on Cluster and Sentinel" (the data nodes of a Sentinel group). */
    static final String RULES = "on >" + AclScenario.PASSWORD + " resetkeys ~" + NAMESPACE + ":* ~redisson_unlock_latch:" + NAMESPACE + ":*"
            + " ~redisson_lock__channel:" + NAMESPACE + ":*"
            + " resetchannels &" + NAMESPACE + ":* &redisson_lock__channel:" + NAMESPACE + ":*"
            + " -@all +get +getrange +mget +strlen +set +del +eval +evalsha +pexpire +pttl +exists +hincrby +hexists +publish +time"
            + " +subscribe +unsubscribe +ping +hello +auth +client|setname +script|load +script|exists"
            + " +info +multi +exec +wait +pubsub|numpat";
    /**
     * Keep in sync with docs/operations.md (the sentinels' own user). Found by starting from nothing and adding what
     * {@code ACL LOG} on the sentinels showed denied, until it showed nothing (AUTH and HELLO need no permission).
     */
    static final String SENTINEL_RULES = "on >" + AclScenario.PASSWORD + " resetkeys resetchannels &+switch-master"
            + " -@all +sentinel|get-master-addr-by-name +sentinel|slaves +sentinel|sentinels +ping +subscribe";
    private static final String SENTINEL_USER = "lamina-sentinel";

    @Test
    @Order(1)
    void leastPrivilegeUser_onTheDataNodes_everyPathWorks_andNothingIsDenied(OwnedRedisSentinel group) throws Exception {
        group.awaitHealthy(Duration.ofSeconds(30));
        AclScenario.run(group.dataNodes(), RULES, () -> RedisTier.builder().uri(group.sentinelUri()), NAMESPACE);
    }

    @Test
    @Order(2)
    void leastPrivilegeUser_onTheSentinels_findsAndFollowsThePrimary_throughAFailover_andNothingIsDenied(OwnedRedisSentinel group,
            @RedisNamespace String namespace) throws Exception {
        group.awaitHealthy(Duration.ofSeconds(30));
        List<String> rules = new ArrayList<>(List.of("ACL", "SETUSER", SENTINEL_USER, "reset"));
        rules.addAll(List.of(SENTINEL_RULES.split(" ")));
        for (RedisNode sentinel : group.sentinels()) {
            sentinel.call(rules.toArray(String[]::new));
            sentinel.call("ACL", "LOG", "RESET");
        }
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(1)).lockWait(Duration.ofSeconds(5)).build();
        TopologyNodes nodes = new TopologyNodes(() -> RedisTier.builder().uri(group.sentinelUri())
                .sentinelCredentials(SENTINEL_USER, AclScenario.PASSWORD).commandTimeout(Duration.ofMillis(500)), namespace + "-sentinel-acl");
        try (nodes) {
            List<CacheTemplate> two = nodes.nodes(2, options);
            CacheTemplate a = two.get(0);
            CacheTemplate b = two.get(1);
            TopologyChecks.awaitConnected(a, b);
            AtomicInteger loads = new AtomicInteger();
            for (int k = 0; k < 10; k++) {
                int key = k;
                a.remember("c", key, String.class, () -> "v" + key + "#" + loads.incrementAndGet());
            }
            for (int k = 0; k < 10; k++) {
                assertThat(b.remember("c", k, String.class, () -> "loaded again")).startsWith("v" + k + "#");
            }
            assertThat(loads).as("the second node read every entry from L2").hasValue(10);
            // the lock: Redisson found the primary through the sentinels, as the restricted user
            TopologyChecks.oneLoadByTheLock(two, List.of(nodes.tier(0), nodes.tier(1)), "hot", 20);
            // the sentinel connections really are the restricted user's (the default user can do anything): Lettuce's
            // and Redisson's alike, so every other connection is a sentinel's own or the one asking CLIENT LIST
            long asUser = 0;
            for (RedisNode sentinel : group.sentinels()) {
                for (String client : sentinel.call("CLIENT", "LIST").split("\\n")) {
                    if (client.contains(" user=" + SENTINEL_USER + " ")) {
                        asUser++;
                    } else {
                        assertThat(client).as("a connection to %s that is not %s", sentinel, SENTINEL_USER)
                                .containsAnyOf(" name=sentinel-", " cmd=client|list ");
                    }
                }
            }
            assertThat(asUser).as("connections to the sentinels authenticated as " + SENTINEL_USER).isGreaterThanOrEqualTo(6);

            RedisNode promoted = group.sentinelFailover(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(15)).until(() -> nodes.tier(0).failoverReplays() > 0 && nodes.tier(1).failoverReplays() > 0);
            a.put("c", "after", "new");
            assertThat(promoted.call("EXISTS", nodes.entryKey("c", "after"))).isEqualTo("1");
            TopologyChecks.awaitRead(b, "after", "new");
            TopologyChecks.awaitLocksWork(two);   // Redisson followed the switch, asking the sentinels as the restricted user
            TopologyChecks.oneLoadByTheLock(two, List.of(nodes.tier(0), nodes.tier(1)), "hot-after", 20);
        }
        Set<String> denied = denied(group);
        assertThat(denied).as("what ACL LOG shows denied on any sentinel, through a failover").isEmpty();
    }

    /** What ACL LOG on the sentinels shows denied (commands, keys, channels). */
    private static Set<String> denied(OwnedRedisSentinel group) {
        Set<String> denied = new TreeSet<>();
        for (RedisNode sentinel : group.sentinels()) {
            String[] fields = String.valueOf(sentinel.call("ACL", "LOG")).split("\n");
            for (int i = 0; i + 1 < fields.length; i++) {
                if (fields[i].equals("object")) {
                    denied.add(fields[i + 1]);
                }
            }
        }
        return denied;
    }
}
