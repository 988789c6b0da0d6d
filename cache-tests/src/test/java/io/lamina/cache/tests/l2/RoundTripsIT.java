package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Lamina sends to Redis, counted and named on the client's side of the wire by a proxy
 * ({@link FaultProxy#commandLog()}): one script per L2 hit, which reads the entry and takes no lease (what it ran inside
 * is checked with INFO commandstats); for an uncontended cold miss two scripts — the entry or else the fill lease, then
 * the fenced fill that ends the lease — with no lock; for an invalidation one script that also publishes its bus
 * message; the Redisson lock only for a node that finds another's lease (seen with MONITOR).
 */
@RedisTest(owned = true)
@Timeout(30)
class RoundTripsIT {

    private static final String NS = "rt";

    private FaultProxy proxy;
    private CacheTemplate node;
    private RedisClient client;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void setUp(OwnedRedisServer redis) {
        if (!redis.isRunning()) {
            redis.start();
        }
        proxy = FaultProxy.start(redis.host(), redis.port());
        node = CacheTemplate.builder().namespace(NS).remote(RedisTier.builder().uri(proxy.uri())
                .linkCheck(Duration.ofHours(1)).build())   // no liveness PINGs among the commands counted
                .cache("l2only", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofMinutes(5)).build())
                .build();
        client = RedisClient.create(redis.uri());
        admin = client.connect();
    }

    @AfterEach
    void tearDown() {
        node.close();
        proxy.close();
        admin.close();
        client.shutdown();
    }

    @Test
    void anL2Hit_isExactlyOneRoundTrip_theReadOrLeaseScript_andTakesNoLease() {
        // the end of the bus's first gap forgets the tag versions, after which a read checks the cache tag once
        await().atMost(Duration.ofSeconds(10)).until(() -> node.nodeStats().busHealthy());
        node.remember("l2only", "warm", String.class, () -> "value");
        Map<String, Long> before = quiet();
        long sentBefore = proxy.commandsReceived();

        for (int i = 0; i < 100; i++) {
            assertThat(node.remember("l2only", "warm", String.class, () -> "loaded again")).isEqualTo("value");
        }

        List<String> sent = sentSince(sentBefore, "{l2only:warm}");
        assertThat(sent).hasSize(100).allMatch(c -> c.startsWith("EVALSHA") && c.contains("rt:f:{l2only:warm}"));
        Map<String, Long> delta = delta(before, commandCalls());
        delta.remove("info");
        // the script reads the entry (bounded in size: an oversized one is never transferred) and, finding it, answers it
        // alone: no lease (no SET among the commands the server ran, no release), not even the server's TIME
        assertThat(delta).containsOnlyKeys("evalsha", "strlen", "get");
        assertThat(delta).containsEntry("evalsha", 100L).containsEntry("get", 100L);
        assertThat(admin.sync().exists("rt:f:{l2only:warm}")).isZero();
        assertThat(node.stats("l2only").l2Hits()).isEqualTo(100);
    }

    @Test
    void aColdMiss_isTwoRoundTrips_readOrLeaseThenFill_andTakesNoLock() {
        // the end of the bus's first gap flushes L1 and the tag versions, after which the next miss reads the cache tag
        await().atMost(Duration.ofSeconds(10)).until(() -> node.nodeStats().busHealthy());
        node.remember("l2only", "first", String.class, () -> "v");   // scripts are now loaded, the cache tag known
        quiet();
        long before = proxy.commandsReceived();

        assertThat(node.remember("l2only", "cold", String.class, () -> "loaded")).isEqualTo("loaded");

        long onTheCallersPath = proxy.commandsReceived() - before;
        List<String> sent = sentSince(before, "{l2only:cold}");
        // counted on the client's side of the wire (the proxy): each step is one command, so one round trip
        assertThat(sent).as(String.join("\n", sent)).hasSize(2);
        assertThat(sent.get(0)).startsWith("EVALSHA").contains("rt:f:{l2only:cold}");   // the entry, else the lease if free
        assertThat(sent.get(1)).startsWith("EVALSHA").contains("rt:f:{l2only:cold}");   // fenced fill, ends the lease
        assertThat(onTheCallersPath).as("both sent before the caller had its value").isGreaterThanOrEqualTo(2);
        assertThat(proxy.commandLog()).as("no lock key touched").noneMatch(c -> c.contains("rt:l:{l2only:cold}"));
        assertThat(admin.sync().get("rt:f:{l2only:cold}")).as("the lease ended with the fill").isNull();
    }

    /** The Redisson lock is taken only by a node that finds another node's fill lease: to wait, not to load. */
    @Test
    void aContendedMiss_takesTheLock_toWaitForTheLoadingNode(OwnedRedisServer redis) throws Exception {
        node.remember("l2only", "first", String.class, () -> "v");
        quiet();
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Socket monitor = monitor(redis, seen);
             CacheTemplate other = CacheTemplate.builder().namespace(NS).remote(RedisTier.create(redis.uri()))
                     .cache("l2only", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofMinutes(5)).build()).build()) {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> node.remember("l2only", "hot", String.class, () -> {
                loads.incrementAndGet();
                loading.countDown();
                release.await();
                return "loaded once";
            }));
            assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> other.remember("l2only", "hot", String.class, () -> {
                loads.incrementAndGet();
                return "loaded twice";
            }));
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(line -> line.contains("rt:l:{l2only:hot}")));
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("loaded once");
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("loaded once");
            assertThat(loads).hasValue(1);
        } finally {
            release.countDown();
        }
    }

    /** An invalidation is one script: the DEL of the entry and its lease, then the bus message, in one round trip. */
    @Test
    void anInvalidate_isOneRoundTrip_theRemovalAndItsBusMessageInOneScript(OwnedRedisServer redis) {
        try (CacheTemplate other = CacheTemplate.builder().namespace(NS).remote(RedisTier.create(redis.uri())).build()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> other.nodeStats().busHealthy() && node.nodeStats().busHealthy());
            node.invalidate("c", "warm");   // the script is now loaded on the server (a first EVALSHA falls back to EVAL)
            node.remember("c", "inv", String.class, () -> "v1");
            assertThat(other.remember("c", "inv", String.class, () -> "not loaded")).isEqualTo("v1");   // now in its L1
            quiet();
            long sentBefore = node.nodeStats().invalidationsSent();
            long before = proxy.commandsReceived();

            node.invalidate("c", "inv");

            List<String> sent = sentSince(before, "inv");
            assertThat(sent).as(String.join("\n", sent)).singleElement().asString()
                    .startsWith("EVALSHA").contains("rt:e:{c:inv}").contains("rt:f:{c:inv}").contains("rt:bus");
            // the other node heard it: its L1 copy is gone
            await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(other.remember("c", "inv", String.class, () -> "v2")));
            assertThat(node.nodeStats().invalidationsSent() - sentBefore).isEqualTo(1);
            assertThat(node.nodeStats().invalidationsFailed()).isZero();
        }
    }

    /**
     * The commands the node sent through the proxy since {@code before} (a {@link FaultProxy#commandsReceived()} count),
     * once it is quiet, without its bus heartbeats and liveness PINGs (which name no entry) — those that name
     * {@code key} or no key at all but are not heartbeats.
     */
    private List<String> sentSince(long before, String key) {
        quiet();
        List<String> log = proxy.commandLog();
        long count = proxy.commandsReceived() - before;
        List<String> window = log.subList((int) Math.max(0, log.size() - count), log.size());
        return window.stream().filter(c -> c.contains(key) || !(c.startsWith("PUBLISH ") || c.startsWith("PING"))).toList();
    }

    private static Socket monitor(OwnedRedisServer redis, List<String> seen) throws IOException {
        Socket monitor = new Socket(redis.host(), redis.port());
        OutputStream out = monitor.getOutputStream();
        out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo("+OK");
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    seen.add(line);
                }
            } catch (IOException closed) {
                // the test closed the socket
            }
        });
        reader.setDaemon(true);
        reader.start();
        return monitor;
    }

    /** Waits until Redis sees no command but INFO for 200 ms (the last call's unlock is not awaited). */
    private Map<String, Long> quiet() {
        Map<String, Long>[] last = new Map[] {withoutInfo(commandCalls())};
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Long> now = withoutInfo(commandCalls());
            boolean same = now.equals(last[0]);
            last[0] = now;
            return same;
        });
        return commandCalls();
    }

    private static Map<String, Long> withoutInfo(Map<String, Long> calls) {
        calls.remove("info");
        return calls;
    }

    private Map<String, Long> commandCalls() {
        Pattern line = Pattern.compile("cmdstat_([^:]+):calls=(\\d+)");
        Matcher m = line.matcher(admin.sync().info("commandstats"));
        Map<String, Long> calls = new java.util.HashMap<>();
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return calls;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream()
                .filter(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L) != 0)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)));
    }
}
