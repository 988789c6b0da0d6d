package io.lamina.cache.tests.redis;

/**
 * A Redis server that answers on {@link #host()}:{@link #port()}.
 *
 * <p>The lifecycle methods ({@link #stop()}, {@link #stopGracefully()}, {@link #start()},
 * {@link #restart()}) work only on a server you own ({@link #isOwned()}, see
 * {@link RedisServers#startOwned()} and {@link OwnedRedisServer}); on any other server, such as the
 * JVM-wide {@link RedisServers#shared()} one or a server given by {@code REDIS_URL}, they throw
 * {@link UnsupportedOperationException}, so a test cannot take a server away from other tests.
 *
 * <p>Implementations are thread-safe.
 */
public interface RedisServer {

    /**
     * The address to hand to a client, e.g. {@code redis://127.0.0.1:51234}; for a server given by
     * {@code REDIS_URL}, that URL exactly as given (credentials and database included).
     *
     * @return the URI, never {@code null}
     */
    String uri();

    /** @return the host name or IP address to connect to, never {@code null} */
    String host();

    /** @return the TCP port; the same across {@link #stop()} and {@link #start()} of an owned server */
    int port();

    /** @return where this server comes from, never {@code null} */
    RedisSource source();

    /** @return {@code true} if the caller may stop and start this server */
    boolean isOwned();

    /**
     * Sends a RESP {@code PING} over a fresh socket and waits briefly (one second) for {@code +PONG}.
     *
     * @return {@code true} if the server answered PONG; {@code false} if it is down, unreachable or
     *         answered anything else
     */
    boolean isRunning();

    /**
     * Kills the server process abruptly (SIGKILL; a container is killed), like a crash: clients see
     * their connections reset, nothing is flushed. Returns once the process is gone. Does nothing if
     * the server is already stopped.
     *
     * @throws UnsupportedOperationException if the server is not {@linkplain #isOwned() owned}
     */
    void stop();

    /**
     * Stops the server the polite way (SIGTERM, which Redis handles like {@code SHUTDOWN}) and waits
     * for it to exit, falling back to {@link #stop()} after a few seconds.
     *
     * @throws UnsupportedOperationException if the server is not {@linkplain #isOwned() owned}
     */
    void stopGracefully();

    /**
     * Starts a stopped server again on the same port (with an empty data set) and returns once it
     * answers PING. Does nothing if it is running.
     *
     * @throws UnsupportedOperationException if the server is not {@linkplain #isOwned() owned}
     * @throws IllegalStateException if the server was closed, or did not answer PING in time (the
     *                               message names the binary and carries its log)
     */
    void start();

    /**
     * {@link #stop()} (a crash) followed by {@link #start()} on the same port.
     *
     * @throws UnsupportedOperationException if the server is not {@linkplain #isOwned() owned}
     * @throws IllegalStateException as {@link #start()}
     */
    default void restart() {
        stop();
        start();
    }
}
