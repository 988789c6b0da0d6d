package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A load that started before an invalidate or put of its key returned must not overwrite that newer
 * state in Redis or in any L1: the fill lease fences it, whatever node wrote.
 */
@RedisTest
@Timeout(30)
class NoStaleSetIT {

    private Nodes nodes;
    private ExecutorService pool;
    private CacheTemplate a;
    private CacheTemplate b;

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        nodes = new Nodes(redis, namespace + "-" + System.nanoTime());
        pool = Executors.newFixedThreadPool(2);
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(5)).build();
        a = nodes.node(options);
        b = nodes.node(options);
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        nodes.close();
    }

    @Test
    void invalidateOnAnotherNode_whileTheLoaderRuns_fencesTheFill() throws Exception {
        assertFenced(node -> node.invalidate("products", 1L), null);
    }

    @Test
    void putOnAnotherNode_whileTheLoaderRuns_isNotOverwritten() throws Exception {
        assertFenced(node -> node.put("products", 1L, "written"), "written");
    }

    private void assertFenced(Consumer<CacheTemplate> write, String expected) throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> racing = pool.submit(() -> a.remember("products", 1L, String.class, () -> {
            loading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "read before the write";
        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        write.accept(b);                 // the database row changed and the writer told the cache
        release.countDown();
        assertThat(racing.get(10, TimeUnit.SECONDS)).isEqualTo("read before the write");

        byte[] stored = nodes.redis().get(Nodes.bytes(nodes.entryKey("products", "1")));
        if (expected == null) {
            assertThat(stored).as("the stale load did not fill Redis").isNull();
        } else {
            assertThat(new String(Envelope.decode(stored).payload(), StandardCharsets.UTF_8)).isEqualTo("\"" + expected + "\"");
        }
        String next = expected != null ? expected : "reloaded";
        // what node A saw, should its next read differ (a flake under heavy load once: it loaded with "written" in Redis)
        String seenBefore = a.stats("products") + " " + a.nodeStats();
        String read = a.remember("products", 1L, String.class, () -> "reloaded");
        assertThat(read).as("node A's next read; before it %s, after it %s", seenBefore, a.stats("products")).isEqualTo(next);
        assertThat(b.remember("products", 1L, String.class, () -> "reloaded")).as("node B's next read").isEqualTo(next);
        CacheTemplate c = nodes.node(CacheOptions.builder().build());
        assertThat(c.remember("products", 1L, String.class, () -> "reloaded")).as("a new node's read").isEqualTo(next);
    }

    @Test
    void invalidateOnTheSameNode_whileTheLoaderRuns_fencesTheFill() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> racing = pool.submit(() -> a.remember("products", 2L, String.class, () -> {
            loading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "old";
        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        a.invalidate("products", 2L);
        release.countDown();
        assertThat(racing.get(10, TimeUnit.SECONDS)).isEqualTo("old");
        assertThat(nodes.redis().exists(Nodes.bytes(nodes.entryKey("products", "2")))).isZero();
        assertThat(a.remember("products", 2L, String.class, () -> "new")).isEqualTo("new");
    }
}
