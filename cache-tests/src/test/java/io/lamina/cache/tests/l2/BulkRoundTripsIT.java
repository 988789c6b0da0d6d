package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one {@code rememberAll} sends to one Redis, counted by a proxy between client and server (every RESP command
 * the client sends, from the call until the node is quiet): a constant, whatever the number of keys. On one server
 * every step is one command, so commands are round trips: an L2-resident page is one MGET; a cold page is the MGET,
 * the bulk lease script and the bulk fill script.
 */
@RedisTest
@Timeout(60)
class BulkRoundTripsIT {

    private FaultProxy proxy;
    private CacheTemplate node;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        proxy = FaultProxy.start(redis.host(), redis.port());
        node = CacheTemplate.builder().namespace(namespace + "-" + System.nanoTime())
                .remote(RedisTier.builder().uri(proxy.uri()).linkCheck(Duration.ofHours(1)).build())   // no liveness PINGs counted
                .busCheckInterval(Duration.ofMinutes(10))   // no bus heartbeats in the counts
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build())
                .cache("l2only", CacheOptions.builder().l1Enabled(false).ttl(Duration.ofMinutes(5)).build())
                .build();
    }

    @AfterEach
    void tearDown() {
        node.close();
        proxy.close();
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static Map<Long, String> values(Set<Long> missing) {
        return missing.stream().collect(Collectors.toMap(k -> k, k -> "v" + k));
    }

    /** Commands the node sent for {@code call}, counted once the node has been quiet for 300 ms. */
    private long commandsOf(Runnable call) {
        long before = quiet();
        call.run();
        return quiet() - before;
    }

    private long quiet() {
        long[] last = {proxy.commandsReceived()};
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(300)).until(() -> {
            long now = proxy.commandsReceived();
            boolean same = now == last[0];
            last[0] = now;
            return same;
        });
        return last[0];
    }

    @Test
    void coldPages_costTheSameCommandsFor10And100And500Keys_withOneLoaderCallEach() {
        AtomicInteger loaderCalls = new AtomicInteger();
        // scripts loaded, cache tag known: what follows is the steady state
        node.rememberAll("bulk", ids(-10, 0), String.class, BulkRoundTripsIT::values);
        // a second page: the first cold page after the first one still refreshes the cache tag's TTL once (TAG_ENSURE)
        node.rememberAll("bulk", ids(-30, -20), String.class, BulkRoundTripsIT::values);

        long ten = commandsOf(() -> assertThat(node.rememberAll("bulk", ids(0, 10), String.class, m -> {
            loaderCalls.incrementAndGet();
            return values(m);
        })).hasSize(10));
        long hundred = commandsOf(() -> assertThat(node.rememberAll("bulk", ids(100, 200), String.class, m -> {
            loaderCalls.incrementAndGet();
            return values(m);
        })).hasSize(100));
        long fiveHundred = commandsOf(() -> assertThat(node.rememberAll("bulk", ids(1000, 1500), String.class, m -> {
            loaderCalls.incrementAndGet();
            return values(m);
        })).hasSize(500));

        assertThat(loaderCalls).hasValue(3);
        // bounded bulk read, bulk lease, bulk fill; at times one more, TAG_ENSURE, which keeps the cache tag's key alive
        // (sent when this node's view of the tag is unknown or was last refreshed over half the tag TTL ago)
        assertThat(ten).as("commands for 10 cold keys: bounded bulk read, bulk lease, bulk fill").isBetween(3L, 4L);
        assertThat(hundred).as("commands for 100 cold keys").isBetween(3L, 4L);
        assertThat(fiveHundred).as("commands for 500 cold keys").isBetween(3L, 4L);
        assertThat(ten + hundred + fiveHundred).as("the tag refresh is not per page").isLessThanOrEqualTo(10);
    }

    @Test
    void anL2ResidentPage_isOneMget_andL1Hits_costNothing() {
        node.rememberAll("l2only", ids(0, 100), String.class, BulkRoundTripsIT::values);
        node.rememberAll("l2only", ids(0, 100), String.class, BulkRoundTripsIT::values);   // tag versions known: steady state
        node.rememberAll("bulk", ids(0, 100), String.class, BulkRoundTripsIT::values);
        AtomicInteger loaderCalls = new AtomicInteger();

        long l2 = commandsOf(() -> assertThat(node.rememberAll("l2only", ids(0, 100), String.class, m -> {
            loaderCalls.incrementAndGet();
            return Map.of();
        })).hasSize(100));
        long l1 = commandsOf(() -> assertThat(node.rememberAll("bulk", ids(0, 100), String.class, m -> {
            loaderCalls.incrementAndGet();
            return Map.of();
        })).hasSize(100));

        assertThat(loaderCalls).hasValue(0);
        assertThat(l2).as("commands for 100 L2-resident keys").isEqualTo(1);
        assertThat(l1).as("commands for 100 L1 hits").isZero();
        assertThat(node.stats("l2only").l2Hits()).isEqualTo(200);   // the warm-up's page and the counted one
    }

    @Test
    void putAll_ofManyEntries_isAConstantNumberOfCommands() {
        node.putAll("bulk", Map.of(-1L, "warm"));
        node.putAll("bulk", values(Set.copyOf(ids(-20, -10))));   // every link open and every script loaded
        long ten = commandsOf(() -> node.putAll("bulk", values(Set.copyOf(ids(0, 10)))));
        long hundred = commandsOf(() -> node.putAll("bulk", values(Set.copyOf(ids(100, 200)))));
        // the bulk put script and the bus message; at times a TAG_ENSURE more, which keeps the cache tag's key alive
        assertThat(ten).as("putAll of 10 entries").isBetween(2L, 3L);
        assertThat(hundred).as("putAll of 100 entries").isBetween(2L, 3L);
    }

    @Test
    void withRedisDown_rememberAll_loadsOnce_servesEveryKey_andThrowsNothing(@RedisNamespace String namespace) {
        proxy.newConnections(FaultProxy.NewConnections.REFUSE);
        proxy.resetAll();
        AtomicInteger loaderCalls = new AtomicInteger();
        Map<Long, String> page = node.rememberAll("down", ids(0, 50), String.class, m -> {
            loaderCalls.incrementAndGet();
            assertThat(m).hasSize(50);
            return values(m);
        });
        assertThat(page).hasSize(50);
        assertThat(node.rememberAll("down", ids(0, 50), String.class, m -> {
            loaderCalls.incrementAndGet();
            return values(m);
        })).isEqualTo(page);
        assertThat(loaderCalls).as("the second call is served by L1").hasValue(1);
        node.putAll("down", Map.of(1L, "written"));
        assertThat(node.rememberAll("down", List.of(1L), String.class, m -> Map.of())).containsEntry(1L, "written");
    }
}
