package io.lamina.demo.tour;

import io.lamina.cache.tests.redis.OwnedRedisCluster;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;

/**
 * The tour's Redis, found the way DESIGN.md says: {@code REDIS_URL} (or {@code -Dlamina.redis.url}) is used as
 * is and cannot be killed; otherwise the tour starts a server it owns ({@code redis-server} on the PATH, else
 * the embedded binary, else a container), so the outage step can kill it and bring it back. With
 * {@code --redis-cluster} the tour starts a Redis Cluster of its own instead (the outage step is then skipped:
 * the cluster's failovers are what {@code ClusterFailoverIT} tests).
 */
final class TourRedis implements AutoCloseable {

    private final RedisServer server;
    private final OwnedRedisServer owned;
    private final OwnedRedisCluster cluster;

    private TourRedis(RedisServer server, OwnedRedisServer owned, OwnedRedisCluster cluster) {
        this.server = server;
        this.owned = owned;
        this.cluster = cluster;
    }

    /** A Redis Cluster the tour starts and owns: 3 primaries, 3 replicas, the same redis-server binary. */
    static TourRedis startCluster() {
        // a node timeout of 5 s: on a busy laptop a 1.5 s timeout can fail a node over mid-tour
        return new TourRedis(null, null, OwnedRedisCluster.builder().nodeTimeout(java.time.Duration.ofSeconds(5)).start());
    }

    /** The Spring properties that point Lamina at this Redis. */
    java.util.Map<String, String> properties() {
        if (cluster != null) {
            return java.util.Map.of("lamina.cache.redis.cluster.nodes", String.join(",",
                    cluster.seedUris().stream().map(u -> u.substring("redis://".length())).toList()));
        }
        return java.util.Map.of("lamina.cache.redis.url", server.uri());
    }

    boolean isCluster() {
        return cluster != null;
    }

    static TourRedis findOrStart() {
        if (isSet(System.getProperty("lamina.redis.url")) || isSet(System.getenv("REDIS_URL"))
                || "url".equalsIgnoreCase(forcedSource())) {
            return new TourRedis(RedisServers.shared(), null, null);
        }
        OwnedRedisServer own = RedisServers.startOwned();
        return new TourRedis(own, own, null);
    }

    private static String forcedSource() {
        String forced = System.getProperty("lamina.redis.source");
        return isSet(forced) ? forced.trim() : String.valueOf(System.getenv("LAMINA_REDIS_SOURCE")).trim();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    String uri() {
        return cluster != null ? cluster.seedUris().get(0) : server.uri();
    }

    /** @return where it came from, without credentials */
    String describe() {
        if (cluster != null) {
            return "a Redis Cluster of 6 nodes (3 primaries, 3 replicas; " + cluster.source() + ", owned by the tour)";
        }
        return server.source() + " " + server.host() + ":" + server.port() + (owned != null ? " (owned by the tour)" : "");
    }

    boolean canKill() {
        return owned != null;
    }

    /** SIGKILL, like a crash. */
    void kill() {
        owned.stop();
    }

    /** Same port, empty data set; returns once it answers PING. */
    void bringBack() {
        owned.start();
    }

    boolean isRunning() {
        return cluster != null || server.isRunning();
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
