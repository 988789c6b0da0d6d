package io.lamina.cache.tests.redis;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Hands out Redis servers for tests, benchmarks and the demo; see the package documentation for the
 * order of sources and how to force one.
 *
 * <pre>{@code
 * RedisServer redis = RedisServers.shared();                // one per JVM, stopped at exit
 * RedisTier tier = RedisTier.create(redis.uri());
 *
 * try (OwnedRedisServer own = RedisServers.startOwned()) {  // a fault test's own server
 *     own.stop();                                           // crash (SIGKILL)
 *     own.start();                                          // same port, empty data set
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe.
 */
public final class RedisServers {

    private static final System.Logger LOG = System.getLogger(RedisServers.class.getName());
    private static final String BINARY = "redis-server";

    private static final Object LOCK = new Object();
    private static RedisServer shared;          // guarded by LOCK
    private static RuntimeException sharedFailure;  // guarded by LOCK

    private RedisServers() {
    }

    /**
     * The JVM-wide server: {@code REDIS_URL}, else {@code redis-server} from the PATH, else a container,
     * else the embedded binary (or the forced source). Started on first call, stopped by a shutdown
     * hook. It is not {@linkplain RedisServer#isOwned() owned}: callers cannot stop it, and share it
     * with every other test, so they keep to their own namespace.
     *
     * @return the shared server, the same instance on every call
     * @throws IllegalStateException if no server could be had (then on every later call as well,
     *                               with the first failure as the cause)
     */
    public static RedisServer shared() {
        synchronized (LOCK) {
            if (shared == null) {
                if (sharedFailure != null) {
                    throw new IllegalStateException("the shared Redis server failed to start earlier in this JVM",
                            sharedFailure);
                }
                try {
                    long began = System.nanoTime();
                    RedisSettings settings = RedisSettings.fromEnvironment();
                    RedisSource source = RedisLocator.forShared(environment(settings));
                    shared = source == RedisSource.URL
                            ? UnownedRedisServer.fromUrl(requireUrl(settings))
                            : UnownedRedisServer.viewOf(start(source, settings));
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                    LOG.log(System.Logger.Level.INFO, () -> "Shared Redis for this JVM: " + shared.uri() + " ("
                            + source + "), ready in " + millis + " ms");
                } catch (RuntimeException e) {
                    sharedFailure = e;
                    throw e;
                }
            }
            return shared;
        }
    }

    /**
     * Starts a new server that the caller owns: {@code redis-server} from the PATH, else the embedded
     * binary, else a container (or the forced source; never {@code REDIS_URL}). Close it when done;
     * what is left open is stopped at JVM exit.
     *
     * @return a running server, answering PING
     * @throws IllegalStateException if none could be started, or if the forced source is {@code url}
     */
    public static OwnedRedisServer startOwned() {
        RedisSettings settings = RedisSettings.fromEnvironment();
        return start(RedisLocator.forOwned(environment(settings)), settings);
    }

    /**
     * Starts a new server that the caller owns, from the given source, whatever is configured.
     *
     * @param source {@link RedisSource#PATH}, {@link RedisSource#EMBEDDED} or {@link RedisSource#TESTCONTAINERS}
     * @return a running server, answering PING
     * @throws IllegalArgumentException if {@code source} is {@link RedisSource#URL}
     * @throws IllegalStateException if that source is not available here or the server did not start
     */
    public static OwnedRedisServer startOwned(RedisSource source) {
        if (source == RedisSource.URL) {
            throw new IllegalArgumentException(
                    "a server given by URL cannot be owned; choose PATH, EMBEDDED or TESTCONTAINERS");
        }
        return start(source, RedisSettings.fromEnvironment());
    }

    private static OwnedRedisServer start(RedisSource source, RedisSettings settings) {
        switch (source) {
            case PATH:
                Path binary = RedisLocator.findOnPath(BINARY).orElseThrow(() -> new IllegalStateException(
                        "no " + BINARY + " on the PATH (" + System.getenv("PATH") + ")"));
                return RedisProcess.start(binary, RedisSource.PATH, settings.startTimeout());
            case EMBEDDED:
                return RedisProcess.start(EmbeddedRedisBinary.path(), RedisSource.EMBEDDED, settings.startTimeout());
            case TESTCONTAINERS:
                if (!DockerProbe.isAvailable(settings.dockerTimeout())) {
                    throw new IllegalStateException("Testcontainers found no Docker engine (probe bounded to "
                            + settings.dockerTimeout().toSeconds() + " s; its log says why),"
                            + " so no Redis container can be started");
                }
                return ContainerRedisServer.start(settings.image(), settings.startTimeout());
            default:
                throw new IllegalArgumentException("cannot start a server of source " + source);
        }
    }

    /** A {@code redis-server} executable and where it comes from. */
    record Binary(Path path, RedisSource source) {
    }

    /**
     * The binary that multi-process topologies (cluster, Sentinel) run: {@code redis-server} from the
     * PATH, else the embedded one. A forced {@code path} or {@code embedded} source is honoured; the
     * other forced sources ({@code url}, {@code testcontainers}) cannot make a topology, and fall back
     * to the same order.
     *
     * @throws IllegalStateException if {@code path} is forced and no binary is on the PATH, or no
     *                               binary at all is available
     */
    static Binary processBinary() {
        var forced = RedisSettings.fromEnvironment().forced();
        if (forced.isPresent() && forced.get() == RedisSource.EMBEDDED) {
            return new Binary(EmbeddedRedisBinary.path(), RedisSource.EMBEDDED);
        }
        var onPath = RedisLocator.findOnPath(BINARY);
        if (onPath.isPresent()) {
            return new Binary(onPath.get(), RedisSource.PATH);
        }
        if (forced.isPresent() && forced.get() == RedisSource.PATH) {
            throw new IllegalStateException("no " + BINARY + " on the PATH (" + System.getenv("PATH") + ")");
        }
        return new Binary(EmbeddedRedisBinary.path(), RedisSource.EMBEDDED);
    }

    /** Start timeout of one process, as configured. */
    static java.time.Duration startTimeout() {
        return RedisSettings.fromEnvironment().startTimeout();
    }

    private static RedisLocator.Environment environment(RedisSettings settings) {
        return new RedisLocator.Environment(settings.redisUrl(), settings.forced(),
                () -> RedisLocator.findOnPath(BINARY),
                () -> DockerProbe.isAvailable(settings.dockerTimeout()),
                EmbeddedRedisBinary::isAvailable);
    }

    private static String requireUrl(RedisSettings settings) {
        if (settings.redisUrl() == null) {
            throw new IllegalStateException(RedisSettings.SOURCE_ENV + "=url, but neither " + RedisSettings.URL_ENV
                    + " nor -D" + RedisSettings.URL_PROPERTY + " is set");
        }
        return settings.redisUrl();
    }
}
