package io.lamina.cache.tests.topology;

import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisSentinel;
import io.lamina.cache.tests.redis.RedisTest;
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
    static final String RULES = "on >" + AclScenario.PASSWORD + " resetkeys ~" + NAMESPACE + ":* ~redisson_unlock_latch:" + NAMESPACE + ":*"
            + " ~redisson_lock__channel:" + NAMESPACE + ":*"
            + " resetchannels &" + NAMESPACE + ":* &redisson_lock__channel:" + NAMESPACE + ":*"
            + " -@all +get +getrange +strlen +set +del +eval +evalsha +pexpire +pttl +exists +hincrby +hexists +publish +time"
            + " +subscribe +unsubscribe +ping +hello +auth +client|setname +script|load +script|exists"
            + " +info +multi +exec +wait +pubsub|numpat";

    @Test
    void leastPrivilegeUser_onTheDataNodes_everyPathWorks_andNothingIsDenied(OwnedRedisSentinel group) throws Exception {
        group.awaitHealthy(java.time.Duration.ofSeconds(30));
        AclScenario.run(group.dataNodes(), RULES, () -> RedisTier.builder().uri(group.sentinelUri()), NAMESPACE);
    }
}
