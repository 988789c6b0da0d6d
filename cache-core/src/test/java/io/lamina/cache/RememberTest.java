package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RememberTest {

    record Product(long id, String name) {
    }

    private final ManualClock clock = new ManualClock();
    private final CacheTemplate cache = CacheTemplate.builder()
            .namespace("test")
            .clock(clock)
            .defaults(CacheOptions.builder().ttl(Duration.ofMinutes(10)).jitter(Duration.ZERO).build())
            .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).nullTtl(Duration.ofSeconds(30)).build())
            .build();
    private final AtomicInteger loads = new AtomicInteger();

    @AfterEach
    void close() {
        cache.close();
    }

    private Product load(long id) {
        loads.incrementAndGet();
        return new Product(id, "p" + id);
    }

    @Test
    void remember_secondCall_isServedFromL1WithoutLoading() {
        Product first = cache.remember("products", 1L, Product.class, () -> load(1));
        Product second = cache.remember("products", 1L, Product.class, () -> load(1));

        assertThat(second).isSameAs(first).isEqualTo(new Product(1, "p1"));
        assertThat(loads).hasValue(1);
        CacheStats stats = cache.stats("products");
        assertThat(stats.requests()).isEqualTo(2);
        assertThat(stats.l1Hits()).isEqualTo(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.loadSuccesses()).isEqualTo(1);
        assertThat(stats.hitRatio()).isEqualTo(0.5);
    }

    @Test
    void remember_distinctKeysAndCaches_loadSeparately() {
        cache.remember("products", 1L, Product.class, () -> load(1));
        cache.remember("products", 2L, Product.class, () -> load(2));
        cache.remember("other", 1L, Product.class, () -> load(1));

        assertThat(loads).hasValue(3);
    }

    @Test
    void remember_entryExpiresAfterTtl_andIsLoadedAgain() {
        cache.remember("products", 1L, Product.class, () -> load(1));

        clock.advance(Duration.ofMinutes(29));
        cache.remember("products", 1L, Product.class, () -> load(1));
        assertThat(loads).hasValue(1);

        clock.advance(Duration.ofMinutes(2));
        cache.remember("products", 1L, Product.class, () -> load(1));
        assertThat(loads).hasValue(2);
    }

    @Test
    void remember_perCallTtl_overridesTheCacheTtl() {
        cache.remember("products", 1L, Product.class, Duration.ofSeconds(5), () -> load(1));
        clock.advance(Duration.ofSeconds(6));
        cache.remember("products", 1L, Product.class, () -> load(1));

        assertThat(loads).hasValue(2);
    }

    @Test
    void remember_loaderSetsTtlThroughContext() {
        cache.remember("products", 1L, Product.class, ctx -> {
            ctx.ttl(Duration.ofSeconds(5));
            return load(1);
        });
        clock.advance(Duration.ofSeconds(4));
        cache.remember("products", 1L, Product.class, () -> load(1));
        assertThat(loads).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        cache.remember("products", 1L, Product.class, () -> load(1));
        assertThat(loads).hasValue(2);
    }

    @Test
    void remember_nullLoaderResult_isCachedForNullTtl() {
        assertThat(cache.remember("products", 404L, Product.class, () -> { loads.incrementAndGet(); return null; })).isNull();
        assertThat(cache.remember("products", 404L, Product.class, () -> { loads.incrementAndGet(); return null; })).isNull();
        assertThat(loads).hasValue(1);
        assertThat(cache.stats("products").nullHits()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(31));
        cache.remember("products", 404L, Product.class, () -> { loads.incrementAndGet(); return null; });
        assertThat(loads).hasValue(2);
    }

    @Test
    void remember_nullTtlDefault_isShorterThanTtl() {
        // "other" inherits ttl 10 min and no nullTtl: the default null TTL is 30 s
        cache.remember("other", 1L, Product.class, () -> { loads.incrementAndGet(); return null; });
        clock.advance(Duration.ofSeconds(29));
        cache.remember("other", 1L, Product.class, () -> { loads.incrementAndGet(); return null; });
        assertThat(loads).hasValue(1);
        clock.advance(Duration.ofSeconds(2));
        cache.remember("other", 1L, Product.class, () -> { loads.incrementAndGet(); return null; });
        assertThat(loads).hasValue(2);
    }

    @Test
    void remember_cacheNullsOff_doesNotCacheNull() {
        try (CacheTemplate noNulls = CacheTemplate.builder()
                .defaults(CacheOptions.builder().cacheNulls(false).build()).build()) {
            noNulls.remember("c", 1L, Product.class, () -> { loads.incrementAndGet(); return null; });
            noNulls.remember("c", 1L, Product.class, () -> { loads.incrementAndGet(); return null; });
            assertThat(loads).hasValue(2);
        }
    }

    @Test
    void remember_genericTypes_withTypeRef() {
        TypeRef<List<Product>> listOfProducts = new TypeRef<>() { };
        List<Product> list = cache.remember("lists", "all", listOfProducts, () -> List.of(load(1), load(2)));
        List<Product> again = cache.remember("lists", "all", listOfProducts, () -> List.of(load(3)));

        assertThat(again).isSameAs(list).hasSize(2);
        Map<String, Optional<Product>> map = cache.remember("maps", "m", new TypeRef<Map<String, Optional<Product>>>() { },
                () -> Map.of("a", Optional.of(load(9))));
        assertThat(map.get("a")).contains(new Product(9, "p9"));
    }

    @Test
    void remember_valueOfAnotherType_isAMissNotAClassCastException() {
        cache.remember("products", 1L, Product.class, () -> load(1));
        String text = cache.remember("products", 1L, String.class, () -> "text");

        assertThat(text).isEqualTo("text");
        assertThat(cache.remember("products", 1L, String.class, () -> "again")).isEqualTo("text");
    }

    @Test
    void loaderRuntimeException_passesThroughUnchanged_andNothingIsCached() {
        IllegalStateException boom = new IllegalStateException("db down");
        assertThatThrownBy(() -> cache.remember("products", 1L, Product.class, () -> { loads.incrementAndGet(); throw boom; }))
                .isSameAs(boom);

        Product p = cache.remember("products", 1L, Product.class, () -> load(1));
        assertThat(p).isNotNull();
        assertThat(loads).hasValue(2);
        assertThat(cache.stats("products").loadFailures()).isEqualTo(1);
    }

    @Test
    void loaderError_passesThroughUnchanged() {
        AssertionError error = new AssertionError("fatal");
        assertThatThrownBy(() -> cache.remember("products", 1L, Product.class, () -> { throw error; })).isSameAs(error);
    }

    @Test
    void loaderCheckedException_isWrappedInCacheLoaderException() {
        IOException io = new IOException("socket closed");
        assertThatThrownBy(() -> cache.remember("products", 1L, Product.class, () -> { throw io; }))
                .isInstanceOf(CacheLoaderException.class)
                .isInstanceOf(CacheException.class)
                .hasCause(io)
                .hasMessageContaining("products");
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
    }

    @Test
    void getIfPresent_distinguishesAbsentFromCachedNull() {
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
        cache.remember("products", 1L, Product.class, () -> null);

        CachedValue<Product> cached = cache.getIfPresent("products", 1L, Product.class);
        assertThat(cached).isNotNull();
        assertThat(cached.value()).isNull();
    }

    @Test
    void put_replacesTheValue_andIsServedWithoutLoading() {
        cache.remember("products", 1L, Product.class, () -> load(1));
        cache.put("products", 1L, new Product(1, "renamed"));

        assertThat(cache.remember("products", 1L, Product.class, () -> load(1)).name()).isEqualTo("renamed");
        assertThat(loads).hasValue(1);
        assertThat(cache.stats("products").puts()).isEqualTo(1);
    }

    @Test
    void put_withTtl_expires() {
        cache.put("products", 1L, new Product(1, "x"), Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(11));
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
    }

    @Test
    void invalidate_removesOneKey() {
        cache.remember("products", 1L, Product.class, () -> load(1));
        cache.remember("products", 2L, Product.class, () -> load(2));
        cache.invalidate("products", 1L);

        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
        assertThat(cache.getIfPresent("products", 2L, Product.class)).isNotNull();
    }

    @Test
    void invalidateAll_dropsOneCacheAndNoOther() {
        cache.remember("products", 1L, Product.class, () -> load(1));
        cache.remember("other", 1L, Product.class, () -> load(1));
        cache.invalidateAll("products");

        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
        assertThat(cache.getIfPresent("other", 1L, Product.class)).isNotNull();
    }

    @Test
    void maximumSize_boundsL1_andCountsEvictions() {
        try (CacheTemplate small = CacheTemplate.builder()
                .cache("small", CacheOptions.builder().maximumSize(100).build()).build()) {
            for (long i = 0; i < 1_000; i++) {
                long id = i;
                small.remember("small", id, Product.class, () -> new Product(id, "p"));
            }
            long size = ((io.lamina.cache.internal.DefaultCacheTemplate) small).l1Size("small");
            assertThat(size).isLessThanOrEqualTo(100);
            assertThat(small.stats("small").evictions()).isEqualTo(1_000 - size);
        }
    }

    @Test
    void maximumWeight_boundsL1ByWeigher() {
        try (CacheTemplate weighed = CacheTemplate.builder()
                .cache("w", CacheOptions.builder().maximumWeight(1_000, (k, v) -> ((String) v).length()).build()).build()) {
            for (int i = 0; i < 100; i++) {
                weighed.remember("w", i, String.class, () -> "x".repeat(100));
            }
            assertThat(((io.lamina.cache.internal.DefaultCacheTemplate) weighed).l1Size("w")).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void l1Ttl_capsHowLongAnL1CopyLives() {
        try (CacheTemplate capped = CacheTemplate.builder().clock(clock)
                .cache("c", CacheOptions.builder().ttl(Duration.ofHours(1)).l1Ttl(Duration.ofMinutes(1)).jitter(Duration.ZERO).build())
                .build()) {
            capped.remember("c", 1, Product.class, () -> load(1));
            clock.advance(Duration.ofSeconds(61));
            capped.remember("c", 1, Product.class, () -> load(1));
            assertThat(loads).hasValue(2);
        }
    }

    @Test
    void doNotCache_returnsTheValueWithoutStoringIt() {
        assertThat(cache.remember("products", 1L, Product.class, ctx -> {
            ctx.doNotCache();
            return load(1);
        })).isEqualTo(new Product(1, "p1"));
        assertThat(cache.getIfPresent("products", 1L, Product.class)).isNull();
        cache.remember("products", 1L, Product.class, () -> load(1));
        assertThat(loads).hasValue(2);
    }

    @Test
    void cacheNames_listDeclaredAndUsedCaches() {
        cache.remember("used", 1, Product.class, () -> load(1));
        assertThat(cache.cacheNames()).contains("products", "used");
        assertThat(cache.namespace()).isEqualTo("test");
    }

    @Test
    void close_makesFurtherCallsFail() {
        cache.close();
        cache.close();
        assertThatThrownBy(() -> cache.remember("products", 1L, Product.class, () -> load(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
