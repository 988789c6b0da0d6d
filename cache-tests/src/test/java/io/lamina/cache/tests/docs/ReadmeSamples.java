package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import java.time.Duration;

/** The README's quick start. {@link DocSamplesTest} runs it L1-only. */
final class ReadmeSamples {

    private ReadmeSamples() {
    }

    /** Runs the quick start and hands back the template, so the caller can look at it and close it. */
    static CacheTemplate quickStart(ProductRepository repository, long id) {
        // region readme-quick-start
        CacheTemplate cache = CacheTemplate.builder()
                .namespace("shop")
                .cache("products", CacheOptions.builder().ttl(Duration.ofMinutes(30)).nullTtl(Duration.ofSeconds(30)).build())
                .build();

        // .remote(RedisTier.create("redis://127.0.0.1:6379")) on the builder adds the shared tier (cache-redis)
        Product p = cache.remember("products", id, Product.class, ctx -> {                       // tag what you load
                Product found = repository.find(id);                                              // null is cached too
                if (found != null) ctx.tags("category:" + found.categoryId());
                return found; });
        Product q = cache.remember("products", id, Product.class, () -> repository.find(id));    // L1 hit: no query
        cache.invalidateTags("category:42");                                                     // O(1), every entry tagged
        // endregion
        return cache;
    }
}
