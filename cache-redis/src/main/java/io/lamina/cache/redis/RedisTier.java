package io.lamina.cache.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lamina.cache.redis.internal.Guard;
import io.lamina.cache.redis.internal.LettuceStore;
import io.lamina.cache.redis.internal.RedissonDistributedLock;
import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.spi.TagKey;
import io.lamina.cache.redis.internal.RedisBus;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteTier;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.SslVerificationMode;

/**
 * Lamina's shared tier on Redis: entries and fenced fills on Lettuce, the lock across JVMs on Redisson.
 *
 * <pre>{@code
 * RemoteTier redis = RedisTier.create("redis://127.0.0.1:6379");
 * RemoteTier secured = RedisTier.builder().uri("rediss://cache.internal:6380")
 *         .username("lamina").password("...").commandTimeout(Duration.ofMillis(200)).build();
 * }</pre>
 *
 * <p>Redis is optional at run time: building never connects synchronously, so it succeeds with Redis
 * down; every command has a timeout (500 ms by default, not Lettuce's 60 s); commands are rejected, not
 * queued, while disconnected; a circuit breaker stops sending while Redis fails and sends a few probes
 * after {@code openDuration} until it answers again. Callers of the template see misses, never errors.
 *
 * <p>Clients built here are closed by {@link #close()}; clients handed in are left to their owner.
 * Thread-safe.
 */
public final class RedisTier implements RemoteTier {

