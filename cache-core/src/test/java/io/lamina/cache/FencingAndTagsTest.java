package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FencingAndTagsTest {

    record Product(long id, long category, String name) {
    }

    private final CacheTemplate cache = CacheTemplate.builder().namespace("tags").build();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final AtomicInteger loads = new AtomicInteger();

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        cache.close();
    }

    private Product tagged(String cacheName, long id, long category, String name) {
        return cache.remember(cacheName, id, Product.class, ctx -> {
            loads.incrementAndGet();
            Product p = new Product(id, category, name);
            ctx.tags("category:" + p.category());
            return p;
        });
    }

    @Test
    void invalidateTags_dropsExactlyTheEntriesCarryingTheTag() {
        tagged("products", 1, 1, "a");
        tagged("products", 2, 1, "b");
        tagged("products", 3, 2, "c");
        tagged("other", 4, 1, "d");
        cache.remember("products", 5L, Product.class, () -> new Product(5, 0, "untagged"));

        cache.invalidateTags("category:1");

        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
        assertThat(cache.getIfPresent("products", 2L, Product.class)).isNull();
        assertThat(cache.getIfPresent("other", 4L, Product.class)).isNull();
        assertThat(cache.getIfPresent("products", 3L, Product.class)).isNotNull();
        assertThat(cache.getIfPresent("products", 5L, Product.class)).isNotNull();
    }

    @Test
    void invalidateAllOfKeys_dropsExactlyThoseKeys_andFencesALoadInFlight() throws Exception {
        cache.put("products", 1L, new Product(1, 0, "a"));
        cache.put("products", 2L, new Product(2, 0, "b"));
        cache.put("products", 3L, new Product(3, 0, "kept"));
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Product> load = pool.submit(() -> cache.remember("products", 4L, Product.class, () -> {
            loading.countDown();
            release.await();
            return new Product(4, 0, "old");
        }));
        assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();

        cache.invalidateAll("products", List.of(1L, 2L, 4L, 2));   // 2L and 2 name one entry
        release.countDown();

        assertThat(load.get(5, TimeUnit.SECONDS).name()).as("its own caller gets what it loaded").isEqualTo("old");
        assertThat(cache.getIfPresent("products", 4L, Product.class)).as("but it is not kept").isNull();
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
        assertThat(cache.getIfPresent("products", 2L, Product.class)).isNull();
        assertThat(cache.getIfPresent("products", 3L, Product.class)).isNotNull();
        cache.invalidateAll("products", List.of());   // nothing to do
        assertThat(cache.getIfPresent("products", 3L, Product.class)).isNotNull();
    }

    @Test
    void invalidateTags_thenReload_cachesTheNewValue() {
        tagged("products", 1, 1, "old");
        cache.invalidateTags("category:1");
        assertThat(tagged("products", 1, 1, "new").name()).isEqualTo("new");
        assertThat(tagged("products", 1, 1, "newer").name()).isEqualTo("new");
        assertThat(loads).hasValue(2);
    }

    @Test
    void putWithTags_isInvalidatedByItsTag() {
        cache.put("products", 1L, new Product(1, 7, "x"), Duration.ofMinutes(1), "category:7");
        cache.invalidateTags("category:7");
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
    }

    @Test
    void loadRacingAnInvalidationOfItsTag_isStaleOnArrival() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Product> racing = pool.submit(() -> cache.remember("products", 1L, Product.class, ctx -> {
            loading.countDown();
            release.await(10, TimeUnit.SECONDS);
            ctx.tags("category:1");
            return new Product(1, 1, "read before the write");
        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        cache.invalidateTags("category:1");   // the write happened while the loader ran
        release.countDown();

        assertThat(racing.get(10, TimeUnit.SECONDS).name()).isEqualTo("read before the write");
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
        assertThat(cache.remember("products", 1L, Product.class, () -> new Product(1, 1, "fresh")).name()).isEqualTo("fresh");
    }

    @Test
    void loadRacingInvalidate_doesNotStoreTheOldValue() throws Exception {
        assertNoStaleSet(() -> cache.invalidate("products", 1L), null);
    }

    @Test
    void loadRacingPut_doesNotOverwriteThePutValue() throws Exception {
        assertNoStaleSet(() -> cache.put("products", 1L, new Product(1, 1, "put")), "put");
    }

    @Test
    void loadRacingInvalidateAll_doesNotStoreTheOldValue() throws Exception {
        assertNoStaleSet(() -> cache.invalidateAll("products"), null);
    }

    private void assertNoStaleSet(Runnable write, String expectedAfter) throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Product> racing = pool.submit(() -> cache.remember("products", 1L, Product.class, () -> {
            loading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return new Product(1, 1, "old");
        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        write.run();

        // a caller arriving after the write must not join the old load
        Future<Product> after = pool.submit(() -> cache.remember("products", 1L, Product.class,
                () -> new Product(1, 1, "new")));
        release.countDown();
        assertThat(racing.get(10, TimeUnit.SECONDS).name()).isEqualTo("old");
        String expected = expectedAfter != null ? expectedAfter : "new";
        assertThat(after.get(10, TimeUnit.SECONDS).name()).isEqualTo(expected);
        CachedValue<Product> cached = cache.getIfPresent("products", 1L, Product.class);
        assertThat(cached).isNotNull();
        assertThat(cached.value().name()).isEqualTo(expected);
    }

    @Test
    void callerJoiningALoadAfterItsTagWasInvalidated_loadsAgain() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Product> first = pool.submit(() -> cache.remember("products", 1L, Product.class, ctx -> {
            loading.countDown();
            release.await(10, TimeUnit.SECONDS);
            ctx.tags("category:1");
            return new Product(1, 1, "old");
        }));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        cache.invalidateTags("category:1");
        Future<Product> joiner = pool.submit(() -> tagged("products", 1, 1, "new"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats("products").misses() == 2);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).name()).isEqualTo("old");
        assertThat(joiner.get(10, TimeUnit.SECONDS).name()).isEqualTo("new");
    }

    @Test
    void loadContext_rejectsBadTags_andTheLoadFailsWithoutCaching() {
        assertThatThrownBy(() -> cache.remember("products", 1L, Product.class, ctx -> {
            ctx.tags(" ");
            return new Product(1, 1, "x");
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> cache.remember("products", 1L, Product.class, ctx -> {
            ctx.tags((String) null);
            return new Product(1, 1, "x");
        })).isInstanceOf(NullPointerException.class).hasMessageContaining("tag");
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
    }

    @Test
    void moreTagsThanTheCap_areRejected() {
        try (CacheTemplate capped = CacheTemplate.builder().maxTagsPerEntry(2).build()) {
            assertThatThrownBy(() -> capped.remember("c", 1, String.class, ctx -> {
                ctx.tags("a", "b", "c");
                return "x";
            })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 2 tags");
            assertThatThrownBy(() -> capped.put("c", 1, "x", Duration.ofMinutes(1), "a", "b", "c"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 2 tags");
            assertThat(capped.getIfPresent("c", 1, String.class)).isNull();
        }
    }

    @Test
    void loadContext_usedAfterTheLoad_throws() {
        LoadContext[] leaked = new LoadContext[1];
        cache.remember("products", 1L, Product.class, ctx -> {
            leaked[0] = ctx;
            return new Product(1, 1, "x");
        });
        assertThatThrownBy(() -> leaked[0].tags("late")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidateTags_manyEntries_isLazyAndExact() {
        for (long i = 0; i < 1_000; i++) {
            tagged("products", i, i % 2, "p");
        }
        cache.invalidateTags(List.of("category:0").toArray(String[]::new));
        long kept = 0;
        for (long i = 0; i < 1_000; i++) {
            if (cache.getIfPresent("products", i, Product.class) != null) {
                kept++;
                assertThat(i % 2).isEqualTo(1);
            }
        }
        assertThat(kept).isEqualTo(500);
    }
}
