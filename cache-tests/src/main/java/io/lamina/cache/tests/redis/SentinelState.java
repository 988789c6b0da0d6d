package io.lamina.cache.tests.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the sentinels and data nodes of a group say, and whether that makes a healthy group. */
final class SentinelState {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);

    private SentinelState() {
    }

    /**
     * Splits a flattened list of key/value pairs (as {@link Resp} returns {@code SENTINEL MASTER} or
     * {@code SENTINEL REPLICAS}) into records, a new one starting at each {@code name} key.
     */
    static List<Map<String, String>> records(String flat) {
        List<Map<String, String>> records = new ArrayList<>();
        if (flat == null || flat.isEmpty()) {
            return records;
        }
        String[] items = flat.split("\n", -1);
        Map<String, String> current = null;
        for (int i = 0; i + 1 < items.length; i += 2) {
            if (items[i].equals("name") || current == null) {
                current = new LinkedHashMap<>();
                records.add(current);
            }
            current.put(items[i], items[i + 1]);
        }
        return records;
    }

    /** @return the port of the primary {@code sentinel} names, or -1 if it does not answer */
    static int primaryPort(RedisNode sentinel, String masterName) {
        try {
            String[] address = sentinel.call(ASK_TIMEOUT, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)
                    .split("\n");
            return Integer.parseInt(address[1]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * @param expectedSentinels how many sentinels each must know besides itself
     * @return {@code null} if every running sentinel names the same running primary, which says it is
     *         a primary and is not down in their eyes; every running replica follows it with its link up
     *         and the sentinels list it as a replica that is up (flags {@code slave} only; its
     *         {@code master-link-status} there is refreshed by INFO every 10 s only, so it is not
     *         awaited); else what is not so yet
     */
    static String unhealthy(List<RedisNode> sentinels, List<RedisNode> dataNodes, String masterName,
                            int expectedSentinels) {
        int primaryPort = -1;
        for (RedisNode sentinel : ClusterState.live(sentinels)) {
            Map<String, String> master = records(sentinel.call(ASK_TIMEOUT, "SENTINEL", "MASTER", masterName)).get(0);
            int port = Integer.parseInt(master.get("port"));
            if (primaryPort == -1) {
                primaryPort = port;
            } else if (port != primaryPort) {
                return "sentinels disagree on the primary: " + primaryPort + " and " + port;
            }
            if (!master.get("flags").equals("master")) {
                return "sentinel " + sentinel.address() + " flags the primary " + master.get("flags");
            }
            if (Integer.parseInt(master.get("num-other-sentinels")) < expectedSentinels) {
                return "sentinel " + sentinel.address() + " knows " + master.get("num-other-sentinels")
                        + " other sentinels";
            }
            for (RedisNode replica : ClusterState.live(dataNodes)) {
                if (replica.port() == port) {
                    continue;
                }
                boolean listed = records(sentinel.call(ASK_TIMEOUT, "SENTINEL", "REPLICAS", masterName)).stream()
                        .anyMatch(r -> r.get("port").equals(String.valueOf(replica.port()))
                                && r.get("flags").equals("slave"));
                if (!listed) {
                    return "sentinel " + sentinel.address() + " does not list " + replica.address()
                            + " as a healthy replica yet";
                }
            }
        }
        if (primaryPort == -1) {
            return "no sentinel is running";
        }
        for (RedisNode node : ClusterState.live(dataNodes)) {
            String replication = node.call(ASK_TIMEOUT, "INFO", "replication");
            String role = ClusterState.field(replication, "role");
            if (node.port() == primaryPort) {
                if (!role.equals("master")) {
                    return "the sentinels' primary " + node.address() + " says role:" + role;
                }
            } else if (!role.equals("slave")
                    || !ClusterState.field(replication, "master_port").equals(String.valueOf(primaryPort))
                    || !ClusterState.field(replication, "master_link_status").equals("up")) {
                return node.address() + " is not yet a replica of 127.0.0.1:" + primaryPort + " with its link up";
            }
        }
        int primary = primaryPort;
        if (dataNodes.stream().noneMatch(n -> n.port() == primary && n.isAlive())) {
            return "the sentinels' primary 127.0.0.1:" + primaryPort + " is down";
        }
        return null;
    }

    static String logTails(List<RedisNode> nodes) {
        return nodes.stream().map(RedisNode::logTail).collect(Collectors.joining("\n"));
    }
}