    private final LettuceStore store;
    private final RedisBus bus;
    private final RedissonDistributedLock lock;
    private final Guard guard;
    private final Duration commandTimeout;
    private final Duration lockLease;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisTier(Builder b) {
        this.commandTimeout = b.commandTimeout;
        this.lockLease = b.lockLease;
        this.guard = new Guard(CircuitBreaker.of("lamina-redis", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.breakerWindow)
                .minimumNumberOfCalls(b.breakerMinimumCalls)
                .failureRateThreshold(b.breakerFailureRate)
                .waitDurationInOpenState(b.openDuration)
                .permittedNumberOfCallsInHalfOpenState(3)
                .build()));
        this.owned = new ArrayList<>();
        List<RedisURI> uris = b.uris.stream().map(u -> b.redisUri(u)).toList();
        ClientResources resources = null;
        if (b.lettuce == null) {
            resources = DefaultClientResources.builder()
                    .ioThreadPoolSize(2)
                    .computationThreadPoolSize(2)
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .build();
        }
        SocketOptions socket = SocketOptions.builder().connectTimeout(b.connectTimeout).keepAlive(true).build();
        io.lettuce.core.SslOptions ssl = b.trustedCertificates == null ? io.lettuce.core.SslOptions.create()
                : io.lettuce.core.SslOptions.builder().jdkSslProvider().trustManager(TrustFiles.trustManagers(b.trustedCertificates)).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(b.commandTimeout);
        if (b.cluster) {
            RedisClusterClient client = b.lettuce != null ? (RedisClusterClient) b.lettuce : RedisClusterClient.create(resources, uris);
            if (b.lettuce == null) {
                client.setOptions(ClusterClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .requestQueueSize(b.requestQueueSize)
                        .socketOptions(socket)
                        .sslOptions(ssl)
                        .timeoutOptions(timeouts)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enablePeriodicRefresh(Duration.ofSeconds(30))
                                .enableAllAdaptiveRefreshTriggers()
                                .build())
                        .build());
                owned.add(client::shutdown);
            }
            this.store = new LettuceStore(() -> client.connectAsync(ByteArrayCodec.INSTANCE),
                    c -> ((StatefulRedisClusterConnection<byte[], byte[]>) c).async());
            this.bus = new RedisBus(client, () -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE).thenApply(c -> c),
                    store::publish, guard);
        } else {
            RedisClient client = b.lettuce != null ? (RedisClient) b.lettuce : RedisClient.create(resources);
            if (b.lettuce == null) {
                client.setOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .requestQueueSize(b.requestQueueSize)
                        .socketOptions(socket)
                        .sslOptions(ssl)
                        .timeoutOptions(timeouts)
                        .build());
                owned.add(client::shutdown);
            }
            RedisURI uri = uris.get(0);
            this.store = new LettuceStore(() -> client.connectAsync(ByteArrayCodec.INSTANCE, uri),
                    c -> ((StatefulRedisConnection<byte[], byte[]>) c).async());
            this.bus = new RedisBus(client, () -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).thenApply(c -> c),
                    store::publish, guard);
        }
        if (resources != null) {
            ClientResources r = resources;
            owned.add(() -> r.shutdown());
        }
        RedissonClient redisson = b.redisson != null ? b.redisson : Redisson.create(b.redissonConfig());
        if (b.redisson == null) {
            owned.add(0, redisson::shutdown);
        }
        this.lock = new RedissonDistributedLock(redisson, guard);
        store.connectEagerly();
    }

    /** A tier on one Redis URI ({@code redis://}, {@code rediss://} or {@code redis-sentinel://}) with default settings. */
    public static RedisTier create(String uri) {
        return builder().uri(uri).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<byte[]> get(RemoteKey key) {
        return guard.call(() -> store.get(key));
    }

    @Override
    public CompletionStage<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree) {
        return guard.call(() -> store.getOrLease(key, token, leaseTtl, onlyIfFree));
    }

    @Override
    public CompletionStage<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl) {
        return guard.call(() -> store.fill(key, token, value, ttl));
    }

    @Override
    public CompletionStage<Void> put(RemoteKey key, byte[] value, Duration ttl) {
        return guard.call(() -> store.put(key, value, ttl));
    }

    @Override
    public CompletionStage<Void> invalidate(RemoteKey key) {
        return guard.call(() -> store.invalidate(key));
    }

    @Override
    public CompletionStage<Long> invalidateTag(TagKey tag, Duration ttl) {
        return guard.call(() -> store.invalidateTag(tag, ttl));
    }

    @Override
    public CompletionStage<Long> tagVersion(TagKey tag) {
        return guard.call(() -> store.tagVersion(tag));
    }

    @Override
    public CompletionStage<Long> ensureTag(TagKey tag, long stamp, Duration ttl) {
        return guard.call(() -> store.ensureTag(tag, stamp, ttl));
    }

    @Override
    public InvalidationBus bus() {
        return bus;
    }

    @Override
    public DistributedLock lock() {
        return lock;
    }

    @Override
    public boolean isAvailable() {
        return guard.isAvailable();
    }

    @Override
    public Duration lockLease() {
        return lockLease;
    }

    @Override
    public Duration operationTimeout() {
        return commandTimeout;
    }

    /** The circuit breaker's state now: CLOSED (sending), OPEN (not sending) or HALF_OPEN (probing). */
    @Override
    public io.lamina.cache.BreakerState breakerState() {
        return switch (guard.breaker().getState()) {
            case OPEN, FORCED_OPEN -> io.lamina.cache.BreakerState.OPEN;
            case HALF_OPEN -> io.lamina.cache.BreakerState.HALF_OPEN;
            default -> io.lamina.cache.BreakerState.CLOSED;   // CLOSED, DISABLED, METRICS_ONLY: calls are sent
        };
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        bus.close();
        store.close();
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger("io.lamina.cache").log(System.Logger.Level.DEBUG, "closing a Redis client failed", e);
            }
        }
    }

    /** Builds a {@link RedisTier}. Every setter validates at once. */
    public static final class Builder {
        private final List<String> uris = new ArrayList<>();
        private boolean cluster;
        private String username;
        private char[] password;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration commandTimeout = Duration.ofMillis(500);
        private Duration lockLease = Duration.ofSeconds(30);
        private Duration openDuration = Duration.ofSeconds(1);
        private int breakerWindow = 20;
        private int breakerMinimumCalls = 10;
        private float breakerFailureRate = 50;
        private int requestQueueSize = 10_000;
        private AbstractRedisClient lettuce;
        private RedissonClient redisson;
        private java.nio.file.Path trustedCertificates;

        private Builder() {
        }

        /**
         * One Redis: {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for TLS (the server's
         * certificate and host name are verified), or {@code redis-sentinel://host:26379,host2:26379#master}.
         *
         * @throws IllegalArgumentException if the URI is malformed
         */
        public Builder uri(String uri) {
            checkUri(uri);
            this.uris.clear();
            this.uris.add(uri);
            this.cluster = false;
            return this;
        }

        /** A Redis Cluster, by the URIs of some of its nodes. */
        public Builder cluster(List<String> nodeUris) {
            Objects.requireNonNull(nodeUris, "cluster node URIs");
            if (nodeUris.isEmpty()) {
                throw new IllegalArgumentException("a cluster needs at least one node URI");
            }
            nodeUris.forEach(Builder::checkUri);
            this.uris.clear();
            this.uris.addAll(nodeUris);
            this.cluster = true;
            return this;
        }

        /** ACL user name (overrides one in the URI). */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        /** Password (overrides one in the URI). */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password").toCharArray();
            return this;
        }

        /**
         * For {@code rediss://}: trust the CA certificates in this PEM file (instead of the JVM's default
         * trust store). The server's host name is verified against its certificate either way.
         *
         * @throws IllegalArgumentException if the file is missing or holds no certificate
         */
        public Builder trustedCertificates(java.nio.file.Path pemFile) {
            Objects.requireNonNull(pemFile, "trustedCertificates");
            TrustFiles.trustManagers(pemFile);
            this.trustedCertificates = pemFile;
            return this;
        }

        /** Longest wait for a TCP connection. Default 1 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** Longest wait for one command's reply. Default 500 ms. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = positive("commandTimeout", timeout);
            return this;
        }

        /** How long a lock and a fill lease live if never released; longer than any load. Default 30 s. */
        public Builder lockLease(Duration lease) {
            this.lockLease = positive("lockLease", lease);
            return this;
        }

        /** How long the circuit breaker stays open before probing Redis again. Default 1 s. */
        public Builder openDuration(Duration duration) {
            this.openDuration = positive("openDuration", duration);
            return this;
        }

        /**
         * When the breaker opens: once at least {@code minimumCalls} of the last {@code window} calls were
         * made, and {@code failureRatePercent} of them failed. Defaults 20, 10, 50%.
         */
        public Builder breaker(int window, int minimumCalls, float failureRatePercent) {
            if (window < 1 || minimumCalls < 1 || minimumCalls > window) {
                throw new IllegalArgumentException("breaker needs 1 <= minimumCalls <= window, got window " + window
                        + " and minimumCalls " + minimumCalls);
            }
            if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
                throw new IllegalArgumentException("breaker failureRatePercent must be in (0, 100], got " + failureRatePercent);
            }
            this.breakerWindow = window;
            this.breakerMinimumCalls = minimumCalls;
            this.breakerFailureRate = failureRatePercent;
            return this;
        }

        /** Most commands waiting for a reply on the connection; more are rejected. Default 10 000. */
        public Builder requestQueueSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("requestQueueSize must be positive, got " + size);
            }
            this.requestQueueSize = size;
            return this;
        }

        /**
         * Use these clients instead of building them (a {@link RedisClient} or, with {@link #cluster}, a
         * {@link RedisClusterClient}); their options are the owner's, and {@link RedisTier#close()} leaves
         * them open.
         */
        public Builder clients(AbstractRedisClient lettuce, RedissonClient redisson) {
            this.lettuce = Objects.requireNonNull(lettuce, "lettuce client");
            this.redisson = Objects.requireNonNull(redisson, "redisson client");
            return this;
        }

        public RedisTier build() {
            if (uris.isEmpty()) {
                throw new IllegalStateException("RedisTier needs a uri(...) or cluster(...)");
            }
            if (lettuce != null && cluster != (lettuce instanceof RedisClusterClient)) {
                throw new IllegalArgumentException("the Lettuce client handed in does not match the "
                        + (cluster ? "cluster" : "single-server") + " URIs");
            }
            return new RedisTier(this);
        }

        RedisURI redisUri(String uri) {
            RedisURI parsed = RedisURI.create(uri);
            parsed.setTimeout(commandTimeout);
            UriCredentials.override(parsed, username, password);
            return parsed;
        }

        Config redissonConfig() {
            Config config = new Config();
            // only RLock is used, whose scripts bring their own codecs; without one set, Redisson defaults to Kryo,
            // which Lamina's build excludes with Redisson's other optional dependencies (see the root pom)
            config.setCodec(org.redisson.client.codec.StringCodec.INSTANCE);
            config.setLazyInitialization(true);
            config.setNettyThreads(4);
            config.setThreads(2);
            config.setLockWatchdogTimeout(lockLease.toMillis());
            int timeout = (int) Math.min(Integer.MAX_VALUE, commandTimeout.toMillis());
            int connect = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
            RedisURI first = redisUri(uris.get(0));
            String user = UriCredentials.username(first);   // the builder's, else the URI's
            String pass = UriCredentials.password(first);
            if (cluster) {
                var servers = config.useClusterServers();
                uris.forEach(u -> servers.addNodeAddress(address(redisUri(u))));
                common(servers, timeout, connect, user, pass).setMasterConnectionMinimumIdleSize(1).setSlaveConnectionMinimumIdleSize(1);
            } else if (!first.getSentinels().isEmpty()) {
                // the same database as Lettuce's entries, so a key's lock lives beside it
                var servers = config.useSentinelServers().setMasterName(first.getSentinelMasterId()).setDatabase(first.getDatabase());
                first.getSentinels().forEach(s -> servers.addSentinelAddress(address(s)));
                common(servers, timeout, connect, user, pass).setMasterConnectionMinimumIdleSize(1).setSlaveConnectionMinimumIdleSize(1)
                        .setCheckSentinelsList(false);
            } else {
                common(config.useSingleServer().setAddress(address(first)).setDatabase(first.getDatabase()), timeout, connect, user, pass)
                        .setConnectionMinimumIdleSize(1).setConnectionPoolSize(8)
                        .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(4);
            }
            if (trustedCertificates != null) {
                javax.net.ssl.TrustManagerFactory tmf = TrustFiles.trustManagers(trustedCertificates);
                if (cluster) {
                    config.useClusterServers().setSslTrustManagerFactory(tmf);
                } else if (!first.getSentinels().isEmpty()) {
                    config.useSentinelServers().setSslTrustManagerFactory(tmf);
                } else {
                    config.useSingleServer().setSslTrustManagerFactory(tmf);
                }
            }
            return config;
        }

        /** What every topology shares: bounded timeouts, no retries (a miss is cheaper), strict TLS, ACL user. */
        private static <T extends org.redisson.config.BaseConfig<T>> T common(T config, int timeout, int connect, String user,
                String pass) {
            return config.setTimeout(timeout).setConnectTimeout(connect).setRetryAttempts(0)
                    .setSslVerificationMode(SslVerificationMode.STRICT).setUsername(user).setPassword(pass);
        }

        private static String address(RedisURI uri) {
            return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
        }

        private static void checkUri(String uri) {
            Objects.requireNonNull(uri, "uri");
            try {
                RedisURI parsed = RedisURI.create(uri);
                if (parsed.getHost() == null && parsed.getSentinels().isEmpty() && parsed.getSocket() == null) {
                    throw new IllegalArgumentException("no host");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed Redis URI '" + uri + "': " + e.getMessage(), e);
            }
        }

        private static Duration positive(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + " must be positive, got " + value);
            }
            return value;
        }
    }
}
