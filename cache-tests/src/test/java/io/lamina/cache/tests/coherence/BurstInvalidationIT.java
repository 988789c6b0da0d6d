package io.lamina.cache.tests.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Burst invalidations, coalesced: {@code invalidateAll(cache, keys)} sends one script (one round trip, counted on the
 * client's side of the wire by a proxy) and one bus message whatever the number of keys; concurrent single-key
 * {@code invalidate} calls on one node share scripts and messages (group commit); both fence running loads, and with
 * Redis unreachable drop this node's copies and are replayed later.
 */
@RedisTest
@Timeout(60)
class BurstInvalidationIT {

    private static final String CACHE = "products";
    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(10)).build();

    private final List<AutoCloseable> open = new ArrayList<>();
    private RedisServer redis;
    private String namespace;
    private FaultProxy proxy;
    private CacheTemplate a;      // through the proxy: its commands are counted
    private CacheTemplate b;      // straight to Redis: the other node
    private RedisClient rawClient;
    private StatefulRedisConnection<String, String> raw;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
        proxy = FaultProxy.start(redis.host(), redis.port());
        open.add(proxy);
        a = node(proxy.uri());
        b = node(redis.uri());
        rawClient = RedisClient.create(redis.uri());
        raw = rawClient.connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
        raw.close();
        rawClient.shutdown();
    }

    private CacheTemplate node(String uri) {
        CacheTemplate node = CacheTemplate.builder().namespace(namespace)
                .remote(RedisTier.builder().uri(uri).commandTimeout(Duration.ofMillis(500)).linkCheck(Duration.ofHours(1)).build())
                .cache(CACHE, OPTIONS).build();
        open.add(node);
        return node;
    }

    private static List<String> keys(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    /** Both nodes hold every key in L1 (and Redis holds it). */
    private void cachedOnBothNodes(List<String> keys) {
        for (String k : keys) {
            assertThat(a.remember(CACHE, k, String.class, () -> "old-" + k)).isEqualTo("old-" + k);
            assertThat(b.remember(CACHE, k, String.class, () -> "not loaded")).isEqualTo("old-" + k);
        }
        assertThat(storedCount(keys)).isEqualTo(keys.size());
    }

    private long storedCount(List<String> keys) {
        return raw.sync().exists(keys.stream().map(k -> namespace + ":e:{" + CACHE + ":" + k + "}").toArray(String[]::new));
    }

    /** The commands node A sent since {@code before} (a {@link FaultProxy#commandsReceived()} count), heartbeats left out. */
    private List<String> sentSince(long before) {
        List<String> log = proxy.commandLog();
        long count = proxy.commandsReceived() - before;
        return log.subList((int) Math.max(0, log.size() - count), log.size()).stream()
                .filter(c -> !(c.startsWith("PUBLISH ") || c.startsWith("PING"))).toList();
    }

    @Test
    void invalidateAll_ofManyKeys_isOneScriptAndOneMessage_whateverTheNumberOfKeys_andEveryNodeDropsThem() {
        List<String> warm = keys("warm-", 3);
        cachedOnBothNodes(warm);
        a.invalidateAll(CACHE, warm);   // the script is now loaded on the server (a first EVALSHA falls back to EVAL)
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() == 1);

        for (int n : List.of(10, 100)) {
            List<String> page = keys("p" + n + "-", n);
            cachedOnBothNodes(page);
            long received = b.nodeStats().invalidationsReceived();
            long sent = a.nodeStats().invalidationsSent();
            long before = proxy.commandsReceived();

            a.invalidateAll(CACHE, page);

            List<String> commands = sentSince(before);
            assertThat(commands).as("%d keys: %s", n, commands).singleElement().asString()
                    .startsWith("EVALSHA").contains(namespace + ":e:{" + CACHE + ":" + page.get(0) + "}");
            assertThat(storedCount(page)).as("entries left in Redis").isZero();
            assertThat(a.nodeStats().invalidationsSent() - sent).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() - received == 1);
            for (String k : page) {
                assertThat(a.getIfPresent(CACHE, k, String.class)).as("A's copy of %s", k).isNull();
                assertThat(b.getIfPresent(CACHE, k, String.class)).as("B's copy of %s", k).isNull();
            }
            assertThat(b.nodeStats().invalidationsReceived() - received).as("messages B received").isEqualTo(1);
        }
        assertThat(a.nodeStats().invalidationsFailed()).isZero();
        assertThat(a.stats(CACHE).l2Errors()).isZero();
    }

    @Test
    void invalidateAll_ofMoreKeysThanOneMessageHolds_sendsThemAThousandAtATime() {
        List<String> page = keys("big-", 1_500);
        a.invalidate(CACHE, "warm");   // the scripts are now loaded on the server
        a.invalidateAll(CACHE, List.of("warm", "warm2"));
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        page.forEach(k -> values.put(k, "old-" + k));
        a.putAll(CACHE, values);
        assertThat(b.rememberAll(CACHE, page, String.class, missing -> java.util.Map.of())).hasSize(page.size());   // B's L1
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() >= 3);
        long received = b.nodeStats().invalidationsReceived();
        long before = proxy.commandsReceived();

        a.invalidateAll(CACHE, page);

        assertThat(sentSince(before)).as("1 000 keys, then 500").hasSize(2).allMatch(c -> c.startsWith("EVALSHA"));
        assertThat(storedCount(page)).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() - received == 2);
        assertThat(b.rememberAll(CACHE, page, String.class, missing -> java.util.Map.of())).as("B holds none of them").isEmpty();
    }

    @Test
    void invalidateAll_keysNamingOneEntry_collapse() {
        cachedOnBothNodes(List.of("warm", "1"));
        a.invalidate(CACHE, "warm");   // the script is now loaded on the server (a first EVALSHA falls back to EVAL)
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() >= 1);
        long received = b.nodeStats().invalidationsReceived();
        long before = proxy.commandsReceived();

        a.invalidateAll(CACHE, List.of("1", "1", 1));   // the string "1" and the number 1 name the same entry
        // the message reaches B asynchronously: B's L1 copy goes when it arrives
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() == received + 1);

        List<String> commands = sentSince(before);
        assertThat(commands).singleElement().asString().contains(namespace + ":e:{" + CACHE + ":1}");
        assertThat(commands.get(0).split(namespace + ":e:", -1)).as("the entry named once: %s", commands).hasSize(2);
        assertThat(b.remember(CACHE, "1", String.class, () -> "new")).isEqualTo("new");
    }

    @Test
    void invalidateAll_fencesALoadInFlight_soTheOldValueIsNotStored() throws Exception {
        cachedOnBothNodes(List.of("other"));
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> a.remember(CACHE, "k", String.class, () -> {
                loading.countDown();
                release.await();
                return "old";   // read from the source before the invalidation
            }), pool);
            assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();

            a.invalidateAll(CACHE, List.of("other", "k"));   // the source changed: the new value is "new"
            release.countDown();

            assertThat(load.get(5, TimeUnit.SECONDS)).as("the load's own callers get what it loaded").isEqualTo("old");
            assertThat(storedCount(List.of("k"))).as("the fenced fill did not store the old value in Redis").isZero();
            AtomicInteger loads = new AtomicInteger();
            assertThat(a.remember(CACHE, "k", String.class, () -> {
                loads.incrementAndGet();
                return "new";
            })).as("not kept in A's L1 either").isEqualTo("new");
            assertThat(loads).hasValue(1);
            assertThat(b.remember(CACHE, "k", String.class, () -> "new")).isEqualTo("new");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void invalidateAll_withRedisUnreachable_throwsNothing_dropsL1_andIsReplayedOnceRedisIsBack() {
        List<String> page = keys("down-", 20);
        cachedOnBothNodes(page);

        proxy.newConnections(FaultProxy.NewConnections.REFUSE);
        proxy.resetAll();                                       // A is cut off from Redis: its writes fail at once
        a.invalidateAll(CACHE, page);                           // no exception

        for (String k : page) {
            assertThat(a.getIfPresent(CACHE, k, String.class)).as("A's copy of %s", k).isNull();
        }
        assertThat(a.nodeStats().replaysPending()).as("every key queued for a replay").isEqualTo(page.size());
        assertThat(storedCount(page)).as("Redis still holds them while A cannot reach it").isEqualTo(page.size());

        long received = b.nodeStats().invalidationsReceived();
        proxy.newConnections(FaultProxy.NewConnections.ACCEPT);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.nodeStats().replaysPending() == 0);
        assertThat(storedCount(page)).as("no stale entry once the replay ran").isZero();
        assertThat(a.nodeStats().replaysDone()).isEqualTo(page.size());
        // the replay removes the keys together too, with one message for them all
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() > received);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> b.nodeStats().invalidationsReceived() - received == 1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String k : page) {
                assertThat(b.remember(CACHE, k, String.class, () -> "new")).as("B reads %s", k).isEqualTo("new");
            }
        });
    }

    @Test
    void concurrentInvalidates_onOneNode_shareScriptsAndMessages_andEveryKeyIsGoneEverywhere() throws Exception {
        int threads = 16;
        int perThread = 8;
        List<String> all = keys("gc-", threads * perThread);
        cachedOnBothNodes(all);
        long sent = a.nodeStats().invalidationsSent();
        long received = b.nodeStats().invalidationsReceived();
        // every round trip takes a while, so that calls overlap whatever the scheduling
        proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.latency(Duration.ofMillis(20)));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<String> mine = all.subList(t * perThread, (t + 1) * perThread);
                done.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (String k : mine) {
                        a.invalidate(CACHE, k);
                        // the caller returns once its own key is gone from Redis
                        assertThat(storedCount(List.of(k))).as("%s in Redis after its invalidate returned", k).isZero();
                    }
                }, pool));
            }
            start.countDown();
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.PASS);

        long messages = a.nodeStats().invalidationsSent() - sent;
        System.out.println("BurstInvalidationIT: " + all.size() + " concurrent invalidate calls sent " + messages + " messages");
        assertThat(messages).as("messages for %d calls", all.size()).isLessThan(all.size()).isPositive();
        assertThat(storedCount(all)).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() - received == messages);
        for (String k : all) {
            assertThat(a.getIfPresent(CACHE, k, String.class)).as("A's copy of %s", k).isNull();
            assertThat(b.getIfPresent(CACHE, k, String.class)).as("B's copy of %s", k).isNull();
        }
        assertThat(a.nodeStats().invalidationsFailed()).isZero();
        assertThat(a.nodeStats().replaysPending()).isZero();
    }

    @Test
    void aSingleInvalidate_thatOverlapsNothing_isStillOneScriptAndOneMessage() {
        cachedOnBothNodes(List.of("warm", "single"));
        a.invalidate(CACHE, "warm");   // the script is now loaded on the server
        long sent = a.nodeStats().invalidationsSent();
        long before = proxy.commandsReceived();

        a.invalidate(CACHE, "single");

        assertThat(sentSince(before)).singleElement().asString().startsWith("EVALSHA")
                .contains(namespace + ":e:{" + CACHE + ":single}").contains(namespace + ":bus");
        assertThat(a.nodeStats().invalidationsSent() - sent).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(b.remember(CACHE, "single", String.class, () -> "v2")));
    }

    @Test
    void invalidateAll_badInput_failsBeforeAnyIo_andAnEmptyCollectionDoesNothing() {
        cachedOnBothNodes(List.of("a"));
        long before = proxy.commandsReceived();

        assertThatThrownBy(() -> a.invalidateAll(CACHE, (List<?>) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("keys");
        assertThatThrownBy(() -> a.invalidateAll(CACHE, Arrays.asList("a", null))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null key");
        assertThatThrownBy(() -> a.invalidateAll(CACHE, List.of("a", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> a.invalidateAll(" ", List.of("a"))).isInstanceOf(IllegalArgumentException.class);
        a.invalidateAll(CACHE, List.of());

        assertThat(sentSince(before)).as("nothing sent").isEmpty();
        assertThat(a.getIfPresent(CACHE, "a", String.class)).as("A's copy untouched").isNotNull();
        assertThat(storedCount(List.of("a"))).isEqualTo(1);
    }
}
