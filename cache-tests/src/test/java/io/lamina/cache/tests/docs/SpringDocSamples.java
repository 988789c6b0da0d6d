package io.lamina.cache.tests.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.TypeRef;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.CachedAll;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.lamina.cache.spring.Invalidate;
import io.lamina.cache.spring.InvalidateTags;
import io.lamina.cache.spring.LaminaCacheManager;
import io.lamina.cache.spring.TransactionAwareCacheTemplate;
import io.lamina.cache.spring.TransactionMode;
import io.lamina.cache.spring.boot.LaminaCacheTemplateCustomizer;
import java.util.concurrent.CompletableFuture;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** docs/spring.md. */
final class SpringDocSamples {

    private SpringDocSamples() {
    }

    /** Allowing a hierarchy whose class names the codec may read from stored bytes. */
    static class CodecAllowConfig {

        /** The base of a {@code @JsonTypeInfo(use = CLASS)} hierarchy. */
        abstract static class Payment {
        }

        // region spring-codec-allow
        @Bean
        LaminaCacheTemplateCustomizer laminaCodec(ObjectMapper mapper) {
            return builder -> builder.codec(JsonCodec.builder().objectMapper(mapper).allowSubtypesOf(Payment.class).build());
        }
        // endregion
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

        // region spring-cached-all
        @CachedAll(cache = "products")                 // each value under its id: the entries find(id) uses
        public Map<Long, Product> findAll(Collection<Long> ids) { return repository.findAll(ids); }

        @CachedAll(cache = "products", id = "id()")    // a List: each element's id comes from this expression
        public List<Product> findPage(List<Long> ids) { return List.copyOf(repository.findAll(ids).values()); }
        // endregion
    }

    /** Reactive and asynchronous results; a plain class here, proxied by whoever declares it as a bean. */
    static class ReactiveCatalogService {

        private final ProductRepository repository;

        ReactiveCatalogService(ProductRepository repository) {
            this.repository = repository;
        }

        // region spring-reactive
        @Cached(cache = "products", key = "#id", tags = "'category:' + #result.categoryId()")
        public Mono<Product> find(long id) {                  // the value is cached; an empty Mono as null
            return Mono.fromCallable(() -> repository.find(id));
        }

        @Cached(cache = "categoryProducts", key = "#categoryId", tags = "'category:' + #categoryId")
        public Flux<Product> byCategory(long categoryId) {    // cached as List<Product>, replayed as a Flux
            return Flux.defer(() -> Flux.fromIterable(repository.findByCategory(categoryId)));
        }

        @Cached(cache = "products", key = "#id")
        public CompletableFuture<Product> findAsync(long id) {
            return CompletableFuture.supplyAsync(() -> repository.find(id));
        }
        // endregion

        // region spring-cached-all-async
        @CachedAll(cache = "products", condition = "#live", unless = "#result.name().isEmpty()")
        public Map<Long, Product> findAll(Collection<Long> ids, boolean live) { return repository.findAll(ids); }

        @CachedAll(cache = "products")                  // the lookup runs through rememberAllAsync
        public CompletableFuture<Map<Long, Product>> findAllAsync(Collection<Long> ids) {
            return CompletableFuture.supplyAsync(() -> repository.findAll(ids));
        }

        @CachedAll(cache = "products", id = "id()")     // on each subscription; Mono<Map<..>> works too
        public Mono<List<Product>> findPage(List<Long> ids) {
            return Mono.fromCallable(() -> List.copyOf(repository.findAll(ids).values()));
        }

        @CachedAll(cache = "products", id = "id()")     // a Flux of values needs id, as a List does
        public Flux<Product> streamPage(Set<Long> ids) {
            return Flux.defer(() -> Flux.fromIterable(repository.findAll(ids).values()));
        }
        // endregion
    }

    /** Transactions; a plain class here, proxied by whoever declares it as a bean. */
    static class TransactionalCatalogService {

        private final ProductRepository repository;

        TransactionalCatalogService(ProductRepository repository) {
            this.repository = repository;
        }

        // region spring-transactions
        @Transactional
        @InvalidateTags("'category:' + #product.categoryId()")   // now, and again after the commit
        public void rename(Product product) {
            repository.save(product);
        }
        // endregion
    }

    /** A CacheTemplate call inside a programmatic transaction, and the decorator without Boot. */
    static CacheTemplate transactions(CacheTemplate cacheTemplate, TransactionTemplate transactionTemplate,
            ProductRepository repository, Product product) {
        // region spring-transactions-template
        transactionTemplate.executeWithoutResult(status -> {
            repository.save(product);
            cacheTemplate.invalidate("products", product.id());   // now, and again after the commit
        });
        // endregion
        // region spring-transactions-wrap
        CacheTemplate transactional = TransactionAwareCacheTemplate.wrap(cacheTemplate, TransactionMode.BOTH);
        // endregion
        return transactional;
    }

    /** Builds the manager of the page; its value is thrown away here, a bean in an application. */
    static void cacheManager(CacheTemplate cacheTemplate) {
        // region spring-cache-manager
        LaminaCacheManager.builder(cacheTemplate)
                .cache("products", Product.class)
                .cache("productLists", new TypeRef<List<Product>>() {})
                .build();
        // endregion
    }

    /** The codec from an application's mapper, without Boot. */
    static CacheTemplate codec(ObjectMapper applicationObjectMapper) {
        // region spring-codec
        JsonCodec codec = JsonCodec.builder().objectMapper(applicationObjectMapper).build();   // a copy, with Lamina's limits
        CacheTemplate cache = CacheTemplate.builder().codec(codec).build();
        // endregion
        return cache;
    }

    /** A Boot 4 application with Jackson 3 only: a Jackson 2 mapper of its own for Lamina. */
    static final class Jackson2ForLamina {
        // region spring-codec-customizer
        @Bean
        LaminaCacheTemplateCustomizer laminaCodec() {
            ObjectMapper mapper = JsonMapper.builder().findAndAddModules().build();   // parameter names, java.time ...
            return builder -> builder.codec(JsonCodec.builder().objectMapper(mapper).build());
        }
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
