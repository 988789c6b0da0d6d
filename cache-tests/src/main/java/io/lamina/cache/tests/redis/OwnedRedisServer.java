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

    /**
     * Freezes the server with SIGSTOP: it keeps its sockets and answers nothing, so clients time out (no
     * reset). {@link #resume()} continues it; {@link #stop()} kills it even while paused.
     *
     * @throws UnsupportedOperationException if this kind of server cannot be paused (a container)
     * @throws IllegalStateException if the server is not running or the signal cannot be sent
     */
    default void pause() {
        throw new UnsupportedOperationException(this + " cannot be paused");
    }

    /** Continues a {@linkplain #pause() paused} server with SIGCONT; does nothing if it is not paused. */
    default void resume() {
        throw new UnsupportedOperationException(this + " cannot be paused");
    }
}
