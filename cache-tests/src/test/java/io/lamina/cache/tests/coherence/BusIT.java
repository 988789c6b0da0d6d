package io.lamina.cache.tests.coherence;

import static io.lamina.cache.tests.coherence.Cluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.internal.bus.Coherence;
import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spi.TagKey;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Writes on one node reach the other nodes' L1; lost messages are bounded. */
@RedisTest
@Timeout(60)
class BusIT {

    private Cluster cluster;
    private ExecutorService pool;
    private final CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(10)).build();

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        cluster = new Cluster(redis, namespace + "-" + System.nanoTime());
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        cluster.close();
    }

    private static Coherence coherence(CacheTemplate node) {
        return ((DefaultCacheTemplate) node).coherence();
    }

    @Test
    void putAndInvalidate_dropTheOtherNodesL1Copies() {
        CacheTemplate a = ready(cluster.node(options));
        CacheTemplate b = ready(cluster.node(options));
        a.remember("c", "k", String.class, () -> "v1");
        assertThat(b.remember("c", "k", String.class, () -> "other")).isEqualTo("v1");   // now in B's L1

        a.put("c", "k", "v2");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.remember("c", "k", String.class, () -> "loaded")).isEqualTo("v2"));

        a.invalidate("c", "k");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.remember("c", "k", String.class, () -> "v3")).isEqualTo("v3"));
    }

    @Test
    void missFills_publishNothing_andANodeIgnoresItsOwnMessages() throws Exception {
        CacheTemplate a = ready(cluster.node(options));
        CacheTemplate b = ready(cluster.node(options));
        long sentBefore = coherence(a).sent();
        long receivedBefore = coherence(b).received();
        for (int i = 0; i < 50; i++) {
            int n = i;
            a.remember("c", n, String.class, () -> "v" + n);
            b.remember("c", n, String.class, () -> "v" + n);
        }
        // no message may arrive from the miss fills: B's count must stay put for a while
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> coherence(b).received() == receivedBefore);

        a.put("c", 1, "written");
        await().atMost(Duration.ofSeconds(5)).until(() -> coherence(b).received() - receivedBefore == 1);
        assertThat(coherence(a).received()).as("A ignores its own message").isZero();
        assertThat(coherence(a).sent() - sentBefore).isPositive();
        assertThat(a.getIfPresent("c", 1, String.class).value()).isEqualTo("written");
    }

    @Test
    void anL2ReadInFlightWhenAnInvalidationArrives_neverInstallsTheOldValueInL1() throws Exception {
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Boolean> holding = new AtomicReference<>(false);
        CacheTemplate a = ready(cluster.node(options));
        // node B's L2 reads can be held after Redis answered: a delay in front of the real tier
        CacheTemplate b = ready(cluster.node(options, tier -> new HeldReads(tier, holding, readDone, release)));
        a.remember("c", "k", String.class, () -> "old");

        holding.set(true);
        Future<String> read = pool.submit(() -> b.remember("c", "k", String.class, () -> "loaded by b"));
        assertThat(readDone.await(10, TimeUnit.SECONDS)).isTrue();    // B has the old bytes in hand
        long received = coherence(b).received();
        a.put("c", "k", "new");
        await().atMost(Duration.ofSeconds(5)).until(() -> coherence(b).received() > received);   // B heard of it
        holding.set(false);
        release.countDown();

        assertThat(read.get(10, TimeUnit.SECONDS)).as("the racing read may return what it read").isEqualTo("old");
        assertThat(b.remember("c", "k", String.class, () -> "loaded by b")).as("but did not keep it").isEqualTo("new");
    }

    @Test
    void subscriptionKilled_invalidationDuringTheGap_isNotServedStaleAfterReconnect() {
        CacheTemplate a = ready(cluster.node(options));
        CacheTemplate b = ready(cluster.node(options));
        a.remember("c", "k", String.class, () -> "old");
        assertThat(b.remember("c", "k", String.class, () -> "x")).isEqualTo("old");   // in B's L1
        long flushes = coherence(b).flushes();

        cluster.redis().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());   // every subscriber drops
        a.put("c", "k", "new");                                                     // published into the gap

        await().atMost(Duration.ofSeconds(10)).until(() -> coherence(b).flushes() > flushes && coherence(b).healthy());
        assertThat(b.remember("c", "k", String.class, () -> "x")).isEqualTo("new");
        // and coherence works again after the reconnect
        a.put("c", "k", "newer");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(b.remember("c", "k", String.class, () -> "x")).isEqualTo("newer"));
    }

    @Test
    void everyL1CopyHasATtlCap_soALostMessageIsBounded() {
        io.lamina.cache.ManualClock clock = new io.lamina.cache.ManualClock();
        CacheTemplate b = CacheTemplate.builder().namespace(cluster.namespace).clock(clock)
                .remote(io.lamina.cache.redis.RedisTier.create(cluster.uri()))
                .defaults(CacheOptions.builder().ttl(Duration.ofHours(1)).build()).build();
        try {
            ready(b);
            AtomicInteger loads = new AtomicInteger();
            b.remember("c", "capped", String.class, () -> "v" + loads.incrementAndGet());
            cluster.redis().del(cluster.namespace + ":e:{c:capped}");     // changed behind B's back, no message
            clock.advance(Duration.ofSeconds(59));
            assertThat(b.remember("c", "capped", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            clock.advance(Duration.ofSeconds(2));                           // past the default 1-minute L1 cap
            assertThat(b.remember("c", "capped", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
        } finally {
            b.close();
        }
    }

    /** A delegating tier whose GET completes only when the test says so (after Redis answered). */
    private static final class HeldReads implements RemoteTier {
        private final RemoteTier tier;
        private final AtomicReference<Boolean> holding;
        private final CountDownLatch readDone;
        private final CountDownLatch release;

        HeldReads(RemoteTier tier, AtomicReference<Boolean> holding, CountDownLatch readDone, CountDownLatch release) {
            this.tier = tier;
            this.holding = holding;
            this.readDone = readDone;
            this.release = release;
        }

        @Override
        public CompletionStage<byte[]> get(RemoteKey key) {
            if (!holding.get()) {
                return tier.get(key);
            }
            return tier.get(key).thenCompose(bytes -> CompletableFuture.supplyAsync(() -> {
                readDone.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return bytes;
            }));
        }

        @Override public CompletionStage<LeaseResult> getOrLease(RemoteKey k, String t, Duration l, boolean f) { return tier.getOrLease(k, t, l, f); }
        @Override public CompletionStage<Boolean> fill(RemoteKey k, String t, byte[] v, Duration ttl) { return tier.fill(k, t, v, ttl); }
        @Override public CompletionStage<Void> put(RemoteKey k, byte[] v, Duration ttl) { return tier.put(k, v, ttl); }
        @Override public CompletionStage<Void> invalidate(RemoteKey k) { return tier.invalidate(k); }
        @Override public CompletionStage<Long> invalidateTag(TagKey t, Duration ttl) { return tier.invalidateTag(t, ttl); }
        @Override public CompletionStage<Long> tagVersion(TagKey t) { return tier.tagVersion(t); }
        @Override public CompletionStage<Long> ensureTag(TagKey t, long s, Duration ttl) { return tier.ensureTag(t, s, ttl); }
        @Override public InvalidationBus bus() { return tier.bus(); }
        @Override public DistributedLock lock() { return tier.lock(); }
        @Override public boolean isAvailable() { return tier.isAvailable(); }
        @Override public Duration lockLease() { return tier.lockLease(); }
        @Override public Duration operationTimeout() { return tier.operationTimeout(); }
        @Override public void close() { tier.close(); }
    }
}
