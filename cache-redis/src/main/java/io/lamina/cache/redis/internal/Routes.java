package io.lamina.cache.redis.internal;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Which route (circuit breaker) a key's calls take: the one {@link Guard#DATA} route on a single Redis or a
 * Sentinel-managed primary; on a Cluster, the primary that serves the key's slot now ({@code host:port}), so
 * each shard has its own breaker and a failover moves a slot to a fresh one. No I/O: the slot map is the one
 * the Lettuce cluster client keeps up to date.
 */
public interface Routes {

    /** The data route of a key (entry, lease or tag key, as stored). */
    String data(byte[] key);

    /** The lock route of a key: the lock's own breaker on the same primary. */
    default String lock(byte[] key) {
        return Guard.LOCK + "@" + data(key);
    }

    /**
     * Which keys may share one multi-key command or script: every key on a single Redis or a Sentinel primary
     * ({@code 0}); on a Cluster, the key's slot (keys of one command must share a slot).
     */
    default int group(byte[] key) {
        return 0;
    }

    /** The data routes in use now (every primary), for forgetting breakers of primaries that are gone. */
    Set<String> live();

    /** One route for everything: a single Redis, or the primary of a Sentinel group. */
    static Routes single() {
        return new Routes() {
            @Override
            public String data(byte[] key) {
                return Guard.DATA;
            }

            @Override
            public Set<String> live() {
                return Set.of(Guard.DATA);
            }
        };
    }

    /**
     * One route per cluster primary. Until the client has loaded the slot map (it is loaded before the first
     * connection; see {@code LettuceStore}), every key takes the {@link Guard#DATA} route.
     */
    static Routes cluster(RedisClusterClient client, java.util.function.BooleanSupplier slotMapLoaded) {
        return new Routes() {
            @Override
            public String data(byte[] key) {
                if (!slotMapLoaded.getAsBoolean()) {
                    return Guard.DATA;
                }
                RedisClusterNode node = client.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
                return node == null || node.getUri() == null ? Guard.DATA : name(node.getUri());
            }

            @Override
            public int group(byte[] key) {
                return SlotHash.getSlot(key);
            }

            @Override
            public Set<String> live() {
                Set<String> live = new HashSet<>();
                live.add(Guard.DATA);
                if (slotMapLoaded.getAsBoolean()) {
                    Partitions partitions = client.getPartitions();
                    for (RedisClusterNode node : partitions) {
                        if (node.getUri() != null) {
                            live.add(name(node.getUri()));
                        }
                    }
                }
                return live;
            }
        };
    }

    /**
     * The cluster routes of a client still being built ({@code RedisTier.Builder.backgroundStart}): every key takes
     * the {@link Guard#DATA} route until it is, and is grouped by its slot all along.
     */
    static Routes whenBuilt(java.util.concurrent.CompletableFuture<Routes> built) {
        return new Routes() {
            private Routes now() {
                return built.isDone() && !built.isCompletedExceptionally() ? built.join() : null;
            }

            @Override
            public String data(byte[] key) {
                Routes r = now();
                return r == null ? Guard.DATA : r.data(key);
            }

            @Override
            public int group(byte[] key) {
                return SlotHash.getSlot(key);
            }

            @Override
            public Set<String> live() {
                Routes r = now();
                return r == null ? Set.of(Guard.DATA) : r.live();
            }
        };
    }

    private static String name(RedisURI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
