package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Lamina sends to Redis, counted by Redis itself: one GET per L2 hit (INFO commandstats), and for a
 * cold miss (MONITOR, without the calls scripts make inside Redis) four round trips on the caller's path —
 * GET, the lock, the re-read with the fill lease, the fenced fill — then the unlock and Redisson's cleanup
 * of its unlock latch, which the caller does not wait for.
 */
@RedisTest(owned = true)
@Timeout(30)
class RoundTripsIT {

    private static final String NS = "rt";

    private CacheTemplate node;
    private RedisClient client;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void setUp(OwnedRedisServer redis) {
        if (!redis.isRunning()) {
            redis.start();
        }
        node = CacheTemplate.builder().namespace(NS).remote(RedisTier.builder().uri(redis.uri())
                .linkCheck(Duration.ofHours(1)).build())   // no liveness PINGs among the commands counted
                .cache("l2only", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofMinutes(5)).build())
                .build();
        client = RedisClient.create(redis.uri());
        admin = client.connect();
    }

    @AfterEach
    void tearDown() {
        node.close();
        admin.close();
        client.shutdown();
    }

    @Test
    void anL2Hit_isExactlyOneGetrange() {
        node.remember("l2only", "warm", String.class, () -> "value");
        Map<String, Long> before = quiet();

        for (int i = 0; i < 100; i++) {
            assertThat(node.remember("l2only", "warm", String.class, () -> "loaded again")).isEqualTo("value");
        }

        Map<String, Long> delta = delta(before, commandCalls());
        delta.remove("info");
        // GETRANGE 0 <maxValueSize>: a GET bounded in size (an oversized entry is never transferred)
        assertThat(delta).containsExactlyEntriesOf(Map.of("getrange", 100L));
        assertThat(node.stats("l2only").l2Hits()).isEqualTo(100);
    }

    @Test
    void aColdMiss_isFourRoundTripsOnTheCallersPath_plusAnUnlockNotWaitedFor(OwnedRedisServer redis) throws Exception {
        node.remember("l2only", "first", String.class, () -> "v");   // scripts are now loaded on the server
        quiet();                                                      // and its unlock has landed
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Socket monitor = new Socket(redis.host(), redis.port())) {
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
            reader.start();

            assertThat(node.remember("l2only", "cold", String.class, () -> "loaded")).isEqualTo("loaded");

            await().atMost(Duration.ofSeconds(5)).until(() -> topLevel(seen).size() >= 6);
            // nothing else may follow
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> topLevel(seen).size() == 6);
            List<String> commands = topLevel(seen);
            assertThat(commands).as(String.join("\n", commands)).hasSize(6);
            assertThat(commands.get(0)).contains("\"GETRANGE\"").contains("rt:e:{l2only:cold}");
            assertThat(commands.subList(1, 5)).allMatch(c -> c.contains("\"EVALSHA\""));
            assertThat(commands.get(1)).contains("rt:l:{l2only:cold}");   // the lock
            assertThat(commands.get(2)).contains("rt:f:{l2only:cold}");   // re-read + fill lease
            assertThat(commands.get(3)).contains("rt:f:{l2only:cold}");   // fenced fill
            assertThat(commands.get(4)).contains("rt:l:{l2only:cold}");   // unlock, not awaited by the caller
            assertThat(commands.get(5)).contains("\"DEL\"").contains("redisson_unlock_latch:rt:l:{l2only:cold}");
        }
    }

    /** Commands clients sent (MONITOR marks the ones scripts make with "lua"), about this test's keys. */
    private static List<String> topLevel(List<String> monitorLines) {
        return monitorLines.stream().filter(l -> !l.contains(" lua]") && l.contains("{l2only:cold}")).toList();
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
