package io.lamina.cache.tests.docs;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.Invalidate;
import io.lamina.cache.spring.InvalidateTags;
import io.lamina.cache.spring.LaminaCacheManager;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** docs/spring.md. */
final class SpringDocSamples {

    private SpringDocSamples() {
    }

    /** The annotations; a plain class here (not scanned), proxied by whoever declares it as a bean. */
    static class CatalogService {

        private final ProductRepository repository;

        CatalogService(ProductRepository repository) {
            this.repository = repository;
        }

        // region spring-annotations
        @Cached(cache = "products", key = "#id", ttl = "30m", tags = "'category:' + #result.categoryId()")
        public Product find(long id) { return repository.find(id); }

        @InvalidateTags("'category:' + #product.categoryId()")          // after the method; beforeInvocation = true for before
        public void update(Product product) { repository.save(product); }

        @Invalidate(cache = "products", key = "#product.id()")          // repeatable
        public void delete(Product product) { repository.delete(product.id()); }
        // endregion
    }

    /** Builds the manager of the page; its value is thrown away here, a bean in an application. */
    static void cacheManager(CacheTemplate cacheTemplate) {
        // region spring-cache-manager
        LaminaCacheManager.builder(cacheTemplate).cache("products", Product.class).build();
        // endregion
    }

    /** An application that keeps its own Spring CacheManager: Lamina registers none next to it. */
    @Configuration(proxyBeanMethods = false)
    static class OwnCacheManager {
        // region spring-own-cache-manager
        @Bean
        CacheManager cacheManager() {               // the application's own: Lamina's CacheManager backs off
            return new ConcurrentMapCacheManager("legacy");
        }
        // endregion
    }
}
