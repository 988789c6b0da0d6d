package io.lamina.cache.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Lettuce side of a tier, per topology: the client's options, how the data and subscriber connections are
 * opened, which route each key takes, and what a topology change sets off.
 *
 * <ul>
 *   <li><b>Cluster</b>: the slot map is loaded before the first connection (Lettuce refuses to connect without
 *       it); topology refresh runs every {@code topologyRefresh} and on MOVED, ASK, reconnects, uncovered slots
 *       and unknown nodes, at most once per {@link #ADAPTIVE_REFRESH_LIMIT}; nodes marked failed are left out.
 *       A change of the primaries replays the recent writes.</li>
 *   <li><b>Sentinel</b>: connections ask Sentinel for the primary; a {@link SentinelWatch} moves them the
 *       moment Sentinel switches it.</li>
 *   <li><b>Standalone</b>: one server.</li>
 * </ul>
 */
public final class Connections {

    /** How often at most errors make the cluster client reload the topology. */
    public static final Duration ADAPTIVE_REFRESH_LIMIT = Duration.ofMillis(500);

    /** What the client options are made of. */
    public record Options(Duration connectTimeout, Duration commandTimeout, int requestQueueSize, SslOptions ssl,
            Duration topologyRefresh) {
    }

    private final Topology topology;
    private final AbstractRedisClient client;
    private final List<RedisURI> uris;
    private volatile boolean slotMapLoaded;

    private Connections(Topology topology, AbstractRedisClient client, List<RedisURI> uris) {
        this.topology = topology;
        this.client = client;
        this.uris = uris;
    }

    /** Wraps a client, setting its options unless {@code options} is null (a client handed in by the user). */
    public static Connections of(Topology topology, AbstractRedisClient client, List<RedisURI> uris, Options options) {
        if (options != null) {
            // TCP keepalive probes an idle connection after 5 s, every second, 3 times (NIO on Java 11+, epoll, io_uring);
            // TCP_USER_TIMEOUT (epoll and io_uring only) drops one whose sent bytes go unacknowledged for 10 s. The
            // application-level link check (LettuceStore.checkLinks) covers the platforms and cases these miss.
            SocketOptions.Builder sockets = SocketOptions.builder().connectTimeout(options.connectTimeout())
                    .keepAlive(SocketOptions.KeepAliveOptions.builder().enable().idle(Duration.ofSeconds(5))
                            .interval(Duration.ofSeconds(1)).count(3).build());
            if (io.lettuce.core.resource.EpollProvider.isAvailable() || io.lettuce.core.resource.IOUringProvider.isAvailable()) {
                sockets.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder().enable().tcpUserTimeout(Duration.ofSeconds(10)).build());
            }
            SocketOptions socket = sockets.build();
            TimeoutOptions timeouts = TimeoutOptions.enabled(options.commandTimeout());
            if (client instanceof RedisClusterClient cluster) {
                cluster.setOptions(ClusterClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .requestQueueSize(options.requestQueueSize())
                        .socketOptions(socket)
                        .sslOptions(options.ssl())
                        .timeoutOptions(timeouts)
                        .nodeFilter(node -> !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.NOADDR))
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enablePeriodicRefresh(options.topologyRefresh())
                                .enableAllAdaptiveRefreshTriggers()
                                .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_LIMIT)
                                .refreshTriggersReconnectAttempts(2)
                                .dynamicRefreshSources(true)
                                .closeStaleConnections(true)
                                .build())
                        .build());
            } else {
                ((RedisClient) client).setOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .requestQueueSize(options.requestQueueSize())
                        .socketOptions(socket)
                        .sslOptions(options.ssl())
                        .timeoutOptions(timeouts)
                        .build());
            }
        }
        return new Connections(topology, client, uris);
    }

    public Topology topology() {
        return topology;
    }

    public AbstractRedisClient client() {
        return client;
    }

    /** Opens a data connection (through Sentinel: to the primary it names now). */
    public Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> data() {
        if (client instanceof RedisClusterClient cluster) {
            return () -> slotMap(cluster).thenCompose(v -> cluster.connectAsync(ByteArrayCodec.INSTANCE));
        }
        RedisClient single = (RedisClient) client;
        return () -> single.connectAsync(ByteArrayCodec.INSTANCE, uris.get(0)).toCompletableFuture()
                .thenCompose(c -> c.async().info("cluster").toCompletableFuture().handle((info, failure) -> {
                    if (info != null && info.contains("cluster_enabled:1")) {
                        c.closeAsync();
                        throw new IllegalStateException(uris.get(0).getHost() + ":" + uris.get(0).getPort() + " is a Redis Cluster node, but the"
                                + " tier was configured for a single Redis: give the cluster's nodes with"
                                + " RedisTier.builder().cluster(List.of(...)) (Spring Boot: lamina.cache.redis.cluster.nodes)");
                    }
                    return c;   // INFO refused (ACL) or failed: no verdict, use the connection
                }));
    }

    /** Opens a subscriber connection: on a Cluster to any node (classic pub/sub reaches every node). */
    public Supplier<CompletionStage<StatefulRedisPubSubConnection<byte[], byte[]>>> subscriber() {
        if (client instanceof RedisClusterClient cluster) {
            return () -> slotMap(cluster).thenCompose(v -> cluster.connectPubSubAsync(ByteArrayCodec.INSTANCE))
                    .thenApply(c -> (StatefulRedisPubSubConnection<byte[], byte[]>) c);
        }
        RedisClient single = (RedisClient) client;
        return () -> single.connectPubSubAsync(ByteArrayCodec.INSTANCE, uris.get(0)).toCompletableFuture()
                .thenApply(c -> c);
    }

    /** Why the slot map could not be loaded, from Lettuce's failure and the seeds' answers (its suppressed ones). */
    private String slotMapFailure(Throwable failure) {
        StringBuilder reasons = new StringBuilder();
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(failure));
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            String m = String.valueOf(t.getMessage());
            if (m.contains("cluster support disabled")) {
                return "the Redis Cluster seeds " + seeds() + " include standalone servers (\"cluster support disabled\"): give"
                        + " the nodes of a Redis Cluster, or configure a single Redis with uri(...)";
            }
            if (!(t instanceof java.util.concurrent.CompletionException) && reasons.indexOf(m) < 0) {
                reasons.append(reasons.length() == 0 ? "" : "; ").append(RedisUris.mask(m));
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());   // an ArrayDeque takes no null: adding the end of the chain threw NPE instead
            }
            todo.addAll(List.of(t.getSuppressed()));
        }
        return "cannot load the Redis Cluster slot map from the seeds " + seeds() + ": " + reasons;
    }

    private String seeds() {
        return uris.stream().map(u -> u.getHost() + ":" + u.getPort()).collect(Collectors.joining(",", "[", "]"));
    }

    @SuppressWarnings("unchecked")
    public static io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<byte[], byte[]> commandsOf(
            StatefulConnection<byte[], byte[]> c) {
        return c instanceof StatefulRedisClusterConnection<?, ?> cluster
                ? ((StatefulRedisClusterConnection<byte[], byte[]>) cluster).async()
                : ((StatefulRedisConnection<byte[], byte[]>) c).async();
    }

    public Routes routes() {
        return client instanceof RedisClusterClient cluster ? Routes.cluster(cluster, () -> slotMapLoaded) : Routes.single();
    }

    /**
     * Calls {@code onPrimariesChanged} whenever the cluster client's slot map changes which node serves some
     * slot (a failover). Returns what stops it; a no-op outside a cluster.
     */
    public AutoCloseable onPrimariesChanged(Runnable onPrimariesChanged) {
        if (!(client instanceof RedisClusterClient)) {
            return () -> { };
        }
        var subscription = client.getResources().eventBus().get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .cast(ClusterTopologyChangedEvent.class)
                .filter(e -> !primaries(e.before()).equals(primaries(e.after())))
                .subscribe(e -> onPrimariesChanged.run());
        return subscription::dispose;
    }

    private static Set<String> primaries(List<RedisClusterNode> nodes) {
        return nodes.stream()
                .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty())
                .map(n -> n.getNodeId() + "@" + n.getUri().getHost() + ":" + n.getUri().getPort() + "=" + n.getSlots().size())
                .collect(Collectors.toSet());
    }

    private CompletableFuture<Void> slotMap(RedisClusterClient cluster) {
        if (slotMapLoaded) {
            return CompletableFuture.completedFuture(null);
        }
        return cluster.refreshPartitionsAsync().toCompletableFuture().exceptionally(failure -> {
            throw new IllegalStateException(slotMapFailure(failure));
        }).thenRun(() -> {
            var partitions = cluster.getPartitions();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("the Redis Cluster seeds " + seeds() + " answered with no slot map: are they"
                        + " standalone servers (then configure a single Redis), or is the cluster still forming?");
            }
            int covered = 0;
            for (RedisClusterNode n : partitions) {
                if (n.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    covered += n.getSlots().size();
                }
            }
            if (covered < io.lettuce.core.cluster.SlotHash.SLOT_COUNT) {
                throw new IllegalStateException("the Redis Cluster at " + seeds() + " serves " + covered + " of "
                        + io.lettuce.core.cluster.SlotHash.SLOT_COUNT + " slots: is it still forming?");
            }
            slotMapLoaded = true;
        });
    }
}
