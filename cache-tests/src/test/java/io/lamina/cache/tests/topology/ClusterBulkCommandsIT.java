package io.lamina.cache.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.OwnedRedisCluster;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisNode;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.cluster.SlotHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one {@code rememberAll} sends to each primary of a Redis Cluster, counted with {@code MONITOR} on every primary
 * (the commands clients send, not the ones scripts run; only those naming this test's namespace, so no topology
 * refresh, liveness check or bus message is counted), from the call until the cluster is quiet.
 *
 * <p>The bound: keys of one command must share a slot, so each step sends one command per slot group (the keys of
 * the page in one slot) to the primary of that slot, every group at once. Per primary and call: a cold page at most
 * 3 commands per slot group on it (bulk read, bulk lease, bulk fill), a warm one (in L2, not in L1) 1 per slot group,
 * plus at most {@link #TAG} command per call for the cache's own tag (on the primary of its slot). Pages here are
 * made of keys that hash to 4 slots per primary: with 10, 100 or 500 keys, the count per primary stays at most 13
 * cold and 5 warm; a per-key command anywhere would make it grow to hundreds. Every slot group's command of a step
 * is written at once on the node's one connection (pipelined), so it is one round trip per step and primary.
 */
@RedisTest
@Timeout(180)
class ClusterBulkCommandsIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofSeconds(10)).build();
    private static final int SLOTS_PER_PRIMARY = 4;
    /** Commands per call for the cache's own tag, beyond the slot groups' (at most; on one primary). */
    private static final long TAG = 1;

    private final OwnedRedisCluster cluster;
    private TopologyNodes nodes;
    private final List<Monitor> monitors = new ArrayList<>();
    private String namespace;

    ClusterBulkCommandsIT(OwnedRedisCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void setUp(@RedisNamespace String namespace) throws IOException {
        this.namespace = namespace + "-" + System.nanoTime();
        nodes = TopologyNodes.cluster(cluster.seedUris(), this.namespace);
        for (RedisNode primary : cluster.primaries()) {
            monitors.add(new Monitor(primary, this.namespace));
        }
    }

    @AfterEach
    void tearDown() {
        nodes.close();
        monitors.forEach(Monitor::close);
    }

    @Test
    void commandsPerPrimary_areBoundedBySlotGroups_notKeys_coldAndWarm() {
        // 4 slots on each primary, and ids whose entry keys hash to them, spread over the 12 slots in turn
        Map<Integer, Integer> slotPrimary = new LinkedHashMap<>();
        Map<Integer, Integer> perPrimary = new HashMap<>();
        Map<Integer, List<Long>> idsBySlot = new LinkedHashMap<>();
        for (long id = 0; idsBySlot.values().stream().mapToInt(List::size).min().orElse(0) < 210
                || idsBySlot.size() < 3 * SLOTS_PER_PRIMARY; id++) {
            int slot = SlotHash.getSlot("products:" + id);
            if (!slotPrimary.containsKey(slot)) {
                if (slotPrimary.size() == 3 * SLOTS_PER_PRIMARY) {
                    continue;
                }
                int port = cluster.nodeForSlot(slot).port();
                if (perPrimary.getOrDefault(port, 0) == SLOTS_PER_PRIMARY) {
                    continue;
                }
                perPrimary.merge(port, 1, Integer::sum);
                slotPrimary.put(slot, port);
            }
            idsBySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(id);
        }
        List<Long> pool = new ArrayList<>();
        List<List<Long>> columns = new ArrayList<>(idsBySlot.values());
        for (int row = 0; row < 210; row++) {
            for (List<Long> column : columns) {
                pool.add(column.get(row));
            }
        }
        CacheTemplate a = nodes.node(OPTIONS);
        // connections open, scripts loaded on every primary, the cache's tag known: none of it in the counts
        warm(a, pool.subList(0, 12));
        int from = 12;
        List<String> report = new ArrayList<>();
        for (int size : List.of(10, 100, 500)) {
            List<Long> page = pool.subList(from, from + size);
            from += size;
            Map<Integer, Integer> groups = groupsPerPrimary(page, slotPrimary);
            Map<Integer, Long> cold = count(() -> assertThat(a.rememberAll("products", page, String.class,
                    missing -> missing.stream().collect(Collectors.toMap(k -> k, k -> "v" + k)))).hasSize(size));
            CacheTemplate b = nodes.node(OPTIONS);
            warm(b, pool.subList(0, 12));
            Map<Integer, Long> warm = count(() -> assertThat(b.rememberAll("products", page, String.class, missing -> {
                throw new AssertionError("loaded " + missing.size() + " keys of an L2-resident page");
            })).hasSize(size));
            report.add(size + " keys: slot groups " + groups + ", cold " + cold + ", warm " + warm);
            for (int port : slotPrimary.values().stream().distinct().toList()) {
                int g = groups.getOrDefault(port, 0);
                assertThat(cold.getOrDefault(port, 0L)).as("cold page of %d keys on primary %d (%d slot groups); %s", size, port, g, report)
                        .isLessThanOrEqualTo(3L * g + TAG).isLessThanOrEqualTo(3L * SLOTS_PER_PRIMARY + TAG);
                assertThat(warm.getOrDefault(port, 0L)).as("warm page of %d keys on primary %d (%d slot groups); %s", size, port, g, report)
                        .isLessThanOrEqualTo(g + TAG).isLessThanOrEqualTo(SLOTS_PER_PRIMARY + TAG);
            }
            assertThat(a.stats("products").l2Errors() + b.stats("products").l2Errors()).isZero();
        }
        System.out.println("ClusterBulkCommandsIT: " + String.join("; ", report));
    }

    @Test
    void aPageOfConsecutiveIds_sendsOneCommandPerSlotGroupAndStep() {
        CacheTemplate a = nodes.node(OPTIONS);
        warm(a, java.util.stream.LongStream.range(-60, 0).boxed().toList());
        List<Long> page = java.util.stream.LongStream.range(0, 500).boxed().toList();
        Map<Integer, Integer> groups = slotGroupsPerPrimary(page);
        Map<Integer, Long> cold = count(() -> assertThat(a.rememberAll("products", page, String.class,
                missing -> missing.stream().collect(Collectors.toMap(k -> k, k -> "v" + k)))).hasSize(500));
        CacheTemplate b = nodes.node(OPTIONS);
        warm(b, java.util.stream.LongStream.range(-60, 0).boxed().toList());
        Map<Integer, Long> warm = count(() -> assertThat(b.rememberAll("products", page, String.class, m -> Map.of())).hasSize(500));
        System.out.println("ClusterBulkCommandsIT: 500 consecutive ids, slot groups " + groups + ", cold " + cold + ", warm " + warm);
        groups.forEach((port, g) -> {
            assertThat(cold.get(port)).as("cold, primary %d", port).isBetween(3L * g, 3L * g + TAG);
            assertThat(warm.get(port)).as("warm, primary %d", port).isBetween((long) g, g + TAG);
        });
    }

    /**
     * {@code invalidateAll(cache, keys)} of 500 keys spread over every primary: one script per slot group on the primary
     * of that slot (the last one also publishes the bus message), nothing else; the other node hears one message and
     * drops every copy, and Redis holds none of the keys.
     */
    @Test
    void invalidateAll_sendsOneScriptPerSlotGroup_andOneMessage() {
        CacheTemplate a = nodes.node(OPTIONS);
        CacheTemplate b = nodes.node(OPTIONS);
        List<Long> warmUp = java.util.stream.LongStream.range(-60, 0).boxed().toList();
        warm(a, warmUp);
        warm(b, warmUp);
        a.invalidateAll("products", warmUp);   // the script is now loaded on every primary
        await().atMost(Duration.ofSeconds(20)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy()
                && b.nodeStats().invalidationsReceived() >= 1);
        List<Long> page = java.util.stream.LongStream.range(0, 500).boxed().toList();
        Map<Integer, Integer> groups = slotGroupsPerPrimary(page);
        warm(a, page);
        assertThat(b.rememberAll("products", page, String.class, m -> Map.of())).hasSize(500);   // in B's L1 too
        long received = b.nodeStats().invalidationsReceived();
        long sent = a.nodeStats().invalidationsSent();

        Map<Integer, Long> commands = count(() -> a.invalidateAll("products", page));

        System.out.println("ClusterBulkCommandsIT: invalidateAll of 500 ids, slot groups " + groups + ", commands " + commands);
        groups.forEach((port, g) -> assertThat(commands.get(port)).as("primary %d", port).isEqualTo((long) g));
        assertThat(a.nodeStats().invalidationsSent() - sent).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() - received == 1);
        AtomicLong reloaded = new AtomicLong();
        assertThat(b.rememberAll("products", page, String.class, missing -> {
            reloaded.addAndGet(missing.size());
            return missing.stream().collect(Collectors.toMap(k -> k, k -> "new" + k));
        })).hasSize(500).containsEntry(0L, "new0");
        assertThat(reloaded).as("B held no copy, and Redis no entry").hasValue(500);
        assertThat(a.stats("products").l2Errors()).isZero();
    }

    private void warm(CacheTemplate node, List<Long> keys) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            long errors = node.stats("products").l2Errors();
            node.rememberAll("products", keys, String.class, m -> m.stream().collect(Collectors.toMap(k -> k, k -> "v" + k)));
            return node.stats("products").l2Errors() == errors;
        });
        quiet();
    }

    /** Slot groups of {@code page} per primary (by port), each slot on the primary that serves it now. */
    private Map<Integer, Integer> slotGroupsPerPrimary(List<Long> page) {
        Map<Integer, Integer> slotPrimary = new HashMap<>();
        for (long id : page) {
            int slot = SlotHash.getSlot("products:" + id);
            slotPrimary.computeIfAbsent(slot, s -> cluster.nodeForSlot(s).port());
        }
        return groupsPerPrimary(page, slotPrimary);
    }

    private static Map<Integer, Integer> groupsPerPrimary(List<Long> page, Map<Integer, Integer> slotPrimary) {
        Map<Integer, Set<Integer>> slots = new HashMap<>();
        for (long id : page) {
            int slot = SlotHash.getSlot("products:" + id);
            slots.computeIfAbsent(slotPrimary.get(slot), p -> new HashSet<>()).add(slot);
        }
        Map<Integer, Integer> out = new HashMap<>();
        slots.forEach((port, s) -> out.put(port, s.size()));
        return out;
    }

    /** Commands per primary (by port) sent for {@code call}, counted once every primary has been quiet for 300 ms. */
    private Map<Integer, Long> count(Runnable call) {
        Map<Integer, Long> before = quiet();
        call.run();
        Map<Integer, Long> after = quiet();
        Map<Integer, Long> out = new HashMap<>();
        after.forEach((port, n) -> out.put(port, n - before.get(port)));
        return out;
    }

    private Map<Integer, Long> quiet() {
        Map<Integer, Long> last = new HashMap<>(snapshot());
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(300)).until(() -> {
            Map<Integer, Long> now = snapshot();
            boolean same = now.equals(last);
            last.clear();
            last.putAll(now);
            return same;
        });
        return last;
    }

    private Map<Integer, Long> snapshot() {
        Map<Integer, Long> out = new HashMap<>();
        monitors.forEach(m -> out.put(m.port, m.commands.get()));
        return out;
    }

    /** A {@code MONITOR} connection: counts the commands clients send that name {@code namespace}. */
    private static final class Monitor implements AutoCloseable {
        final int port;
        final AtomicLong commands = new AtomicLong();
        private final Socket socket;
        private final Thread reader;

        Monitor(RedisNode node, String namespace) throws IOException {
            this.port = node.port();
            this.socket = new Socket(node.host(), node.port());
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String ok = in.readLine();
            assertThat(ok).isEqualTo("+OK");
            this.reader = new Thread(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        // "+<time> [<db> <client address>] "CMD" ...": a script's own commands show as [<db> lua]; the
                        // invalidation bus's messages (a new node's hello, heartbeats) are not the call's
                        int close = line.indexOf(']');
                        if (close > 0 && !line.substring(0, close).endsWith(" lua") && line.contains(namespace)
                                && !line.startsWith("\"PUBLISH\"", close + 2)) {
                            commands.incrementAndGet();
                        }
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "monitor-" + port);
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
