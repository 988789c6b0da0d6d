package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.TypeRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** docs/concepts.md. {@link DocSamplesTest} runs the ones that work L1-only. */
final class ConceptsSamples {

    private ConceptsSamples() {
    }

    /** Returns {@code {products, noNulls}}. */
    static CacheOptions[] penetration() {
        // region concepts-penetration
        CacheOptions products = CacheOptions.builder()
                .ttl(Duration.ofMinutes(30))
                .nullTtl(Duration.ofSeconds(30))      // "no such product" is remembered for 30 s (plus jitter)
                .build();
        CacheOptions noNulls = CacheOptions.builder()
                .cacheNulls(false)                    // a null result is returned, never stored
                .build();
        // endregion
        return new CacheOptions[] {products, noNulls};
    }

    static CacheOptions breakdown() {
        // region concepts-breakdown
        CacheOptions hot = CacheOptions.builder()
                .lockWait(Duration.ofSeconds(2))                 // wait at most 2 s for another node's load of the key
                .onLockTimeout(LockTimeoutPolicy.STALE)          // then serve the fail-safe copy if there is one, else load
                .failSafe(Duration.ofMinutes(30))
                .build();
        // endregion
        return hot;
    }

    static CacheOptions avalanche() {
        // region concepts-avalanche
        CacheOptions catalog = CacheOptions.builder()
                .ttl(Duration.ofMinutes(10))
                .jitter(Duration.ofMinutes(2))                // each write lives 10 to 12 minutes
                .refreshAhead(0.8)                            // a read in the last fifth reloads in the background
                .failSafe(Duration.ofHours(2))                // expired values are kept 2 h, served when a load fails
                .failSafeThrottle(Duration.ofSeconds(30))     // a stale value served stands in 30 s before the next try
                .softTimeout(Duration.ofMillis(300))          // past 300 ms: the stale value if any; the load goes on
                .hardTimeout(Duration.ofSeconds(3))           // past 3 s: the stale value or CacheLoadTimeoutException
                .build();
        // endregion
        return catalog;
    }

    /** Tags; returns the product read first. */
    static Product tags(CacheTemplate cache, ProductRepository repository, long id, long categoryId) {
        // region concepts-tags
        Product product = cache.remember("products", id, Product.class, ctx -> {
            Product found = repository.find(id);
            if (found != null) ctx.tags("category:" + found.categoryId());
            return found;
        });
        List<Product> page = cache.remember("category-pages", categoryId, new TypeRef<List<Product>>() {}, ctx -> {
            ctx.tags("category:" + categoryId);
            return repository.findByCategory(categoryId);
        });

        cache.invalidateTags("category:" + categoryId);   // both entries are now invalid, on every node
        // endregion
        return product;
    }

    /** Per-load control from inside the loader. */
    static Product perLoad(CacheTemplate cache, ProductRepository repository, long id) {
        // region concepts-load-context
        Product product = cache.remember("products", id, Product.class, ctx -> {
            Product found = repository.find(id);
            if (found == null) return null;                       // cached as the null sentinel for nullTtl
            if (found.name().isBlank()) ctx.doNotCache();          // returned to the callers, stored nowhere
            if (found.categoryId() == 0) ctx.ttl(Duration.ofMinutes(1)); // this entry only; jitter still added
            ctx.tags("category:" + found.categoryId());
            return found;
        });
        // endregion
        return product;
    }

    /** Writes. */
    static void writes(CacheTemplate cache, Product product) {
        // region concepts-writes
        cache.put("products", product.id(), product);                 // L2, then L1; other nodes drop their copy
        cache.put("products", product.id(), product, Duration.ofMinutes(5), "category:" + product.categoryId());
        cache.invalidate("products", product.id());                   // this key, every tier, every node
        cache.invalidateTags("category:" + product.categoryId());     // every entry carrying the tag
        cache.invalidateAll("products");                              // the whole cache, O(1)
        // endregion
    }

    /** Many keys at once. */
    static void invalidateKeys(CacheTemplate cache, java.util.List<Long> changedIds) {
        // region concepts-invalidate-keys
        cache.invalidateAll("products", changedIds);   // these keys, every tier, every node: one script, one message
        // endregion
    }

    /** Batches; returns the page read through the cache. */
    static java.util.Map<Long, Product> batch(CacheTemplate cache, ProductRepository repository, List<Long> ids) {
        // region concepts-batch
        Map<Long, Product> page = cache.rememberAll("products", ids, Product.class,
                missing -> repository.findAll(missing));        // one query for the ids no tier has

        Map<Long, Product> tagged = cache.rememberAll("products", ids, Product.class, (missing, ctx) -> {
            Map<Long, Product> found = repository.findAll(missing);
            found.forEach((id, p) -> ctx.tags(id, "category:" + p.categoryId()));   // tags and TTLs per key
            return found;
        });

        cache.putAll("products", page);                           // one remote call, one invalidation message
        // endregion
        return tagged;
    }
}
