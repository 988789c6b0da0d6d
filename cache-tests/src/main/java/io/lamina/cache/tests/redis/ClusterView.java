package io.lamina.cache.tests.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** One node's {@code CLUSTER NODES} answer, parsed: who is who, who serves which slots. */
record ClusterView(List<Entry> entries) {

    /**
     * One line of {@code CLUSTER NODES}.
     *
     * @param id       the node id
     * @param port     the client port
     * @param flags    {@code myself}, {@code master}, {@code slave}, {@code fail?}, {@code fail}, ...
     * @param masterId the id of its primary for a replica, else {@code -}
     * @param slots    the slot ranges it serves, as {@code [from, to]} pairs
     */
    record Entry(String id, int port, Set<String> flags, String masterId, List<int[]> slots) {

        boolean isPrimary() {
            return flags.contains("master");
        }

        boolean isReplica() {
            return flags.contains("slave");
        }

        boolean isFailed() {
            return flags.contains("fail") || flags.contains("fail?");
        }

        boolean isReady() {
            return !flags.contains("handshake") && !flags.contains("noaddr");
        }

        boolean serves(int slot) {
            return slots.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
        }

        int firstSlot() {
            return slots.stream().mapToInt(range -> range[0]).min().orElse(Integer.MAX_VALUE);
        }
    }

    static ClusterView parse(String clusterNodes) {
        List<Entry> entries = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1].split("[@,]")[0];
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                slots.add(new int[] {from, range.length > 1 ? Integer.parseInt(range[1]) : from});
            }
            entries.add(new Entry(f[0], port, Set.of(f[2].split(",")), f[3], slots));
        }
        return new ClusterView(entries);
    }

    Optional<Entry> byId(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    Optional<Entry> byPort(int port) {
        return entries.stream().filter(e -> e.port() == port).findFirst();
    }

    /** Primaries that serve slots and are not failed, by their first slot. */
    List<Entry> servingPrimaries() {
        return entries.stream()
                .filter(e -> e.isPrimary() && !e.isFailed() && !e.slots().isEmpty())
                .sorted(Comparator.comparingInt(Entry::firstSlot))
                .toList();
    }

    /** @return the primary serving {@code slot}, if any */
    Optional<Entry> ownerOf(int slot) {
        return entries.stream().filter(e -> e.isPrimary() && e.serves(slot)).findFirst();
    }

    /**
     * What every healthy node must agree on: which port serves which slot range, and which port
     * replicates which, restricted to the given ports (live nodes).
     */
    String layout(Set<Integer> ports) {
        TreeMap<Integer, String> lines = new TreeMap<>();
        for (Entry e : entries) {
            if (e.isPrimary()) {
                for (int[] range : e.slots()) {
                    lines.put(range[0], range[0] + "-" + range[1] + "@" + e.port());
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.join(" ", lines.values()));
        entries.stream().filter(e -> e.isReplica() && ports.contains(e.port()))
                .sorted(Comparator.comparingInt(Entry::port))
                .forEach(e -> sb.append(' ').append(e.port()).append("->")
                        .append(byId(e.masterId()).map(m -> String.valueOf(m.port())).orElse("?")));
        return sb.toString();
    }
}
