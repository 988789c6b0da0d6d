package io.lamina.cache.tests.coherence;

import static io.lamina.cache.tests.coherence.Cluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.tests.redis.ForwardingTier;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code rememberAll} reads an L2-resident page before any of its keys has an in-flight entry, so nothing fences a key of
 * the page the way a load is fenced. A write another node announces while the page's bytes are in hand must still not
 * leave the old value in this node's L1: the read may return what it read, but its L1 fill is dropped.
 */
@RedisTest
@Timeout(60)
class PageReadRaceIT {

    private static final CacheOptions OPTIONS = CacheOptions.builder().ttl(Duration.ofMinutes(10)).build();

    private Cluster cluster;
    private ExecutorService pool;
    private final AtomicBoolean holding = new AtomicBoolean();
    private CountDownLatch readDone;
    private CountDownLatch release;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        cluster = new Cluster(redis, namespace + "-" + System.nanoTime());
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (release != null) {
            release.countDown();
        }
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        cluster.close();
    }

    @Test
    void aPutAnnouncedWhileThePageIsInHand_leavesNoOldValueInL1() throws Exception {
        assertNotKept(a -> a.put("c", "k2", "new"), Map.of("k2", "new"));
    }

    @Test
    void anInvalidationAnnouncedWhileThePageIsInHand_leavesNoOldValueInL1() throws Exception {
        assertNotKept(a -> a.invalidate("c", "k2"), Map.of("k2", "changed"));
    }

    @Test
    void aTagInvalidatedWhileThePageIsInHand_leavesNoOldValueInL1() throws Exception {
        assertNotKept(a -> a.invalidateTags("page-tag"), Map.of("k1", "changed", "k2", "changed", "k3", "changed"));
    }

    @Test
    void anInvalidateAllOfTheCacheWhileThePageIsInHand_leavesNoOldValueInL1() throws Exception {
        assertNotKept(a -> a.invalidateAll("c"), Map.of("k1", "changed", "k2", "changed", "k3", "changed"));
    }

    /**
     * A writes the page; B's page read of it is held after Redis answered; A's {@code write} (of the database rows in
     * {@code changed}, the others unchanged) reaches B meanwhile. The racing read may return what it read, or what B's
     * loader gives if it noticed; B's next reads give the database's values, never an old L1 copy.
     */
    private void assertNotKept(Consumer<CacheTemplate> write, Map<String, String> changed) throws Exception {
        CacheTemplate a = ready(cluster.node(OPTIONS));
        CacheTemplate b = ready(cluster.node(OPTIONS, HeldPages::new));
        List<String> page = List.of("k1", "k2", "k3");
        for (String k : page) {
            a.remember("c", k, String.class, ctx -> {
                ctx.tags("page-tag");
                return "old-" + k;
            });
        }
        Map<String, String> database = new LinkedHashMap<>();
        page.forEach(k -> database.put(k, changed.getOrDefault(k, "old-" + k)));
        readDone = new CountDownLatch(1);
        release = new CountDownLatch(1);
        holding.set(true);
        Future<Map<String, String>> read = pool.submit(() -> b.rememberAll("c", page, String.class, missing -> {
            Map<String, String> loaded = new LinkedHashMap<>();
            missing.forEach(k -> loaded.put(k, database.get(k)));
            return loaded;
        }));
        assertThat(readDone.await(10, TimeUnit.SECONDS)).as("B has the page's bytes in hand").isTrue();
        long received = b.nodeStats().invalidationsReceived();
        write.accept(a);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.nodeStats().invalidationsReceived() > received);   // B heard of it
        holding.set(false);
        release.countDown();

        Map<String, String> racing = read.get(10, TimeUnit.SECONDS);
        assertThat(racing).containsOnlyKeys(page);
        for (String k : page) {
            assertThat(racing.get(k)).as("the racing read of %s", k).isIn("old-" + k, database.get(k));
            assertThat(b.remember("c", k, String.class, () -> database.get(k))).as("B's next read of %s", k).isEqualTo(database.get(k));
        }
    }

    /** The real tier, whose page reads complete only when the test says so, after Redis answered. */
    private final class HeldPages extends ForwardingTier {
        HeldPages(RemoteTier tier) {
            super(tier);
        }

        @Override
        public CompletionStage<List<byte[]>> getAll(List<RemoteKey> keys) {
            CompletionStage<List<byte[]>> read = tier.getAll(keys);
            if (!holding.get()) {
                return read;
            }
            return read.thenCompose(bytes -> CompletableFuture.supplyAsync(() -> {
                readDone.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return bytes;
            }));
        }
    }
}
