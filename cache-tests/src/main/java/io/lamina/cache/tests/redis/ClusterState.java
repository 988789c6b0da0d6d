package io.lamina.cache.tests.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the live nodes of a cluster say about it: their views ({@code CLUSTER NODES}), and whether
 * they make a healthy cluster. Nodes the test killed or paused are not asked.
 */
final class ClusterState {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);

    private ClusterState() {
    }

    static List<RedisNode> live(List<RedisNode> nodes) {
        return nodes.stream().filter(RedisNode::isAlive).toList();
    }

    /** The view of every live node that answers, by node. */
    static Map<RedisNode, ClusterView> views(List<RedisNode> nodes) {
        Map<RedisNode, ClusterView> views = new LinkedHashMap<>();
        for (RedisNode node : live(nodes)) {
            try {
                views.put(node, ClusterView.parse(node.call(ASK_TIMEOUT, "CLUSTER", "NODES")));
            } catch (RuntimeException e) {
                // down, just restarted or busy: the others speak
            }
        }
        return views;
    }

    /**
     * The view most live nodes share (by layout), so that a node that just rejoined with an old
     * {@code nodes.conf} does not speak for the cluster.
     *
     * @throws IllegalStateException if no live node answers
     */
    static ClusterView majorityView(List<RedisNode> nodes) {
        Map<RedisNode, ClusterView> views = views(nodes);
        if (views.isEmpty()) {
            throw new IllegalStateException("no node of the cluster answers CLUSTER NODES: " + nodes);
        }
        Set<Integer> ports = livePorts(nodes);
        Map<String, List<ClusterView>> byLayout = new HashMap<>();
        for (ClusterView view : views.values()) {
            byLayout.computeIfAbsent(view.layout(ports), k -> new ArrayList<>()).add(view);
        }
        return byLayout.values().stream().max((a, b) -> Integer.compare(a.size(), b.size())).orElseThrow().get(0);
    }

    /**
     * @return {@code null} if every live node says {@code cluster_state:ok}, they all agree on the
     *         layout, every slot is served by a live node, no live node is flagged failed by another,
     *         and every live replica's link to its primary is up; else what is not so yet
     */
    static String unhealthy(List<RedisNode> nodes) {
        List<RedisNode> live = live(nodes);
        if (live.isEmpty()) {
            return "no node is running";
        }
        Set<Integer> ports = livePorts(nodes);
        String layout = null;
        RedisNode first = null;
        for (RedisNode node : live) {
            String info = node.call(ASK_TIMEOUT, "CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok")) {
                return node.address() + " says " + field(info, "cluster_state");
            }
            ClusterView view = ClusterView.parse(node.call(ASK_TIMEOUT, "CLUSTER", "NODES"));
            for (RedisNode other : live) {
                var entry = view.byPort(other.port());
                if (entry.isEmpty() || !entry.get().isReady() || entry.get().isFailed()) {
                    return node.address() + " does not see " + other.address() + " as a healthy member: "
                            + entry.map(e -> e.flags().toString()).orElse("unknown");
                }
            }
            for (ClusterView.Entry primary : view.servingPrimaries()) {
                if (!ports.contains(primary.port())) {
                    return node.address() + " has slots from " + primary.firstSlot() + " served by 127.0.0.1:"
                            + primary.port() + ", which is down";
                }
            }
            String mine = view.layout(ports);
            if (layout == null) {
                layout = mine;
                first = node;
            } else if (!layout.equals(mine)) {
                return "views differ: " + first.address() + " sees [" + layout + "], " + node.address()
                        + " sees [" + mine + "]";
            }
            if (view.byPort(node.port()).map(ClusterView.Entry::isReplica).orElse(false)) {
                String replication = node.call(ASK_TIMEOUT, "INFO", "replication");
                if (!replication.contains("master_link_status:up")) {
                    return "replica " + node.address() + " has master_link_status:"
                            + field(replication, "master_link_status");
                }
            }
        }
        return null;
    }

    static String field(String info, String name) {
        return info.lines().filter(line -> line.startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).trim()).findFirst().orElse("?");
    }

    static String logTails(List<RedisNode> nodes) {
        return nodes.stream().map(RedisNode::logTail).collect(Collectors.joining("\n"));
    }

    private static Set<Integer> livePorts(List<RedisNode> nodes) {
        return live(nodes).stream().map(RedisNode::port).collect(Collectors.toSet());
    }
}
