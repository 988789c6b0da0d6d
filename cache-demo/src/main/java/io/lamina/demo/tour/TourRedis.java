package io.lamina.demo.tour;

import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;

/**
 * The tour's Redis, found the way DESIGN.md says: {@code REDIS_URL} (or {@code -Dlamina.redis.url}) is used as
 * is and cannot be killed; otherwise the tour starts a server it owns ({@code redis-server} on the PATH, else
 * the embedded binary, else a container), so the outage step can kill it and bring it back.
 */
final class TourRedis implements AutoCloseable {

    private final RedisServer server;
    private final OwnedRedisServer owned;

    private TourRedis(RedisServer server, OwnedRedisServer owned) {
        this.server = server;
        this.owned = owned;
    }

    static TourRedis findOrStart() {
        if (isSet(System.getProperty("lamina.redis.url")) || isSet(System.getenv("REDIS_URL"))
                || "url".equalsIgnoreCase(forcedSource())) {
            return new TourRedis(RedisServers.shared(), null);
        }
        OwnedRedisServer own = RedisServers.startOwned();
        return new TourRedis(own, own);
    }

    private static String forcedSource() {
        String forced = System.getProperty("lamina.redis.source");
        return isSet(forced) ? forced.trim() : String.valueOf(System.getenv("LAMINA_REDIS_SOURCE")).trim();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    String uri() {
        return server.uri();
    }

    /** @return where it came from, without credentials */
    String describe() {
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
        return server.isRunning();
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
