package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LaminaMeterNames;
import io.lamina.cache.NodeStats;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.tests.redis.ForwardingTier;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisTest;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Invalidations Redis did not take (writes refused at maxmemory, a node cut off from Redis) are queued and replayed
 * once Redis takes writes again: a node that starts afterwards never serves an entry invalidated meanwhile, nodes that
 * read the old entry in between drop it, and a replay never brings an older value back over a newer write.
 */
@RedisTest(owned = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class InvalidationReplayIT {

    private static final Duration REPLAYED_WITHIN = Duration.ofSeconds(15);

    private OwnedRedisServer redis;
    private String baseNamespace;
    private String namespace;
    private RedisClient rawClient;
    private StatefulRedisConnection<String, String> raw;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void connect(OwnedRedisServer redis, @RedisNamespace String namespace) {
        this.redis = redis;
        this.baseNamespace = namespace;
        rawClient = RedisClient.create(redis.uri());
        raw = rawClient.connect();
    }

    @AfterAll
    void disconnect() {
        raw.close();
        rawClient.shutdown();
    }

    @AfterEach
    void closeNodes() throws Exception {
        redis().configSet("maxmemory", "0");
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }

    private RedisCommands<String, String> redis() {
        return raw.sync();
    }

    private CacheTemplate node(String uri) {
        return node(uri, new SimpleMeterRegistry());
    }

    private CacheTemplate node(String uri, MeterRegistry registry) {
        RedisTier tier = RedisTier.builder().uri(uri).commandTimeout(Duration.ofMillis(300)).build();
        CacheTemplate node = CacheTemplate.builder().namespace(namespace).remote(tier).meterRegistry(registry)
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).lockWait(Duration.ofMillis(500)).build()).build();
        open.add(node);
        return node;
    }

    private boolean stored(String cache, String key) {
        return redis().exists(namespace + ":e:{" + cache + ":" + key + "}") == 1;
    }

    /** Remembers {@code key} with a loader that returns {@code fresh} and counts its runs in {@code loads}. */
    private static String read(CacheTemplate node, String cache, String key, String fresh, AtomicInteger loads) {
        return node.remember(cache, key, String.class, () -> {
            loads.incrementAndGet();
            return fresh;
        });
    }

    @Test
    void writesRefusedAtMaxmemory_areReplayed_andNodesNeverServeWhatWasInvalidated() {
        namespace = baseNamespace + "-oom";
        MeterRegistry meters = new SimpleMeterRegistry();
        CacheTemplate a = node(redis.uri(), meters);
        a.remember("products", "tagged", String.class, ctx -> {
            ctx.tags("category:1");
            return "old-tagged";
        });
        a.remember("products", "overwritten", String.class, () -> "old-overwritten");
        a.remember("lists", "page-1", String.class, () -> "old-page");
        await().atMost(Duration.ofSeconds(10)).until(() -> stored("products", "tagged") && stored("products", "overwritten")
                && stored("lists", "page-1"));

        redis().configSet("maxmemory-policy", "noeviction");
        redis().configSet("maxmemory", "1");                   // every write that may grow memory: OOM
        a.invalidateTags("category:1");
        a.put("products", "overwritten", "new-overwritten");
        a.invalidateAll("lists");
        NodeStats during = a.nodeStats();
        assertThat(during.replaysQueued()).as("the tag, the put and the invalidateAll Redis refused are queued").isEqualTo(3);
        // the put's replay (a removal: DEL is allowed at maxmemory) may already have gone through; the new versions of
        // the tag and of the cache's own tag are writes Redis refuses until maxmemory is raised

        // a node started during the refusal reads the tagged entry from Redis: its tag was never invalidated there
        CacheTemplate b = node(redis.uri());
        AtomicInteger bLoads = new AtomicInteger();
        assertThat(read(b, "products", "tagged", "fresh-tagged", bLoads)).isEqualTo("old-tagged");
        assertThat(read(b, "lists", "page-1", "fresh-page", bLoads)).isEqualTo("old-page");
        assertThat(a.nodeStats().replaysPending()).as("the tag bumps stay queued while Redis refuses them").isGreaterThanOrEqualTo(2);

        redis().configSet("maxmemory", "0");
        await().atMost(REPLAYED_WITHIN).until(() -> a.nodeStats().replaysPending() == 0);
        assertThat(a.nodeStats().replaysDone()).isEqualTo(3);
        assertThat(a.nodeStats().replaysDropped()).isZero();
        assertThat(meters.get(LaminaMeterNames.REPLAYS).tag(LaminaMeterNames.TAG_RESULT, "queued").functionCounter().count()).isEqualTo(3);
        assertThat(meters.get(LaminaMeterNames.REPLAYS).tag(LaminaMeterNames.TAG_RESULT, "replayed").functionCounter().count()).isEqualTo(3);
        assertThat(meters.get(LaminaMeterNames.REPLAYS).tag(LaminaMeterNames.TAG_RESULT, "dropped").functionCounter().count()).isZero();
        assertThat(meters.get(LaminaMeterNames.REPLAY_PENDING).gauge().value()).isZero();
        assertThat(stored("products", "overwritten")).as("the refused put is replayed as an invalidation, never as its value").isFalse();

        // a node that starts now never serves what was invalidated during the refusal
        CacheTemplate c = node(redis.uri());
        AtomicInteger cLoads = new AtomicInteger();
        assertThat(read(c, "products", "tagged", "fresh-tagged", cLoads)).isEqualTo("fresh-tagged");
        assertThat(read(c, "products", "overwritten", "fresh-overwritten", cLoads)).isEqualTo("fresh-overwritten");
        assertThat(read(c, "lists", "page-1", "fresh-page", cLoads)).isEqualTo("fresh-page");
        assertThat(cLoads).as("each invalidated entry loaded once on the fresh node").hasValue(3);

        // the node that read the old entries in between drops them: the replay is published on the bus again
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(read(b, "products", "tagged", "fresh-tagged", bLoads)).isEqualTo("fresh-tagged");
            assertThat(read(b, "lists", "page-1", "fresh-page", bLoads)).isEqualTo("fresh-page");
        });
        AtomicInteger aLoads = new AtomicInteger();
        assertThat(read(a, "products", "tagged", "fresh-tagged", aLoads)).isEqualTo("fresh-tagged");
        assertThat(read(a, "lists", "page-1", "fresh-page", aLoads)).isEqualTo("fresh-page");
    }

    @Test
    void nodeCutOffFromRedis_replaysItsInvalidationsAfterward_andNeverBringsItsOlderWriteBackOverANewerOne() throws Exception {
        namespace = baseNamespace + "-cut";
        FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        open.add(proxy);
        CacheTemplate a = node(proxy.uri());                   // A reaches Redis through the proxy
        CacheTemplate b = node(redis.uri());
        a.remember("products", "k", String.class, () -> "v0");
        a.remember("products", "tagged", String.class, ctx -> {
            ctx.tags("category:2");
            return "old-tagged";
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> stored("products", "k") && stored("products", "tagged"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());

        proxy.newConnections(FaultProxy.NewConnections.REFUSE);
        proxy.resetAll();                                       // A is cut off: its writes fail at once
        a.put("products", "k", "a-v1");                         // the older write: Redis never takes it
        a.invalidateTags("category:2");
        assertThat(a.nodeStats().replaysPending()).isEqualTo(2);
        b.put("products", "k", "b-v2");                         // the newer write, by another node, taken
        assertThat(stored("products", "k")).isTrue();

        proxy.newConnections(FaultProxy.NewConnections.ACCEPT);
        await().atMost(REPLAYED_WITHIN).until(() -> a.nodeStats().replaysPending() == 0);
        assertThat(a.nodeStats().replaysDone()).isEqualTo(2);

        // the source of truth holds B's write; whoever reads k gets it, from L2 or the loader, never A's older value
        CacheTemplate c = node(redis.uri());
        Set<String> newest = Set.of("b-v2");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (CacheTemplate node : List.of(a, b, c)) {
                assertThat(node.remember("products", "k", String.class, () -> "b-v2")).isIn(newest);
            }
        });
        AtomicInteger cLoads = new AtomicInteger();
        assertThat(read(c, "products", "tagged", "fresh-tagged", cLoads)).isEqualTo("fresh-tagged");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(read(b, "products", "tagged", "fresh-tagged", new AtomicInteger())).isEqualTo("fresh-tagged"));
    }

    /**
     * Redis takes a write but the bus does not take its message (the publisher's connection is not back yet after a
     * partition): other nodes keep their L1 copies, so the message is published again until the bus takes it, a tag or
     * cache at the version Redis gave (no new one), a put without removing its value.
     */
    @Test
    void writesRedisTookButTheBusDidNotAnnounce_areAnnouncedOnceItDoes_andOtherNodesDropTheirCopies() {
        namespace = baseNamespace + "-unheard";
        AtomicBoolean publishesFail = new AtomicBoolean();
        RedisTier real = RedisTier.builder().uri(redis.uri()).commandTimeout(Duration.ofMillis(300)).build();
        CacheTemplate a = CacheTemplate.builder().namespace(namespace).remote(new UnheardTier(real, publishesFail))
                .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(5)).build()).build();
        open.add(a);
        CacheTemplate b = node(redis.uri());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.nodeStats().busHealthy() && b.nodeStats().busHealthy());
        for (String tag : List.of("category:5", "category:6")) {
            a.remember("products", tag, String.class, ctx -> {
                ctx.tags(tag);
                return "old-" + tag;
            });
        }
        a.remember("lists", "page-1", String.class, () -> "old-page");
        a.remember("products", "put", String.class, () -> "old-put");
        AtomicInteger bLoads = new AtomicInteger();
        for (String key : List.of("category:5", "category:6", "put")) {
            assertThat(read(b, "products", key, "not loaded", bLoads)).isEqualTo("old-" + key);   // now in B's L1
        }
        assertThat(read(b, "lists", "page-1", "not loaded", bLoads)).isEqualTo("old-page");
        assertThat(bLoads).hasValue(0);

        String tag5 = namespace + ":t:{category:5}";
        String tag5Before = redis().get(tag5);
        publishesFail.set(true);
        // a tag and a cache Redis refuses first (queued), then takes on a replay whose message the bus refuses
        redis().configSet("maxmemory-policy", "noeviction");
        redis().configSet("maxmemory", "1");
        a.invalidateTags("category:5");
        a.invalidateAll("lists");
        redis().configSet("maxmemory", "0");
        // and, on a first attempt, a tag and a put Redis takes but whose message the bus refuses
        a.invalidateTags("category:6");
        a.put("products", "put", "new-put");
        assertThat(a.nodeStats().replaysQueued()).isEqualTo(4);
        await().atMost(REPLAYED_WITHIN).until(() -> !tag5Before.equals(redis().get(tag5)));
        String tag5Version = redis().get(tag5);
        String tag6Version = redis().get(namespace + ":t:{category:6}");
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> a.nodeStats().replaysPending() == 4);
        assertThat(a.nodeStats().replaysDone()).as("nothing is done while unannounced").isZero();
        assertThat(stored("products", "put")).as("the put's value stays: only its message is left to send").isTrue();

        publishesFail.set(false);
        await().atMost(REPLAYED_WITHIN).until(() -> a.nodeStats().replaysPending() == 0);
        assertThat(a.nodeStats().replaysDone()).isEqualTo(4);
        assertThat(a.nodeStats().replaysQueued()).as("each counted once").isEqualTo(4);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(read(b, "products", "put", "loaded", bLoads)).as("B heard of the put").isEqualTo("new-put");
            assertThat(read(b, "products", "category:5", "fresh-5", bLoads)).isEqualTo("fresh-5");
            assertThat(read(b, "products", "category:6", "fresh-6", bLoads)).isEqualTo("fresh-6");
            assertThat(read(b, "lists", "page-1", "fresh-page", bLoads)).isEqualTo("fresh-page");
        });
        assertThat(redis().get(tag5)).as("announced at the version Redis gave, no new one").isEqualTo(tag5Version);
        assertThat(redis().get(namespace + ":t:{category:6}")).isEqualTo(tag6Version);
    }

    /** The real tier, whose bus refuses every publish (not heartbeats) while {@code fail} is set. */
    private static final class UnheardTier extends ForwardingTier {
        private final InvalidationBus bus;

        UnheardTier(RedisTier tier, AtomicBoolean fail) {
            super(tier);
            InvalidationBus real = tier.bus();
            this.bus = new InvalidationBus() {
                @Override
                public void subscribe(String channel, Listener listener) {
                    real.subscribe(channel, listener);
                }

                @Override
                public CompletionStage<Void> publish(String channel, byte[] message) {
                    return fail.get() ? CompletableFuture.failedFuture(new IllegalStateException("the bus publisher is down"))
                            : real.publish(channel, message);
                }

                @Override
                public CompletionStage<Void> heartbeat(String channel, byte[] message) {
                    return real.heartbeat(channel, message);
                }

                @Override
                public void resubscribe() {
                    real.resubscribe();
                }
            };
        }

        @Override
        public InvalidationBus bus() {
            return bus;
        }

        @Override
        public CompletionStage<Void> invalidate(RemoteKey key, String channel, byte[] message) {
            return tier.invalidate(key, channel, message);   // one script on the data connection, as the real tier does
        }
    }
}
