package io.lamina.cache.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lamina.cache.BreakerState;
import io.lamina.cache.redis.internal.Connections;
import io.lamina.cache.redis.internal.Guard;
import io.lamina.cache.redis.internal.LettuceStore;
import io.lamina.cache.redis.internal.RecentWrites;
import io.lamina.cache.redis.internal.RedisBus;
import io.lamina.cache.redis.internal.RedisUris;
import io.lamina.cache.redis.internal.RedissonConfigs;
import io.lamina.cache.redis.internal.NoWaitLock;
import io.lamina.cache.redis.internal.RedissonLauncher;
import io.lamina.cache.redis.internal.RedissonTierLock;
import io.lamina.cache.redis.internal.TierLock;
import io.lamina.cache.redis.internal.Routes;
import io.lamina.cache.redis.internal.SentinelWatch;
import io.lamina.cache.redis.internal.Topology;
import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spi.TagKey;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.api.RedissonClient;

/**
 * Lamina's shared tier on Redis: entries and fenced fills on Lettuce, the lock across JVMs on Redisson. One
 * Redis, a Sentinel-managed primary, or a Redis Cluster:
 *
 * <pre>{@code
 * RemoteTier redis = RedisTier.create("redis://127.0.0.1:6379");
 * RemoteTier sentinel = RedisTier.create("redis-sentinel://s1:26379,s2:26379,s3:26379#mymaster");
 * RemoteTier cluster = RedisTier.builder().cluster(List.of("redis://n1:6379", "redis://n2:6379")).build();
 * RemoteTier secured = RedisTier.builder().uri("rediss://cache.internal:6380")
 *         .username("lamina").password("...").commandTimeout(Duration.ofMillis(200)).build();
 * }</pre>
 *
 * <p>Redis is optional at run time: building never connects synchronously, so it succeeds with Redis
 * down; every command has a timeout (500 ms by default, not Lettuce's 60 s); commands are rejected, not
 * queued, while disconnected; a circuit breaker per primary (and one apart for the lock) stops sending while that
 * primary fails and sends a few probes after {@code openDuration} until it answers again. Callers of the
 * template see misses, never errors. On a Cluster the slot map is refreshed every {@code topologyRefresh} and
 * within about a second of errors; on Sentinel the tier follows the primary the moment Sentinel switches it.
 * After a failover, the writes of the last {@code failoverReplay} are made again as invalidations, so a write
 * the old primary took but did not hand on never brings an old value back.
 *
 * <p>Clients built here are closed by {@link #close()}; clients handed in are left to their owner.
 * Thread-safe.
 */
public final class RedisTier implements RemoteTier {

    private static final System.Logger LOG = System.getLogger("io.lamina.cache.redis");
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Topology topology;
    private final LettuceStore store;
    private final RedisBus bus;
    private final TierLock lock;
    private final Guard guard;
    private final Routes routes;
    private final Duration commandTimeout;
    private final Duration lockLease;
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor lockThreads;
    /** Lettuce's client and connections: built by the constructor, or by a thread of its own ({@link Builder#backgroundStart}). */
    private final CompletableFuture<Connections> lettuce;
    /** What this tier built, closed in this order; added to by the start thread too. */
    private final List<AutoCloseable> owned = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.LongAdder failoverReplays = new java.util.concurrent.atomic.LongAdder();

