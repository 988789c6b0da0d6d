package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/** The command lines of a Sentinel group's processes. */
final class SentinelLaunch {

    private SentinelLaunch() {
    }

    /**
     * A data node: a replica of the port {@code primaryPort} gives at each (re)start, or a primary when
     * that is its own port (or unknown, -1).
     */
    static RedisProcess.Launch dataNode(IntSupplier primaryPort) {
        return new RedisProcess.Launch() {
            @Override
            public List<String> trailingArgs(int port) {
                int primary = primaryPort.getAsInt();
                List<String> common = List.of("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
                        "--replica-announce-ip", RedisProcess.HOST);
                if (primary <= 0 || primary == port) {
                    return common;
                }
                return concat(common, List.of("--replicaof", RedisProcess.HOST, String.valueOf(primary)));
            }
        };
    }

    /**
     * A sentinel: {@code redis-server sentinel.conf --sentinel}, the config file written on first start
     * only (the sentinel rewrites it with what it learns, and finds it again after a restart).
     *
     * @param myId  the sentinel's own id, 40 hex digits
     * @param peers the other sentinels' ports and ids, known from the start
     */
    static RedisProcess.Launch sentinel(String masterName, int primaryPort, Duration downAfter,
                                        Duration failoverTimeout, String myId, Map<Integer, String> peers) {
        return new RedisProcess.Launch() {
            @Override
            public List<String> leadingArgs(Path workDir, int port) throws IOException {
                Path conf = workDir.resolve("sentinel.conf");
                if (!Files.exists(conf)) {
                    // the peers are written in, not left to be found by hello messages (every 2 s)
                    StringBuilder known = new StringBuilder();
                    peers.forEach((peerPort, peerId) -> known.append("sentinel known-sentinel ").append(masterName)
                            .append(' ').append(RedisProcess.HOST).append(' ').append(peerPort).append(' ')
                            .append(peerId).append('\n'));
                    Files.writeString(conf, String.join("\n",
                            "sentinel myid " + myId,
                            "sentinel announce-ip " + RedisProcess.HOST,
                            "sentinel monitor " + masterName + " " + RedisProcess.HOST + " " + primaryPort + " 2",
                            "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis(),
                            "sentinel failover-timeout " + masterName + " " + failoverTimeout.toMillis(),
                            "sentinel parallel-syncs " + masterName + " 1",
                            known.toString()), StandardCharsets.UTF_8);
                }
                return List.of(conf.toString(), "--sentinel");
            }
        };
    }

    /** @return a random sentinel id: 40 hex digits */
    static String newId() {
        byte[] bytes = new byte[20];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
