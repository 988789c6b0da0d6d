package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import io.lamina.cache.TypeRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Timeout(30)
class LaminaCacheManagerTest {

    private AnnotationConfigApplicationContext context;
    private SpringCachedService service;
    private CacheTemplate template;
    private CacheManager manager;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        service = context.getBean(SpringCachedService.class);
        template = context.getBean(CacheTemplate.class);
        manager = context.getBean(CacheManager.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void cacheable_secondCall_isAHit_storedInLamina() {
        assertThat(service.find(1)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.find(1)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.loads()).isEqualTo(1);
        assertThat(template.getIfPresent("products", 1L, Product.class)).isEqualTo(new CachedValue<>(new Product(1, "p1", 7)));
    }

    @Test
    void cacheable_nullResult_isCachedAsNull() {
        assertThat(service.find(404)).isNull();
        assertThat(service.find(404)).isNull();
        assertThat(service.loads()).isEqualTo(1);
        assertThat(manager.getCache("products").get(404L)).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
    }

    @Test
    void cacheEvict_invalidates() {
        service.find(1);
        service.evict(1);
        service.find(1);
        assertThat(service.loads()).isEqualTo(2);
        service.find(2);
        service.evictAll();
        service.find(1);
        service.find(2);
        assertThat(service.loads()).isEqualTo(5);
    }

    @Test
    void cachePut_writesThrough() {
        service.find(1);
        service.save(new Product(1, "renamed", 7));
        assertThat(service.find(1)).isEqualTo(new Product(1, "renamed", 7));
        assertThat(service.loads()).isEqualTo(1);
    }

    @Test
    void cacheableSync_isSingleFlight() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Product>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    service.arrived().incrementAndGet();
                    return service.findSync(42);
                }));
            }
            start.countDown();
            for (Future<Product> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(new Product(42, "p42", 7));
            }
            assertThat(service.loads()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void cacheableSync_loaderException_reachesTheCaller() {
        assertThatThrownBy(() -> service.findSync(-1)).isInstanceOf(IllegalArgumentException.class).hasMessage("negative id");
    }

    @Test
    void cacheable_completableFuture_usesRetrieve() throws Exception {
        assertThat(service.findAsync(1).get(5, TimeUnit.SECONDS)).isEqualTo(new Product(1, "p1", 7));
        await().atMost(Duration.ofSeconds(5)).until(() -> template.getIfPresent("products", 1L, Product.class) != null);
        assertThat(service.findAsync(1).get(5, TimeUnit.SECONDS)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.loads()).isEqualTo(1);
    }

    @Test
    void cacheAdapter_contract() {
        Cache cache = manager.getCache("products");
        assertThat(cache.getName()).isEqualTo("products");
        assertThat(cache.getNativeCache()).isSameAs(template);
        assertThat(cache.get(1L)).isNull();
        assertThat(cache.putIfAbsent(1L, new Product(1, "a", 7))).isNull();
        assertThat(cache.putIfAbsent(1L, new Product(1, "b", 7)).get()).isEqualTo(new Product(1, "a", 7));
        assertThat(cache.get(1L, Product.class)).isEqualTo(new Product(1, "a", 7));
        assertThatThrownBy(() -> cache.get(1L, String.class)).isInstanceOf(IllegalStateException.class);
        AtomicInteger calls = new AtomicInteger();
        Callable<Product> first = () -> {
            calls.incrementAndGet();
            return new Product(2, "b", 7);
        };
        Callable<Product> second = () -> {
            calls.incrementAndGet();
            return null;
        };
        Callable<Product> failing = () -> {
            throw new java.io.IOException("down");
        };
        assertThat(cache.get(2L, first)).isEqualTo(new Product(2, "b", 7));
        assertThat(cache.get(2L, second)).isEqualTo(new Product(2, "b", 7));
        assertThat(calls.get()).isEqualTo(1);
        assertThatThrownBy(() -> cache.get(3L, failing)).isInstanceOf(Cache.ValueRetrievalException.class).hasRootCauseInstanceOf(java.io.IOException.class);
        assertThat(cache.retrieve(1L)).succeedsWithin(Duration.ofSeconds(5))
                .isInstanceOfSatisfying(Cache.ValueWrapper.class, w -> assertThat(w.get()).isEqualTo(new Product(1, "a", 7)));
        assertThat(cache.retrieve(9L)).isNull();
        CompletableFuture<Product> loaded = cache.retrieve(9L, () -> CompletableFuture.completedFuture(new Product(9, "n", 7)));
        assertThat(loaded).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(new Product(9, "n", 7));
        cache.evict(1L);
        assertThat(cache.get(1L)).isNull();
        cache.clear();
        assertThat(cache.get(2L)).isNull();
    }

    @Test
    void manager_knowsDeclaredCaches_andUsesTheDefaultTypeForOthers() {
        assertThat(manager.getCacheNames()).contains("products", "names");
        assertThat(manager.getCache("unknown")).isNull();
        CacheManager withDefault = LaminaCacheManager.builder(template).defaultType(String.class)
                .cache("lists", new TypeRef<List<Product>>() { }).build();
        Cache other = withDefault.getCache("other");
        assertThat(other).isNotNull();
        other.put("k", "v");
        assertThat(other.get("k", String.class)).isEqualTo("v");
        assertThat(((LaminaSpringCache) withDefault.getCache("lists")).valueType()).isEqualTo(new TypeRef<List<Product>>() { });
        assertThat(withDefault.getCacheNames()).containsExactlyInAnyOrder("lists", "other");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Config {

        @Bean
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }

        @Bean
        CacheManager cacheManager(CacheTemplate cacheTemplate) {
            return LaminaCacheManager.builder(cacheTemplate).cache("products", Product.class).cache("names", String.class).build();
        }

        @Bean
        SpringCachedService springCachedService() {
            return new SpringCachedService();
        }
    }

    static class SpringCachedService {

        private final AtomicInteger loads = new AtomicInteger();
        private final AtomicInteger arrived = new AtomicInteger();

        int loads() {
            return loads.get();
        }

        AtomicInteger arrived() {
            return arrived;
        }

        @Cacheable("products")
        public Product find(long id) {
            loads.incrementAndGet();
            return id == 404 ? null : new Product(id, "p" + id, 7);
        }

        @Cacheable(cacheNames = "products", sync = true)
        public Product findSync(long id) {
            if (id < 0) {
                throw new IllegalArgumentException("negative id");
            }
            loads.incrementAndGet();
            await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 16);
            return new Product(id, "p" + id, 7);
        }

        @Cacheable("products")
        public CompletableFuture<Product> findAsync(long id) {
            loads.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> new Product(id, "p" + id, 7));
        }

        @CachePut(cacheNames = "products", key = "#product.id")
        public Product save(Product product) {
            return product;
        }

        @CacheEvict("products")
        public void evict(long id) {
        }

        @CacheEvict(cacheNames = "products", allEntries = true)
        public void evictAll() {
        }
    }
}
