package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import java.time.Duration;

/** docs/getting-started.md. {@link DocSamplesTest} runs the L1-only one. */
final class GettingStartedSamples {

    private GettingStartedSamples() {
    }

    /** The first template, L1 only. */
    static void firstTemplate(ProductRepository repository) {
        // region getting-started-first-template
        try (CacheTemplate cache = CacheTemplate.builder()
                .namespace("shop")
                .cache("products", CacheOptions.builder()
                        .ttl(Duration.ofMinutes(30))
                        .nullTtl(Duration.ofSeconds(30))
                        .build())
                .build()) {

            Product first = cache.remember("products", 42L, Product.class, () -> repository.find(42L));  // miss: loads
            Product again = cache.remember("products", 42L, Product.class, () -> repository.find(42L));  // L1 hit
            Product none = cache.remember("products", 999L, Product.class, () -> repository.find(999L)); // null, cached 30 s
            Product still = cache.remember("products", 999L, Product.class, () -> repository.find(999L)); // null hit

            CacheStats stats = cache.stats("products");
            System.out.printf("requests %d, L1 hits %d, loads %d%n", stats.requests(), stats.l1Hits(), stats.loads());
        }
        // endregion
    }

    /** The same template with the Redis tier; compiled, not run (it needs a Redis at that address). */
    static CacheTemplate withRedis() {
        // region getting-started-redis
        CacheTemplate cache = CacheTemplate.builder()
                .namespace("shop")
                .remote(RedisTier.create("redis://127.0.0.1:6379"))
                .cache("products", CacheOptions.builder()
                        .ttl(Duration.ofMinutes(30))
                        .nullTtl(Duration.ofSeconds(30))
                        .build())
                .build();
        // endregion
        return cache;
    }
}
