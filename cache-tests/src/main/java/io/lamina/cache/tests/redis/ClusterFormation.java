package io.lamina.cache.tests.redis;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts the processes of a cluster and makes them one, with plain RESP commands (what
 * {@code redis-cli --cluster create} does): slots split evenly over the primaries with
 * {@code CLUSTER ADDSLOTS} in batches (Redis 6.2 has no {@code ADDSLOTSRANGE}), distinct config
 * epochs, {@code CLUSTER MEET}, then {@code CLUSTER REPLICATE} for the replicas.
 */
final class ClusterFormation {

    static final int SLOTS = 16384;
    private static final int BATCH = 1024;
    private static final int BUS_OFFSET = 10000;

    private ClusterFormation() {
    }

    /**
     * The command line of a cluster node; {@code nodes.conf} lives in the node's own directory. With {@code tls}
     * the cluster bus speaks TLS too.
     */
    static RedisProcess.Launch launch(Duration nodeTimeout, boolean tls) {
        return new RedisProcess.Launch() {
            @Override
            public List<String> trailingArgs(int port) {
                List<String> args = List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis()),
                        // a replica may always take over, however long its link was down: tests kill at will
                        "--cluster-replica-validity-factor", "0",
                        "--repl-diskless-sync", "yes",
                        "--repl-diskless-sync-delay", "0");
                return tls ? java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of("--tls-cluster", "yes")).toList()
                        : args;
            }
        };
    }

    /**
     * A free port whose cluster bus port (+10000) is free too, below the kernel's ephemeral range
     * (32768 and up on Linux) so outgoing connections do not take them. Redis 6.2 has no
     * {@code cluster-port}, so the bus is always at +10000.
     */
    static int freeClusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(12000, 22000);
            if (isFree(port) && isFree(port + BUS_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("found no free pair of ports (p, p+10000) on 127.0.0.1 between 12000 and 32000");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(RedisProcess.HOST))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Starts {@code count} cluster-enabled processes (TLS only with {@code tls}, else null); if one fails, none is left running. */
    static List<RedisNode> startNodes(RedisServers.Binary binary, int count, Duration nodeTimeout,
                                      Duration startTimeout, RedisTls tls) {
        List<Callable<RedisNode>> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String label = "cluster node " + i;
            starts.add(() -> new RedisNode(RedisProcess.start(binary.path(), binary.source(), startTimeout,
                    ClusterFormation::freeClusterPort, launch(nodeTimeout, tls != null), tls), label));
        }
        return ParallelStart.all(starts);
    }

    /**
     * Joins {@code nodes} into one cluster: the first {@code primaries} get the slots, each of the
     * others replicates primary {@code i % primaries}. Returns once the nodes know each other and the
     * replicas are told; health is the caller's to await.
     */
    static void form(List<RedisNode> nodes, int primaries, Duration timeout) {
        for (int i = 0; i < primaries; i++) {
            RedisNode primary = nodes.get(i);
            int from = i * SLOTS / primaries;
            int to = (i + 1) * SLOTS / primaries - 1;
            for (int start = from; start <= to; start += BATCH) {
                List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                for (int slot = start; slot <= Math.min(to, start + BATCH - 1); slot++) {
                    command.add(String.valueOf(slot));
                }
                primary.call(command.toArray(String[]::new));
            }
            primary.call("CLUSTER", "SET-CONFIG-EPOCH", String.valueOf(i + 1));
        }
        // every pair meets directly: quicker than letting gossip spread what one node learnt
        for (int i = 0; i < nodes.size(); i++) {
            for (RedisNode other : nodes.subList(i + 1, nodes.size())) {
                nodes.get(i).call("CLUSTER", "MEET", RedisProcess.HOST, String.valueOf(other.port()));
            }
        }
        List<String> ids = nodes.stream().map(node -> node.call("CLUSTER", "MYID")).toList();
        Waits.until(timeout, "every node to know all " + nodes.size() + " nodes", () -> {
            for (RedisNode node : nodes) {
                ClusterView view = ClusterView.parse(node.call("CLUSTER", "NODES"));
                for (String id : ids) {
                    if (view.byId(id).filter(ClusterView.Entry::isReady).isEmpty()) {
                        return node.address() + " does not know " + id + " yet";
                    }
                }
            }
            return null;
        }, () -> ClusterState.logTails(nodes));
        for (int i = primaries; i < nodes.size(); i++) {
            nodes.get(i).call("CLUSTER", "REPLICATE", ids.get(i % primaries));
        }
    }
}
