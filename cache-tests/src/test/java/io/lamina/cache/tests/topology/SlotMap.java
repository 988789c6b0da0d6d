package io.lamina.cache.tests.topology;

import io.lamina.cache.tests.redis.RedisNode;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import java.util.List;

/** Which primary serves a key, as a plain Lettuce cluster client sees it: no round trip per key. */
final class SlotMap implements AutoCloseable {

    private final RedisClusterClient client;

    SlotMap(List<String> seeds) {
        client = RedisClusterClient.create(seeds.stream().map(RedisURI::create).toList());
        client.refreshPartitions();
    }

    /** Reloads the slot map (after a failover). */
    void refresh() {
        client.refreshPartitions();
    }

    boolean servedBy(String key, RedisNode primary) {
        var node = client.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
        return node != null && node.getUri().getPort() == primary.port();
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