    private RedisTier(Builder b) {
        this.commandTimeout = b.commandTimeout;
        this.lockLease = b.lockLease;
        this.guard = new Guard(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.breakerWindow)
                .minimumNumberOfCalls(b.breakerMinimumCalls)
                .failureRateThreshold(b.breakerFailureRate)
                .waitDurationInOpenState(b.openDuration)
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
        List<RedisURI> uris = b.uris.stream().map(b::redisUri).toList();
        this.topology = b.cluster ? Topology.CLUSTER : uris.get(0).getSentinels().isEmpty() ? Topology.STANDALONE : Topology.SENTINEL;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lamina-redis-timer-"));
        this.lockThreads = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "lamina-redis-lock-"), new ThreadPoolExecutor.CallerRunsPolicy());
        RecentWrites recent = new RecentWrites(b.failoverReplay, 10_000, System::nanoTime);
        if (b.lettuce != null) {
            this.lettuce = CompletableFuture.completedFuture(Connections.of(topology, b.lettuce, uris, null));
        } else if (b.backgroundStart) {
            this.lettuce = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    Connections built = buildClient(b, uris);
                    if (closed.get()) {
                        closeOwned();   // close() ran meanwhile and gave up waiting for this
                    }
                    lettuce.complete(built);
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.ERROR, "building the Redis client failed; the tier stays unavailable"
                            + " (every call is a miss)", e);
                    lettuce.completeExceptionally(e);
                }
            }, "lamina-redis-start");
            starter.setDaemon(true);
            starter.start();
        } else {
            this.lettuce = CompletableFuture.completedFuture(buildClient(b, uris));
        }
        this.routes = topology == Topology.CLUSTER ? Routes.whenBuilt(lettuce.thenApply(Connections::routes)) : Routes.single();
        // started in the background, connections are opened on the timer too: the first one loads most of Netty's and
        // Lettuce's connection classes (about as long as building the client), which must not land on the caller
        java.util.concurrent.Executor opener = b.backgroundStart && b.lettuce == null ? timer : Runnable::run;
        this.store = new LettuceStore(() -> lettuce.thenComposeAsync(c -> c.data().get(), opener), Connections::commandsOf,
                guard, routes, recent, b.commandTimeout, b.maxValueSize);
        this.bus = new RedisBus(lettuce.thenApply(Connections::client),
                () -> lettuce.thenComposeAsync(c -> c.subscriber().get(), opener), store::publish, recent, store::reconnectPublisher);
        // Redisson is optional: without it a miss that finds another node's lease polls Redis instead of waiting on the
        // lock's channel; with it, its client is built only once a miss goes to Redis (never at startup)
        this.lock = b.redisson != null || TierLock.redissonPresent() ? redissonLock(b, topology, uris) : new NoWaitLock();
        // at once when the client was built above, else on the start thread once it is
        lettuce.thenAccept(c -> listen(c, uris.get(0), b.topologyRefresh));
        store.connectEagerly();
        long every = Math.max(1, b.linkCheck.toMillis() / 3);
        Duration pingTimeout = Duration.ofMillis(every);
        timer.scheduleWithFixedDelay(() -> store.checkLinks(b.linkCheck, pingTimeout).whenComplete((reopened, failure) -> {
            if (reopened != null && reopened > 0) {
                LOG.log(System.Logger.Level.WARNING, reopened + " Redis connection(s) answered nothing for " + b.linkCheck
                        + " and were reopened");
            }
        }), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The lock on Redisson: on the client handed in, else on one built on demand, in the background. No Redisson type
     * appears in this class's own signatures (frameworks introspect it, and Redisson may be absent): the lock's class
     * holds them.
     */
    private TierLock redissonLock(Builder b, Topology topology, List<RedisURI> uris) {
        RedissonConfigs.Settings settings = null;
        if (b.redisson == null) {
            RedisUris.Credentials written = RedisUris.credentials(b.uris.get(0));
            settings = new RedissonConfigs.Settings(topology, uris,
                    b.username != null ? b.username : written.username(),
                    b.password != null ? new String(b.password) : written.password(),
                    b.sentinelUsername, b.sentinelPassword == null ? null : new String(b.sentinelPassword),
                    b.commandTimeout, b.connectTimeout, b.lockLease, b.topologyRefresh,
                    b.trustedCertificates == null ? null : TrustFiles.trustManagers(b.trustedCertificates), b.linkCheck);
        }
        return RedissonTierLock.create(b.redisson, settings, b.connectTimeout.multipliedBy(4).plusSeconds(5), guard, routes,
                lockThreads, b.commandTimeout);
    }

    /**
     * Lettuce's resources (event loops, timers, the event bus) and client, with Lamina's options: about a second of
     * class loading and thread start-up on a cold JVM, which {@link Builder#backgroundStart} moves off the caller.
     * What it builds is closed by {@link #close()}.
     */
    private Connections buildClient(Builder b, List<RedisURI> uris) {
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                // capped at 500 ms and jittered (so nodes do not reconnect in lockstep): a restarted Redis is
                // reconnected within about half a second, and L2 used again well within 2 s (RedisRestartIT)
                .reconnectDelay(Delay.equalJitter(Duration.ofMillis(20), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
                // Lettuce records every command's latency whenever LatencyUtils is on the class path (Micrometer brings
                // it): a wrapper and a histogram update per command, published on a timer. Lamina's own meters measure
                // what users see; this one only cost every read and write (ColdMissBenchmark, issue 17)
                .commandLatencyRecorder(io.lettuce.core.metrics.CommandLatencyRecorder.disabled())
                .build();
        owned.add(() -> resources.shutdown(0, 2, TimeUnit.SECONDS));
        AbstractRedisClient client = b.cluster ? RedisClusterClient.create(resources, uris) : RedisClient.create(resources);
        owned.add(0, () -> client.shutdown(0, 2, TimeUnit.SECONDS));
        io.lettuce.core.SslOptions ssl = b.trustedCertificates == null ? io.lettuce.core.SslOptions.create()
                : io.lettuce.core.SslOptions.builder().jdkSslProvider().trustManager(TrustFiles.trustManagers(b.trustedCertificates)).build();
        return Connections.of(topology, client, uris, new Connections.Options(b.connectTimeout, b.commandTimeout,
                b.requestQueueSize, ssl, b.topologyRefresh));
    }

    /** What the tier listens to on the Lettuce client: failovers, reconnects, and on Sentinel the primary's switches. */
    private void listen(Connections connections, RedisURI uri, Duration topologyRefresh) {
        if (closed.get()) {
            return;
        }
        owned.add(0, connections.onPrimariesChanged(this::afterFailover));
        // a reconnect ends the data breakers' open period at once, but only once the data connection is open: the
        // subscriber's reconnect alone would send probes on a data connection still down, and re-open them
        var reconnects = connections.client().getResources().eventBus().get()
                .filter(io.lettuce.core.event.connection.ConnectionActivatedEvent.class::isInstance)
                .subscribe(e -> {
                    try {
                        timer.execute(() -> probeAfterReconnect(10));
                    } catch (java.util.concurrent.RejectedExecutionException closing) {
                        // the tier is closing
                    }
                });
        owned.add(0, reconnects::dispose);
        if (topology == Topology.SENTINEL) {
            SentinelWatch watch = new SentinelWatch((RedisClient) connections.client(), uri, topologyRefresh, timer,
                    primary -> {
                        store.reconnect().thenCompose(v -> replay()).exceptionally(e -> null);
                        bus.resubscribe();
                    });
            owned.add(0, watch);
        }
    }

    /** Half-opens the open data breakers once the data connection is open; checks again every 20 ms, {@code tries} times. */
    private void probeAfterReconnect(int tries) {
        if (closed.get()) {
            return;
        }
        if (store.isConnected()) {
            guard.reconnected();
        } else if (tries > 1) {
            try {
                timer.schedule(() -> probeAfterReconnect(tries - 1), 20, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the tier is closing
            }
        }
    }

    private static Thread daemon(Runnable r, String prefix) {
        Thread t = new Thread(r, prefix + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    private void afterFailover() {
        LOG.log(System.Logger.Level.INFO, "the Redis Cluster's primaries changed; replaying recent writes on the new primaries");
        guard.retainRoutes(routes.live());
        store.forgetClocks();
        timer.execute(this::replay);
    }

    private java.util.concurrent.CompletableFuture<Void> replay() {
        failoverReplays.increment();
        return store.replayRecent();
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
        return store.get(key);
    }

    @Override
    public CompletionStage<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree) {
        lock.missed();
        return store.getOrLease(key, token, leaseTtl, onlyIfFree);
    }

    @Override
    public CompletionStage<LeaseResult> readOrLease(RemoteKey key, String token, Duration leaseTtl) {
        // on a miss the lock client may be needed soon, to wait under contention
        return store.readOrLease(key, token, leaseTtl, lock::missed);
    }

    @Override
    public CompletionStage<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl) {
        return store.fill(key, token, value, ttl);
    }

    @Override
    public CompletionStage<Void> releaseLease(RemoteKey key, String token) {
        return store.releaseLease(key, token);
    }

    @Override
    public CompletionStage<Void> put(RemoteKey key, byte[] value, Duration ttl) {
        return store.put(key, value, ttl);
    }

    @Override
    public CompletionStage<Void> invalidate(RemoteKey key) {
        return store.invalidate(key);
    }

    @Override
    public CompletionStage<Void> invalidate(RemoteKey key, String channel, byte[] message) {
        return store.invalidate(key, channel, message);
    }

    @Override
    public CompletionStage<java.util.List<byte[]>> getAll(java.util.List<RemoteKey> keys) {
        return store.getAll(keys);
    }

    @Override
    public CompletionStage<java.util.List<LeaseResult>> leaseAll(java.util.List<RemoteKey> keys, java.util.List<String> tokens,
            Duration leaseTtl) {
        return store.leaseAll(keys, tokens, leaseTtl);
    }

    @Override
    public CompletionStage<java.util.List<Boolean>> fillAll(java.util.List<RemoteKey> keys, java.util.List<String> tokens,
            java.util.List<byte[]> values, java.util.List<Duration> ttls) {
        return store.fillAll(keys, tokens, values, ttls);
    }

    @Override
    public CompletionStage<Void> putAll(java.util.List<RemoteKey> keys, java.util.List<byte[]> values, java.util.List<Duration> ttls) {
        return store.putAll(keys, values, ttls);
    }

    @Override
    public CompletionStage<Void> invalidateAll(java.util.List<RemoteKey> keys, String channel, byte[] message) {
        return store.invalidateAll(keys, channel, message);
    }

    @Override
    public CompletionStage<Long> invalidateTag(TagKey tag, Duration ttl) {
        return store.invalidateTag(tag, ttl);
    }

    @Override
    public CompletionStage<Long> tagVersion(TagKey tag) {
        return store.tagVersion(tag);
    }

    @Override
    public CompletionStage<Long> ensureTag(TagKey tag, long stamp, Duration ttl) {
        return store.ensureTag(tag, stamp, ttl);
    }

    @Override
    public InvalidationBus bus() {
        return bus;
    }

    @Override
    public DistributedLock lock() {
        return lock;
    }

    /** Whether calls are being sent on some route (false only while every primary's data breaker is open). */
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

    /**
     * The data breakers' state now, the worst of them: OPEN if some primary's breaker is open (its keys are not
     * sent), HALF_OPEN if one is probing, else CLOSED. {@link #breakerStates()} has each one.
     */
    @Override
    public BreakerState breakerState() {
        return guard.dataState();
    }

    /** The lock breakers' state now, the worst of them (the lock runs on Redisson, apart from the data). */
    @Override
    public BreakerState lockBreakerState() {
        return guard.lockState();
    }

    /**
     * Every breaker's state by route: {@code data} (one Redis or the Sentinel primary) or a primary's
     * {@code host:port} (Cluster), and {@code lock@...} for the lock's breakers.
     */
    public Map<String, BreakerState> breakerStates() {
        return guard.states();
    }

    /**
     * Whether the Lettuce client is still being built ({@link Builder#backgroundStart}): calls made meanwhile wait for
     * it, as they wait for a first connection, within the caller's timeouts.
     */
    @Override
    public boolean isStarting() {
        return !lettuce.isDone();
    }

    /** STANDALONE, SENTINEL or CLUSTER. */
    public String topology() {
        return topology.name();
    }

    /** Lock releases that failed (the lock then frees itself after its lease). */
    public long unlockFailures() {
        return lock.unlockFailures();
    }

    /** {@code link_resets}, {@code late_writes}, {@code unlock_failures} and {@code failover_replays}, in that order. */
    @Override
    public Map<String, Long> events() {
        Map<String, Long> events = new java.util.LinkedHashMap<>();
        events.put("link_resets", linkResets());
        events.put("late_writes", lateWrites());
        events.put("unlock_failures", unlockFailures());
        events.put("failover_replays", failoverReplays());
        events.put("held_back_reads", heldBackReads());
        return events;
    }

    /**
     * Misses whose first step read the entry on its own (the lease asked for after, only if nothing was stored) because
     * Redis held this node's writes back ({@code CLIENT PAUSE WRITE}, as in a failover) while it answered reads.
     */
    public long heldBackReads() {
        return store.heldBackReads();
    }

    /** Connections (reads, writes, bus publisher) found silent by the liveness check and reopened. */
    public long linkResets() {
        return store.linkResets();
    }

    /** Puts Redis refused because they arrived after their caller's timeout (see docs/redis.md, "Fenced writes"). */
    public long lateWrites() {
        return store.lateWrites();
    }

    /** Times recent writes were replayed after a failover. */
    public long failoverReplays() {
        return failoverReplays.sum();
    }

    /**
     * Closes what this tier built, within a bounded time (about 10 s at most) whatever state the clients are in.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread closer = new Thread(() -> {
            bus.close();
            store.close();
            lock.close();
            try {
                lettuce.get(5, TimeUnit.SECONDS);   // a client still being built is closed when it is (see the start thread)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // failed to build: closes what it had built; still building: closed by the start thread
            }
            closeOwned();
        }, "lamina-redis-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        lockThreads.shutdown();
        if (closer.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "closing the Redis tier took over 10 s; left its clients to finish in the background");
        }
    }

    /** Closes what this tier built so far; each once. */
    private void closeOwned() {
        for (AutoCloseable c : owned) {
            if (owned.remove(c)) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a Redis client failed", e);
                }
            }
        }
    }

    /** Builds a {@link RedisTier}. Every setter validates at once. */
    public static final class Builder {
        private final List<String> uris = new ArrayList<>();
        private boolean cluster;
        private String username;
        private char[] password;
        private char[] sentinelPassword;
        private String sentinelUsername;
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
        private Duration topologyRefresh = Duration.ofSeconds(5);
        private Duration failoverReplay = Duration.ofSeconds(10);
        private Duration linkCheck = Duration.ofSeconds(3);
        private int maxValueSize = 4 * 1024 * 1024;
        private boolean backgroundStart;

        private Builder() {
        }

        /**
         * One Redis: {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for TLS (the server's
         * certificate and host name are verified), or a Sentinel group:
         * {@code redis-sentinel://[password@]host:26379,host2:26379[/db]#primaryName} ({@code rediss-sentinel://...}: TLS to
         * the sentinels and the data nodes alike).
         *
         * @throws IllegalArgumentException if the URI is malformed or names several hosts (a Cluster is given with
         *                                  {@link #cluster})
         */
        public Builder uri(String uri) {
            checkUri(uri);
            this.uris.clear();
            this.uris.add(uri);
            this.cluster = false;
            return this;
        }

        /**
         * A Redis Cluster, by the URIs of some of its nodes ({@code redis://host:port} or {@code rediss://...}, one
         * node each): the client loads the slot map from them and finds the other nodes itself.
         *
         * @throws IllegalArgumentException if the list is empty, or a URI is malformed or not a single node
         */
        public Builder cluster(List<String> nodeUris) {
            Objects.requireNonNull(nodeUris, "cluster node URIs");
            if (nodeUris.isEmpty()) {
                throw new IllegalArgumentException("a cluster needs at least one node URI");
            }
            for (String u : nodeUris) {
                if (!RedisUris.check(u).getSentinels().isEmpty()) {
                    throw new IllegalArgumentException("cluster node URIs are redis:// or rediss:// URIs of cluster nodes, not '"
                            + RedisUris.mask(u) + "'");
                }
            }
            this.uris.clear();
            this.uris.addAll(nodeUris);
            this.cluster = true;
            return this;
        }

        /**
         * How long a connection may answer nothing, while PINGs to it time out, before it is closed and reopened (it is
         * PINGed every third of this). Default 3 s. Heals a connection that stopped passing bytes without a reset.
         *
         * @throws IllegalArgumentException if not at least 300 ms
         */
        public Builder linkCheck(Duration bound) {
            Objects.requireNonNull(bound, "linkCheck");
            if (bound.compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException("linkCheck must be at least 300ms, got " + bound);
            }
            this.linkCheck = bound;
            return this;
        }

        /**
         * The largest entry, in bytes, stored in or read from Redis (default 4 MiB). A larger value is kept in L1 only
         * (its Redis entry is removed); a larger or foreign entry found in Redis is a miss, never transferred, and the
         * next fill replaces it.
         *
         * @throws IllegalArgumentException if not in [1 KiB, 512 MiB]
         */
        public Builder maxValueSize(int bytes) {
            if (bytes < 1024 || bytes > 512 * 1024 * 1024) {
                throw new IllegalArgumentException("maxValueSize must be in [1024, 536870912] bytes, got " + bytes);
            }
            this.maxValueSize = bytes;
            return this;
        }

        /**
         * Build Lettuce's client on a thread of its own, so that {@link #build()} returns in milliseconds instead of
         * spending about a second (on a cold JVM) on class loading and event-loop start-up; the lock client (Redisson) is
         * built in the background either way. Calls made before the client is ready wait for it as they wait for a
         * first connection; the template bounds that wait by its timeouts and serves such calls as misses, as it does
         * while Redis is down. {@link RedisTier#isStarting()} tells. Default false: built by {@code build()}. Spring
         * Boot's auto-configuration sets it.
         */
        public Builder backgroundStart(boolean background) {
            this.backgroundStart = background;
            return this;
        }

        /** ACL user name (overrides one in the URI). */
        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        /** Password of the data nodes (overrides one in the URI). */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password").toCharArray();
            return this;
        }

        /**
         * Sentinel: the sentinels' own credentials, when they require authentication ({@code requirepass} or an ACL
         * user on the sentinels); {@code username} may be null for a password alone. The data nodes' credentials
         * are {@link #username}/{@link #password} (or the URI's). Without this, sentinels are asked without
         * authentication.
         */
        public Builder sentinelCredentials(String username, String password) {
            this.sentinelUsername = username;
            this.sentinelPassword = Objects.requireNonNull(password, "sentinel password").toCharArray();
            return this;
        }

        /**
         * For {@code rediss://}, {@code rediss-sentinel://} and {@code rediss://} cluster seeds: trust the CA certificates
         * in this PEM file (instead of the JVM's default trust store), in the Lettuce and the Redisson client. The server's
         * host name is verified against its certificate either way.
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

        /**
         * Cluster: how often the slot map is reloaded even without errors (errors reload it within about a second);
         * Sentinel: how often the sentinels are asked for the primary, besides listening to their switch
         * messages. Default 5 s.
         */
        public Builder topologyRefresh(Duration period) {
            this.topologyRefresh = positive("topologyRefresh", period);
            return this;
        }

        /**
         * How far back writes are made again (as invalidations) after a failover, to make up for the ones the old
         * primary acknowledged but did not hand on; {@code Duration.ZERO} turns it off. Default 10 s.
         */
        public Builder failoverReplay(Duration window) {
            Objects.requireNonNull(window, "failoverReplay");
            if (window.isNegative()) {
                throw new IllegalArgumentException("failoverReplay must not be negative, got " + window);
            }
            this.failoverReplay = window;
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

        /** The URI with the builder's timeout and credentials, through API that Lettuce 6 and 7 both have. */
        RedisURI redisUri(String uri) {
            RedisURI parsed = RedisURI.create(uri);
            // Lettuce bounds a connection's whole set-up (TCP, TLS handshake, HELLO) by the URI's timeout: with the
            // command timeout alone a TLS handshake on a slow link never finished. Commands keep the command timeout
            // (the client's TimeoutOptions); a client handed in keeps the URI's timeout for its commands.
            Duration timeout = lettuce == null ? connectTimeout.plus(commandTimeout) : commandTimeout;
            parsed.setTimeout(timeout);
            for (RedisURI sentinel : parsed.getSentinels()) {
                sentinel.setTimeout(timeout);
                if (sentinelPassword != null) {
                    sentinel.setCredentialsProvider(new io.lettuce.core.StaticCredentialsProvider(sentinelUsername, sentinelPassword));
                }
            }
            if (username != null || password != null) {
                RedisUris.Credentials written = RedisUris.credentials(uri);
                String user = username != null ? username : written.username();
                char[] pass = password != null ? password : written.password() == null ? null : written.password().toCharArray();
                parsed.setCredentialsProvider(new io.lettuce.core.StaticCredentialsProvider(user, pass));
            }
            return parsed;
        }

        private static void checkUri(String uri) {
            RedisUris.check(uri);
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
