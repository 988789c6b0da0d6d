package io.lamina.cache.tests.redis;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of our own on 127.0.0.1: 6 {@code redis-server} processes (3 primaries with a third
 * of the slots each, 3 replicas, one per primary), each with its own port, working directory and
 * {@code nodes.conf}, and a short {@code cluster-node-timeout} so that failover takes seconds.
 * {@code cluster-require-full-coverage} keeps its default ({@code yes}): while a dead primary's slots
 * have no owner, the whole cluster refuses commands, as in production.
 *
 * <pre>{@code
 * try (OwnedRedisCluster cluster = OwnedRedisCluster.start()) {
 *     RedisClusterClient client = RedisClusterClient.create(cluster.seedUris().get(0));
 *     RedisNode primary = cluster.primaryForKey("user:1");
 *     primary.kill();
 *     RedisNode promoted = cluster.awaitPromotionAfterKill(primary, Duration.ofSeconds(15));
 * }
 * }</pre>
 *
 * <p>The roles ({@link #primaries()}, {@link #replicas()}, {@link #nodeForSlot(int)}) are asked from
 * the running nodes on every call. Thread-safe. No process outlives the JVM: what is not closed is
 * stopped at exit, or by the watchdog if the JVM is killed.
 */
public final class OwnedRedisCluster implements AutoCloseable {

    /** The default {@code cluster-node-timeout}: a silent node is failed over about 2-3 s after this. */
    public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(1500);
    private static final System.Logger LOG = System.getLogger(OwnedRedisCluster.class.getName());
    private static final int PRIMARIES = 3;
    private static final int NODES = 6;

    private final List<RedisNode> nodes;
    private final Duration nodeTimeout;
    private final RedisSource source;
    private final Map<RedisNode, String> ids = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastSlotOf = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private OwnedRedisCluster(List<RedisNode> nodes, Duration nodeTimeout, RedisSource source) {
        this.nodes = nodes;
        this.nodeTimeout = nodeTimeout;
        this.source = source;
    }

    /**
     * Starts a cluster with the default settings and returns once it is {@linkplain #awaitHealthy healthy}.
     *
     * @throws IllegalStateException if it is not healthy in time (the message carries the nodes' logs)
     */
    public static OwnedRedisCluster start() {
        return builder().start();
    }

    /** @return a builder for a cluster with settings of your choice */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a cluster; {@link #start()} starts one. Not thread-safe. */
    public static final class Builder {

        private Duration nodeTimeout = DEFAULT_NODE_TIMEOUT;
        private Duration startTimeout = Duration.ofSeconds(30);
        private RedisTls tls;

        private Builder() {
        }

        /**
         * Runs every node with TLS only ({@code port 0}, {@code tls-port}, {@code tls-replication yes},
         * {@code tls-cluster yes}) with this material; {@link OwnedRedisCluster#seedUris()} are then
         * {@code rediss://} URIs. Default: plain TCP.
         *
         * @return this builder
         */
        public Builder tls(RedisTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * @param nodeTimeout the {@code cluster-node-timeout}, at least 100 ms; default 1500 ms
         * @return this builder
         * @throws IllegalArgumentException if it is shorter than 100 ms
         */
        public Builder nodeTimeout(Duration nodeTimeout) {
            if (Objects.requireNonNull(nodeTimeout, "nodeTimeout").toMillis() < 100) {
                throw new IllegalArgumentException("nodeTimeout must be at least 100 ms, but was " + nodeTimeout);
            }
            this.nodeTimeout = nodeTimeout;
            return this;
        }

        /**
         * @param startTimeout how long forming the cluster may take in all; default 30 s
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder startTimeout(Duration startTimeout) {
            if (Objects.requireNonNull(startTimeout, "startTimeout").isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, but was " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Starts the 6 processes, forms the cluster and waits until it is healthy.
         *
         * @return the running cluster
         * @throws IllegalStateException if a process does not start or the cluster is not healthy in
         *                               time; nothing is left running then
         */
        public OwnedRedisCluster start() {
            long began = System.nanoTime();
            RedisServers.Binary binary = RedisServers.processBinary();
            List<RedisNode> nodes = ClusterFormation.startNodes(binary, NODES, nodeTimeout,
                    RedisServers.startTimeout(), tls);
            OwnedRedisCluster cluster = new OwnedRedisCluster(nodes, nodeTimeout, binary.source());
            long processes = System.nanoTime();
            long formed;
            try {
                ClusterFormation.form(nodes, PRIMARIES, startTimeout);
                nodes.forEach(cluster::nodeId);
                formed = System.nanoTime();
                cluster.awaitHealthy(startTimeout);
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            long end = System.nanoTime();
            LOG.log(System.Logger.Level.INFO, () -> "Started " + cluster + " in " + millis(end - began)
                    + " ms (processes " + millis(processes - began) + " ms, meet and replicate "
                    + millis(formed - processes) + " ms, healthy " + millis(end - formed) + " ms)");
            return cluster;
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** @return {@code redis://127.0.0.1:<port>} (with TLS {@code rediss://}) of each current primary, to seed a cluster client */
    public List<String> seedUris() {
        return primaries().stream().map(RedisNode::uri).toList();
    }

    /** @return all 6 nodes, running or not, in a fixed order (the initial primaries first) */
    public List<RedisNode> nodes() {
        return nodes;
    }

    /** @return the nodes serving slots now (as most running nodes see it), by their first slot */
    public List<RedisNode> primaries() {
        return ClusterState.majorityView(nodes).servingPrimaries().stream().map(e -> node(e.port())).toList();
    }

    /**
     * @return the nodes that are replicas now (as most running nodes see it), by port; those the cluster
     *         flags as failed (or suspects) are left out
     */
    public List<RedisNode> replicas() {
        return ClusterState.majorityView(nodes).entries().stream().filter(e -> e.isReplica() && !e.isFailed())
                .map(e -> node(e.port())).sorted(Comparator.comparingInt(RedisNode::port)).toList();
    }

    /** @return the current replicas of {@code primary} (as most running nodes see it) */
    public List<RedisNode> replicasOf(RedisNode primary) {
        String id = nodeId(primary);
        return ClusterState.majorityView(nodes).entries().stream()
                .filter(e -> e.isReplica() && e.masterId().equals(id)).map(e -> node(e.port())).toList();
    }

    /**
     * @param slot 0 to 16383
     * @return the primary serving {@code slot} now
     * @throws IllegalArgumentException if {@code slot} is out of range
     * @throws IllegalStateException if no node serves it
     */
    public RedisNode nodeForSlot(int slot) {
        if (slot < 0 || slot >= ClusterFormation.SLOTS) {
            throw new IllegalArgumentException("slot must be 0 to 16383, but was " + slot);
        }
        return ClusterState.majorityView(nodes).ownerOf(slot).map(e -> node(e.port()))
                .orElseThrow(() -> new IllegalStateException("no node serves slot " + slot));
    }

    /** @return the hash slot of {@code key}, as {@code CLUSTER KEYSLOT} computes it */
    public int slotOf(String key) {
        Objects.requireNonNull(key, "key");
        RuntimeException last = null;
        for (RedisNode node : ClusterState.live(nodes)) {
            try {
                return Integer.parseInt(node.call("CLUSTER", "KEYSLOT", key));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no running node answers CLUSTER KEYSLOT", last);
    }

    /** @return the primary serving {@code key} now */
    public RedisNode primaryForKey(String key) {
        return nodeForSlot(slotOf(key));
    }

    /** @return the cluster node id of {@code node}, which stays the same across restarts */
    public String nodeId(RedisNode node) {
        return ids.computeIfAbsent(requireMember(node), n -> n.call("CLUSTER", "MYID"));
    }

    /**
     * {@link #failover(RedisNode, Duration)} with a timeout of 15 s.
     *
     * @return {@code replica}, now a primary
     */
    public RedisNode failover(RedisNode replica) {
        return failover(replica, Duration.ofSeconds(15));
    }

    /**
     * Makes {@code replica} take over its primary with {@code CLUSTER FAILOVER} (a coordinated
     * failover: no write is lost) and waits until it serves the slots and the cluster is healthy again,
     * the old primary now its replica.
     *
     * @param timeout how long to wait
     * @return {@code replica}, now a primary
     * @throws IllegalStateException if it is not a primary of a healthy cluster in time
     */
    public RedisNode failover(RedisNode replica, Duration timeout) {
        String id = nodeId(replica);
        replica.call("CLUSTER", "FAILOVER");
        Waits.until(timeout, replica + " to be a primary after CLUSTER FAILOVER", () -> {
            boolean serving = ClusterState.majorityView(nodes).servingPrimaries().stream()
                    .anyMatch(e -> e.id().equals(id));
            return serving ? ClusterState.unhealthy(nodes) : "it serves no slots yet";
        }, this::logTails);
        remember();
        return replica;
    }

    /**
     * After the caller {@linkplain RedisNode#kill() killed} (or paused) {@code primary}, waits until one
     * of its replicas serves its slots and the rest of the cluster is healthy.
     *
     * @return the promoted replica
     * @throws IllegalStateException if no replica took over in time
     */
    public RedisNode awaitPromotionAfterKill(RedisNode primary, Duration timeout) {
        String id = nodeId(primary);
        Integer slot = lastSlotOf.get(id);
        if (slot == null) {
            throw new IllegalArgumentException(primary + " was not a primary when the cluster was last healthy");
        }
        RedisNode[] promoted = new RedisNode[1];
        Waits.until(timeout, "a replica of " + primary + " to serve slot " + slot, () -> {
            var owner = ClusterState.majorityView(nodes).ownerOf(slot);
            if (owner.isEmpty() || owner.get().id().equals(id)) {
                return "slot " + slot + " is still served by " + primary;
            }
            promoted[0] = node(owner.get().port());
            return ClusterState.unhealthy(nodes);
        }, this::logTails);
        remember();
        return promoted[0];
    }

    /**
     * Waits until every running node says {@code cluster_state:ok}, all agree on who serves which
     * slots and who replicates whom, every slot is served by a running node, and every running replica's
     * link to its primary is up. Killed and paused nodes are left out.
     *
     * @throws IllegalStateException if that is not so within {@code timeout}, saying what is missing
     */
    public void awaitHealthy(Duration timeout) {
        Waits.until(timeout, "the cluster to be healthy", () -> ClusterState.unhealthy(nodes), this::logTails);
        remember();
    }

    /** @return the {@code cluster-node-timeout} the nodes run with */
    public Duration nodeTimeout() {
        return nodeTimeout;
    }

    /** @return where the binary comes from ({@link RedisSource#PATH} or {@link RedisSource#EMBEDDED}) */
    public RedisSource source() {
        return source;
    }

    /** @return the TLS material the nodes run with, or null when they speak plain TCP */
    public RedisTls tls() {
        return nodes.get(0).tls();
    }

    /** Kills every node and deletes their files; idempotent. */
    @Override
    public void close() {
        closed = true;
        for (RedisNode node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not stop " + node, e);
            }
        }
    }

    private void remember() {
        for (ClusterView.Entry e : ClusterState.majorityView(nodes).servingPrimaries()) {
            lastSlotOf.put(e.id(), e.firstSlot());
        }
    }

    private RedisNode node(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("127.0.0.1:" + port + " is not a node of " + this));
    }

    private RedisNode requireMember(RedisNode node) {
        if (!nodes.contains(Objects.requireNonNull(node, "node"))) {
            throw new IllegalArgumentException(node + " is not a node of " + this);
        }
        return node;
    }

    private String logTails() {
        return ClusterState.logTails(nodes);
    }

    @Override
    public String toString() {
        return "OwnedRedisCluster[" + source + (tls() != null ? ", TLS" : "") + ", " + (closed ? "closed" : nodes.stream()
                .map(n -> String.valueOf(n.port())).reduce((a, b) -> a + "," + b).orElse("")) + "]";
    }
}
