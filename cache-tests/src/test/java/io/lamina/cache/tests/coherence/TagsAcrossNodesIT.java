package io.lamina.cache.tests.coherence;

import static io.lamina.cache.tests.coherence.Cluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tags are versions: one call invalidates every tagged entry, on every node, in O(1). */
@RedisTest
@Timeout(60)
class TagsAcrossNodesIT {

    record Product(long id, long category, String name) {
    }

    private Cluster cluster;
    private CacheTemplate n1;
    private CacheTemplate n2;
    private CacheTemplate n3;
    private final Map<Long, String> database = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();

    @BeforeEach
    void setUp(RedisServer redis, @RedisNamespace String namespace) {
        cluster = new Cluster(redis, namespace + "-" + System.nanoTime());
        CacheOptions options = CacheOptions.builder().ttl(Duration.ofMinutes(10)).build();
        n1 = ready(cluster.node(options));
        n2 = ready(cluster.node(options));
        n3 = ready(cluster.node(options));
        database.put(1L, "v1");
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private Product read(CacheTemplate node, long id) {
        return node.remember("products", id, Product.class, ctx -> {
            queries.incrementAndGet();
            Product p = new Product(id, 1, database.get(id));
            ctx.tags("category:" + p.category());
            return p;
        });
    }

    @Test
    void invalidateTagsOnOneNode_allThreeReturnTheNewValueOnTheirNextRead_withExactLoads() {
        assertThat(read(n1, 1).name()).isEqualTo("v1");
        assertThat(read(n2, 1).name()).isEqualTo("v1");
        assertThat(read(n3, 1).name()).isEqualTo("v1");
        assertThat(queries).as("one load, then L2 hits").hasValue(1);

        database.put(1L, "v2");
        n1.invalidateTags("category:1");

        assertThat(read(n1, 1).name()).isEqualTo("v2");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(read(n2, 1).name()).isEqualTo("v2");
            assertThat(read(n3, 1).name()).isEqualTo("v2");
        });
        assertThat(queries).as("one reload in the whole cluster").hasValue(2);
        // and they stay served from L1 afterwards
        read(n2, 1);
        read(n3, 1);
        assertThat(queries).hasValue(2);
    }

    @Test
    void aLoadRacingAnInvalidationOfItsTagOnAnotherNode_isStaleOnArrival() throws Exception {
        java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        read(n3, 2);                                          // the tag exists and every node may know it
        n1.invalidate("products", 2L);
        java.util.concurrent.CompletableFuture<Product> racing = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                n1.remember("products", 2L, Product.class, ctx -> {
                    loading.countDown();
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    ctx.tags("category:1");
                    return new Product(2, 1, "read before the write");
                }));
        assertThat(loading.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        database.put(2L, "written");
        n2.invalidateTags("category:1");
        release.countDown();
        assertThat(racing.get(10, java.util.concurrent.TimeUnit.SECONDS).name()).isEqualTo("read before the write");

        assertThat(read(n1, 2).name()).as("node A did not keep its stale load").isEqualTo("written");
        CacheTemplate fresh = ready(cluster.node(CacheOptions.builder().build()));
        assertThat(read(fresh, 2).name()).as("nor did Redis").isEqualTo("written");
    }

    @Test
    void tagsGivenByTheCaller_throughPut_areInvalidatedAcrossNodes() {
        n1.put("products", 5L, new Product(5, 9, "put"), Duration.ofMinutes(5), "category:9");
        assertThat(n2.remember("products", 5L, Product.class, () -> new Product(5, 9, "loaded")).name()).isEqualTo("put");
        n3.invalidateTags("category:9");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(n2.getIfPresent("products", 5L, Product.class)).isNull());
        assertThat(n1.getIfPresent("products", 5L, Product.class)).isNull();
    }

    @Test
    void supersededTagVersion_neverBecomesCurrentAgain_evenAfterTheTagKeyIsLost() {
        read(n1, 1);
        String tagKey = cluster.namespace + ":t:{category:1}";
        assertThat(cluster.redis().exists(tagKey)).isEqualTo(1);

        cluster.redis().del(tagKey);                 // Redis lost the tag's version
        database.put(1L, "v2");
        n2.invalidateTags("category:1");             // a new version is created, above the lost one

        assertThat(read(n3, 1).name()).isEqualTo("v2");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(read(n1, 1).name()).isEqualTo("v2"));
        // a fresh node that never saw any version reads the entry and checks the tag against Redis
        CacheTemplate n4 = ready(cluster.node(CacheOptions.builder().build()));
        assertThat(read(n4, 1).name()).isEqualTo("v2");
    }

    @Test
    void entryWhoseTagKeyWasLostWithoutAnInvalidation_isTreatedAsInvalid_byANodeThatMustAskRedis() {
        read(n1, 1);
        cluster.redis().del(cluster.namespace + ":t:{category:1}");
        CacheTemplate fresh = ready(cluster.node(CacheOptions.builder().build()));
        database.put(1L, "reloaded");
        assertThat(read(fresh, 1).name()).as("a lost version cannot vouch for the entry").isEqualTo("reloaded");
    }

    @Test
    void invalidateAll_onOneNode_dropsTheCacheOnEveryNode_andNoOtherCache() {
        read(n1, 1);
        read(n2, 1);
        n1.remember("other", 1L, String.class, () -> "kept");
        n2.remember("other", 1L, String.class, () -> "kept");
        database.put(1L, "after");

        n3.invalidateAll("products");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(n1.getIfPresent("products", 1L, Product.class)).isNull();
            assertThat(n2.getIfPresent("products", 1L, Product.class)).isNull();
        });
        assertThat(read(n2, 1).name()).isEqualTo("after");
        assertThat(n1.remember("other", 1L, String.class, () -> "reloaded")).isEqualTo("kept");
        assertThat(n2.getIfPresent("other", 1L, String.class).value()).isEqualTo("kept");
    }

    @Test
    void invalidateTags_isO1_noKeysOrScanEverRuns() {
        for (long id = 0; id < 500; id++) {
            long pid = id;
            n1.remember("products", pid, Product.class, ctx -> {
                ctx.tags("bulk");
                return new Product(pid, 1, "p");
            });
        }
        String before = cluster.redis().info("commandstats");
        n2.invalidateTags("bulk");
        String after = cluster.redis().info("commandstats");
        assertThat(after).doesNotContain("cmdstat_keys").doesNotContain("cmdstat_scan");
        assertThat(before).doesNotContain("cmdstat_keys").doesNotContain("cmdstat_scan");
        for (long id = 0; id < 500; id++) {
            assertThat(n3.getIfPresent("products", id, Product.class)).isNull();
        }
        assertThat(List.of(n1, n2, n3)).allSatisfy(n -> assertThat(n.stats("products").l2Errors()).isZero());
    }
}
