package io.lamina.cache.tests.redis;

/**
 * A Redis server started for one owner (a fault test, a test class, a benchmark), which may stop,
 * kill and restart it at will. {@link #isOwned()} is always {@code true}.
 *
 * <p>Close it when done: {@link #close()} kills the server for good and deletes its working
 * directory. An owned server that is never closed is still stopped when the JVM exits.
 */
public interface OwnedRedisServer extends RedisServer, AutoCloseable {

    /**
     * Stops the server for good (killing it if it runs) and frees its files; idempotent. After this,
     * {@link #start()} throws {@link IllegalStateException}.
     */
    @Override
    void close();
}
