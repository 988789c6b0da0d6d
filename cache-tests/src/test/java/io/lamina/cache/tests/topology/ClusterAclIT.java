package io.lamina.cache.tests.topology;

import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.OwnedRedisCluster;
import io.lamina.cache.tests.redis.RedisTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis Cluster whose every node has an ACL user with only the rights docs/operations.md lists for a cluster:
 * reads, fills, puts, invalidations, tags, contended locks and the bus work under it, and no node logs a denied
 * command or key ({@code ACL LOG} stays empty), and no lock is left behind.
 */
@RedisTest
@Timeout(120)
class ClusterAclIT {

    static final String NAMESPACE = "acl-cluster";
    /** Keep in sync with docs/operations.md, "Permissions on Cluster and Sentinel". */
    static final String RULES = "on >" + AclScenario.PASSWORD + " resetkeys ~" + NAMESPACE + ":* ~redisson_unlock_latch:" + NAMESPACE + ":*"
            + " ~redisson_lock__channel:" + NAMESPACE + ":*"
            + " resetchannels &" + NAMESPACE + ":* &redisson_lock__channel:" + NAMESPACE + ":*"
            + " -@all +get +getrange +mget +strlen +set +del +eval +evalsha +pexpire +pttl +exists +hincrby +hexists +publish +time"
            + " +subscribe +unsubscribe +ping +hello +auth +client|setname +script|load +script|exists"
            + " +cluster|slots +cluster|nodes +cluster|myid +info +readonly +multi +exec +wait"
            + " +spublish +ssubscribe +sunsubscribe +pubsub|shardnumsub +pubsub|numpat";

    @Test
    void leastPrivilegeUser_onEveryNode_everyPathWorks_andNothingIsDenied(OwnedRedisCluster cluster) throws Exception {
        AclScenario.run(cluster.nodes(), RULES, () -> RedisTier.builder().cluster(cluster.seedUris()), NAMESPACE);
    }
}
