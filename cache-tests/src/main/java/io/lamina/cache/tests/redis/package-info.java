/**
 * Real Redis servers for Lamina's tests, benchmarks and demo. Nothing here mocks Redis.
 *
 * <h2>Where a Redis comes from</h2>
 * {@link io.lamina.cache.tests.redis.RedisServers#shared()} hands out one server per JVM, found in
 * this order:
 * <ol>
 *   <li>{@code URL}: the {@code REDIS_URL} environment variable (or the {@code lamina.redis.url}
 *       system property), e.g. {@code redis://127.0.0.1:6379}. Used as is; nothing is started, and
 *       the server cannot be stopped through this package.</li>
 *   <li>{@code PATH}: a {@code redis-server} found on the {@code PATH}, started as our own process on a
 *       free port of 127.0.0.1 with {@code --save "" --appendonly no} and no password.</li>
 *   <li>{@code TESTCONTAINERS}: a {@code redis:7.2-alpine} container (image overridable with
 *       {@code lamina.redis.image}), if a Docker engine answers within a few seconds.</li>
 *   <li>{@code EMBEDDED}: the {@code redis-server} binary shipped inside the
 *       {@code com.github.codemonstur:embedded-redis} artifact (Redis 6.2 for Linux x86_64 and arm64,
 *       macOS, Windows), extracted once per JVM and started like {@code PATH}.</li>
 * </ol>
 * The shared server is started lazily on first use and stopped by a JVM shutdown hook.
 *
 * <p>{@link io.lamina.cache.tests.redis.RedisServers#startOwned()} starts a fresh server that the
 * caller owns (for fault tests that kill and restart it): {@code PATH}, else {@code EMBEDDED}, else
 * {@code TESTCONTAINERS}. {@code REDIS_URL} is never used for an owned server.
 *
 * <h2>Forcing a source</h2>
 * The system property {@code lamina.redis.source} (or the environment variable
 * {@code LAMINA_REDIS_SOURCE}; the property wins) set to {@code url}, {@code path},
 * {@code testcontainers} or {@code embedded} makes every server come from that source, shared and
 * owned alike, ignoring the order above; if that source is not available, starting fails with an
 * error instead of falling through. {@code auto} or an empty value restores the order. Example:
 * {@code LAMINA_REDIS_SOURCE=embedded mvn verify -pl cache-tests}.
 *
 * <h2>In JUnit 5 tests</h2>
 * Annotate the class with {@link io.lamina.cache.tests.redis.RedisTest @RedisTest} and declare
 * parameters: a {@link io.lamina.cache.tests.redis.RedisServer} (the shared server), an
 * {@link io.lamina.cache.tests.redis.OwnedRedisServer} (a server of the test class's own, stopped
 * after the class), an {@link io.lamina.cache.tests.redis.OwnedRedisCluster} or an
 * {@link io.lamina.cache.tests.redis.OwnedRedisSentinel} (the class's own, likewise) or a
 * {@link io.lamina.cache.tests.redis.RedisNamespace @RedisNamespace} String (unique per test class,
 * so classes sharing a server never see each other's keys).
 *
 * <h2>Cluster, Sentinel and network faults</h2>
 * The same {@code redis-server} binary ({@code PATH}, else {@code EMBEDDED}; a forced {@code path} or
 * {@code embedded} source is honoured) also runs
 * <ul>
 *   <li>{@link io.lamina.cache.tests.redis.OwnedRedisCluster}: 6 processes, 3 primaries and 3 replicas,
 *       formed with raw RESP ({@code CLUSTER ADDSLOTS}, {@code MEET}, {@code REPLICATE}), with a short
 *       {@code cluster-node-timeout} so failover takes seconds;</li>
 *   <li>{@link io.lamina.cache.tests.redis.OwnedRedisSentinel}: a primary, a replica and 3 sentinels
 *       ({@code redis-server sentinel.conf --sentinel}) watching it under the name {@code lamina}.</li>
 * </ul>
 * Their nodes are {@link io.lamina.cache.tests.redis.RedisNode}s a test may kill, restart, pause and
 * resume. {@code @RedisTest} resolves parameters of both types, once per test class.
 * {@link io.lamina.cache.tests.redis.FaultProxy} sits between a client and any of these servers for
 * network faults (latency, hold, silent drop, reset, refused or blackholed new connections).
 *
 * <p>No process outlives the JVM: every server this package starts is stopped when its owner closes
 * it, at the end of its test class, or by the shutdown hook; on Unix a small watchdog also kills it
 * if the JVM itself is killed. Readiness is checked with a plain RESP {@code PING} over a socket.
 */
package io.lamina.cache.tests.redis;
