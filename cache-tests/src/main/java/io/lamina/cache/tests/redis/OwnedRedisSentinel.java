package io.lamina.cache.tests.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * A Redis Sentinel group of our own on 127.0.0.1: a primary, one replica ({@code REPLICAOF}) and 3
 * sentinels (quorum 2, {@code down-after-milliseconds} 1000, {@code failover-timeout} 3000,
 * {@code parallel-syncs} 1), all run by the same {@code redis-server} binary (a sentinel is
 * {@code redis-server sentinel.conf --sentinel}). The primary is named {@code lamina} unless told otherwise.
 *
 * <pre>{@code
 * try (OwnedRedisSentinel group = OwnedRedisSentinel.start()) {
 *     RedisClient client = RedisClient.create(group.sentinelUri());
 *     RedisNode old = group.killPrimary();
 *     RedisNode promoted = group.awaitFailover(Duration.ofSeconds(15));
 *     old.start();                               // comes back as a replica of the new primary
 *     group.awaitHealthy(Duration.ofSeconds(15));
 * }
 * }</pre>
 *
 * <p>{@link #primary()} and {@link #replica()} are asked from the sentinels on every call. A restarted
 * data node starts as a replica of the primary the sentinels name then. Nothing is persisted: a killed
 * node comes back empty and resyncs. Thread-safe; no process outlives the JVM.
 */
public final class OwnedRedisSentinel implements AutoCloseable {

    /** The default name of the monitored primary. */
    public static final String DEFAULT_MASTER_NAME = "lamina";
    private static final System.Logger LOG = System.getLogger(OwnedRedisSentinel.class.getName());
    private static final Duration DOWN_AFTER = Duration.ofMillis(1000);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofMillis(3000);
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);

    private final String masterName;
    private final RedisSource source;
    private final RedisTls tls;
    private final List<RedisNode> dataNodes = new ArrayList<>();
    private final List<RedisNode> sentinels = new ArrayList<>();
    private volatile int knownPrimaryPort = -1;
    private volatile RedisNode killedPrimary;

    private OwnedRedisSentinel(String masterName, RedisSource source, RedisTls tls) {
        this.masterName = masterName;
        this.source = source;
        this.tls = tls;
    }

    /**
     * Starts a group named {@value #DEFAULT_MASTER_NAME} and returns once every sentinel knows the
     * primary, the replica and the 2 other sentinels.
     *
     * @throws IllegalStateException if it is not ready in time (the message carries the logs)
     */
    public static OwnedRedisSentinel start() {
        return start(DEFAULT_MASTER_NAME);
    }

    /**
     * Like {@link #start()}, with a primary name of your choice.
     *
     * @param masterName the name the sentinels monitor, e.g. {@code "orders"}; letters, digits, {@code -_.}
     * @throws IllegalArgumentException if the name is empty or has other characters
     * @throws IllegalStateException if the group is not ready in time; nothing is left running then
     */
    public static OwnedRedisSentinel start(String masterName) {
        return builder().masterName(masterName).start();
    }

    /** @return a builder for a group with settings of your choice */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a group; {@link #start()} starts one. Not thread-safe. */
    public static final class Builder {

        private String masterName = DEFAULT_MASTER_NAME;
        private RedisTls tls;

        private Builder() {
        }

        /**
         * @param masterName the name the sentinels monitor, e.g. {@code "orders"}; letters, digits, {@code -_.}
         * @return this builder
         * @throws IllegalArgumentException if the name is empty or has other characters
         */
        public Builder masterName(String masterName) {
            if (!Objects.requireNonNull(masterName, "masterName").matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("masterName must be letters, digits, '-', '_' or '.', but was '"
                        + masterName + "'");
            }
            this.masterName = masterName;
            return this;
        }

        /**
         * Runs the data nodes and the sentinels with TLS only ({@code port 0}, {@code tls-port},
         * {@code tls-replication yes}: replication, the sentinels' links to the data nodes and to each other are
         * TLS too) with this material; {@link OwnedRedisSentinel#sentinelUri()} is then
         * {@code rediss-sentinel://...}. Default: plain TCP.
         *
         * @return this builder
         */
        public Builder tls(RedisTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Starts the group and returns once every sentinel knows the primary, the replica and the 2 other
         * sentinels.
         *
         * @throws IllegalStateException if the group is not ready in time; nothing is left running then
         */
        public OwnedRedisSentinel start() {
            long began = System.nanoTime();
            RedisServers.Binary binary = RedisServers.processBinary();
            OwnedRedisSentinel group = new OwnedRedisSentinel(masterName, binary.source(), tls);
            long processes;
            try {
                group.startAll(binary, RedisServers.startTimeout());
                processes = System.nanoTime();
                group.awaitHealthy(DEFAULT_WAIT);
            } catch (RuntimeException | Error e) {
                group.close();
                throw e;
            }
            long end = System.nanoTime();
            LOG.log(System.Logger.Level.INFO, () -> "Started " + group + " in " + millis(end - began)
                    + " ms (processes " + millis(processes - began) + " ms, healthy " + millis(end - processes) + " ms)");
            return group;
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private void startAll(RedisServers.Binary binary, Duration startTimeout) {
        // both data nodes start as primaries (a replica started first would retry its primary once a second);
        // then the second one is told to replicate
        knownPrimaryPort = -1;
        RedisProcess.Launch data = SentinelLaunch.dataNode(this::primaryPortForRestart);
        dataNodes.addAll(ParallelStart.all(List.of(
                () -> new RedisNode(RedisProcess.start(binary.path(), binary.source(), startTimeout,
                        RedisProcess::freeLoopbackPort, data, tls), "data node 0"),
                () -> new RedisNode(RedisProcess.start(binary.path(), binary.source(), startTimeout,
                        RedisProcess::freeLoopbackPort, data, tls), "data node 1"))));
        knownPrimaryPort = dataNodes.get(0).port();
        dataNodes.get(1).call("REPLICAOF", RedisProcess.HOST, String.valueOf(knownPrimaryPort));
        // sentinels learn replicas from the primary's INFO, every 10 s: the replica must be there at the first
        RedisNode replica = dataNodes.get(1);
        Waits.until(startTimeout, replica + " to replicate " + dataNodes.get(0),
                () -> replica.call("INFO", "replication").contains("master_link_status:up") ? null : "link down",
                this::logTails);
        // ports (and sentinel ids) chosen up front: each sentinel knows the others from the start, instead
        // of finding them by hello messages (every 2 s); a port someone takes meanwhile is replaced
        Map<Integer, String> ids = new LinkedHashMap<>();
        while (ids.size() < 3) {
            ids.put(RedisProcess.freeLoopbackPort(), SentinelLaunch.newId());
        }
        List<Callable<RedisNode>> starts = new ArrayList<>();
        for (Map.Entry<Integer, String> self : ids.entrySet()) {
            Map<Integer, String> peers = new LinkedHashMap<>(ids);
            peers.remove(self.getKey());
            RedisProcess.Launch sentinel = SentinelLaunch.sentinel(masterName, knownPrimaryPort, DOWN_AFTER,
                    FAILOVER_TIMEOUT, self.getValue(), peers);
            String label = "sentinel " + starts.size();
            starts.add(() -> new RedisNode(RedisProcess.start(binary.path(), binary.source(), startTimeout,
                    portOnce(self.getKey()), sentinel, tls), label));
        }
        sentinels.addAll(ParallelStart.all(starts));
    }

    /** {@code port} on the first call, any free port after (should someone have taken it meanwhile). */
    private static IntSupplier portOnce(int port) {
        boolean[] first = {true};
        return () -> {
            boolean chosen = first[0];
            first[0] = false;
            return chosen ? port : RedisProcess.freeLoopbackPort();
        };
    }

    /**
     * @return {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3#<masterName>}, Lettuce's form
     *         ({@code rediss-sentinel://} with TLS)
     */
    public String sentinelUri() {
        return (tls == null ? "redis-sentinel://" : "rediss-sentinel://") + sentinels.stream().map(RedisNode::address).collect(Collectors.joining(","))
                + "#" + masterName;
    }

    /** @return the name the sentinels monitor the primary by */
    public String masterName() {
        return masterName;
    }

    /** @return the 3 sentinels, running or not, in a fixed order */
    public List<RedisNode> sentinels() {
        return List.copyOf(sentinels);
    }

    /** @return the 2 data nodes, running or not, in a fixed order (the first was the initial primary) */
    public List<RedisNode> dataNodes() {
        return List.copyOf(dataNodes);
    }

    /**
     * @return the data node the first answering sentinel names as primary now
     * @throws IllegalStateException if no sentinel answers
     */
    public RedisNode primary() {
        for (RedisNode sentinel : ClusterState.live(sentinels)) {
            int port = SentinelState.primaryPort(sentinel, masterName);
            if (port > 0) {
                knownPrimaryPort = port;
                return dataNodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow(
                        () -> new IllegalStateException(sentinel + " names an unknown primary 127.0.0.1:" + port));
            }
        }
        throw new IllegalStateException("no sentinel of " + this + " answers");
    }

    /** @return the data node that is not the {@linkplain #primary() primary} (running or not) */
    public RedisNode replica() {
        RedisNode primary = primary();
        return dataNodes.stream().filter(n -> n != primary).findFirst().orElseThrow();
    }

    /**
     * Kills the current primary (SIGKILL); {@link #awaitFailover(Duration)} then waits for the sentinels
     * to promote the replica.
     *
     * @return the killed node, to {@link RedisNode#start() start} again later if you like
     */
    public RedisNode killPrimary() {
        RedisNode primary = primary();
        killedPrimary = primary;
        primary.kill();
        return primary;
    }

    /**
     * After {@link #killPrimary()}, waits until every running sentinel names the other data node as
     * primary and it says so itself.
     *
     * @return the new primary
     * @throws IllegalStateException if {@link #killPrimary()} was not called, or not switched in time
     */
    public RedisNode awaitFailover(Duration timeout) {
        RedisNode killed = killedPrimary;
        if (killed == null) {
            throw new IllegalStateException("awaitFailover comes after killPrimary()");
        }
        RedisNode next = dataNodes.stream().filter(n -> n != killed).findFirst().orElseThrow();
        awaitSwitch(next, timeout);
        knownPrimaryPort = next.port();
        return next;
    }

    /** {@link #sentinelFailover(Duration)} with a timeout of 20 s. */
    public RedisNode sentinelFailover() {
        return sentinelFailover(DEFAULT_WAIT);
    }

    /**
     * Asks a sentinel for a failover ({@code SENTINEL FAILOVER <name>}, retried while the sentinel
     * refuses, e.g. with {@code INPROG} or {@code NOGOODSLAVE}), then waits until the replica is the
     * primary and the old primary has become its replica with its link up. The old primary is pointed at
     * the new one with {@code REPLICAOF} right after the switch: the sentinels would do the same, but
     * only when they next poll it with INFO, up to 10 s later.
     *
     * @return the new primary
     * @throws IllegalStateException if the group has not switched within {@code timeout}
     */
    public RedisNode sentinelFailover(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RedisNode old = primary();
        RedisNode next = dataNodes.stream().filter(n -> n != old).findFirst().orElseThrow();
        Waits.until(timeout, "a sentinel to accept SENTINEL FAILOVER " + masterName, () -> {
            RedisNode sentinel = ClusterState.live(sentinels).get(0);
            sentinel.call("SENTINEL", "FAILOVER", masterName);
            return null;
        }, this::logTails);
        awaitSwitch(next, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (old.isAlive()) {
            // What the sentinels would do too, but only at their next INFO of the old primary, up to 10 s on
            old.call("REPLICAOF", RedisProcess.HOST, String.valueOf(next.port()));
        }
        awaitHealthy(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        knownPrimaryPort = next.port();
        return next;
    }

    /**
     * Waits until every running sentinel names the same running primary, which says it is one; every
     * running replica follows it with its link up and the sentinels list it as healthy; and each
     * sentinel knows the 2 others. Killed and paused nodes are left out.
     *
     * @throws IllegalStateException if that is not so within {@code timeout}, saying what is missing
     */
    public void awaitHealthy(Duration timeout) {
        Waits.until(timeout, "the Sentinel group to be healthy",
                () -> SentinelState.unhealthy(sentinels, dataNodes, masterName, sentinels.size() - 1),
                this::logTails);
    }

    /** @return where the binary comes from ({@link RedisSource#PATH} or {@link RedisSource#EMBEDDED}) */
    public RedisSource source() {
        return source;
    }

    /** @return the TLS material the group runs with, or null when it speaks plain TCP */
    public RedisTls tls() {
        return tls;
    }

    /** Kills every process and deletes their files; idempotent. */
    @Override
    public void close() {
        List<RedisNode> all = new ArrayList<>(sentinels);
        all.addAll(dataNodes);
        for (RedisNode node : all) {
            try {
                node.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not stop " + node, e);
            }
        }
    }

    private void awaitSwitch(RedisNode next, Duration timeout) {
        Waits.until(timeout, "the sentinels to promote " + next, () -> {
            for (RedisNode sentinel : ClusterState.live(sentinels)) {
                int port = SentinelState.primaryPort(sentinel, masterName);
                if (port != next.port()) {
                    return sentinel.address() + " names 127.0.0.1:" + port;
                }
            }
            String role = ClusterState.field(next.call("INFO", "replication"), "role");
            return role.equals("master") ? null : next.address() + " says role:" + role;
        }, this::logTails);
    }

    /** Where a restarting data node should replicate from: the sentinels' primary, else the last known. */
    private int primaryPortForRestart() {
        for (RedisNode sentinel : ClusterState.live(sentinels)) {
            int port = SentinelState.primaryPort(sentinel, masterName);
            if (port > 0) {
                return port;
            }
        }
        return knownPrimaryPort;
    }

    private String logTails() {
        List<RedisNode> all = new ArrayList<>(dataNodes);
        all.addAll(sentinels);
        return SentinelState.logTails(all);
    }

    @Override
    public String toString() {
        return "OwnedRedisSentinel[" + masterName + ", " + source + (tls != null ? ", TLS" : "") + ", data "
                + dataNodes.stream().map(n -> String.valueOf(n.port())).collect(Collectors.joining(","))
                + ", sentinels " + sentinels.stream().map(n -> String.valueOf(n.port())).collect(Collectors.joining(","))
                + "]";
    }
}
