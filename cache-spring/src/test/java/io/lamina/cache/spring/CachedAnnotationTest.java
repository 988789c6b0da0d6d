package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Timeout(30)
class CachedAnnotationTest {

    private AnnotationConfigApplicationContext context;
    private ProductService service;
    private ProductRepository repository;
    private CacheTemplate template;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        service = context.getBean(ProductService.class);
        repository = context.getBean(ProductRepository.class);
        template = context.getBean(CacheTemplate.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void cached_secondCall_isAHit() {
        assertThat(service.find(1)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.find(1)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.find(2)).isEqualTo(new Product(2, "p2", 7));
        assertThat(service.loads("find")).isEqualTo(2);
        assertThat(template.getIfPresent("products", 1L, Product.class)).isEqualTo(new CachedValue<>(new Product(1, "p1", 7)));
    }

    @Test
    void cached_nullResult_isCached() {
        assertThat(service.find(404)).isNull();
        assertThat(service.find(404)).isNull();
        assertThat(service.loads("find")).isEqualTo(1);
    }

    @Test
    void cached_keyExpression_selectsTheKey() {
        assertThat(service.findLocalized(1, "en")).isEqualTo(new Product(1, "p1-en", 7));
        assertThat(service.findLocalized(1, "fr")).isEqualTo(new Product(1, "p1-en", 7));
        assertThat(service.loads("findLocalized")).isEqualTo(1);
        assertThat(template.getIfPresent("localized", "product-1", Product.class)).isNotNull();
    }

    @Test
    void cached_defaultKey_isTheArgumentOrTheListOfArguments() {
        service.findByDefaultKey(5);
        service.findByPair(5, "a");
        service.findByPair(5, "a");
        service.findByPair(5, "b");
        assertThat(template.getIfPresent("byDefault", 5L, Product.class)).isNotNull();
        assertThat(template.getIfPresent("byPair", List.of(5L, "a"), Product.class)).isNotNull();
        assertThat(service.loads("findByPair")).isEqualTo(2);
    }

    @Test
    void cached_tagsFromResult_areInvalidatedByInvalidateTags() {
        service.find(1);
        service.find(2);
        service.find(3); // category 8
        service.categoryChanged(7);
        service.find(1);
        service.find(2);
        service.find(3);
        assertThat(service.loads("find")).isEqualTo(5);
        assertThat(service.loads("categoryChanged")).isEqualTo(1);
    }

    @Test
    void invalidate_removesTheKey_andIsRepeatable() {
        service.find(1);
        service.find(2);
        service.all();
        service.update(new Product(1, "new", 7));
        service.find(1);
        service.find(2);
        service.all();
        assertThat(service.loads("find")).isEqualTo(3);
        assertThat(service.loads("all")).isEqualTo(2);
    }

    @Test
    void invalidate_beforeInvocation_runsEvenWhenTheMethodFails() {
        service.find(1);
        assertThatThrownBy(() -> service.failingDelete(1)).isInstanceOf(IllegalStateException.class);
        service.find(1);
        assertThat(service.loads("find")).isEqualTo(2);
    }

    @Test
    void invalidate_afterInvocation_doesNotRunWhenTheMethodFails() {
        service.find(1);
        assertThatThrownBy(() -> service.failingUpdate(1)).isInstanceOf(IllegalStateException.class);
        service.find(1);
        assertThat(service.loads("find")).isEqualTo(1);
    }

    @Test
    void condition_false_callsTheMethodWithoutCaching() {
        service.findIfPositive(-1);
        service.findIfPositive(-1);
        service.findIfPositive(3);
        service.findIfPositive(3);
        assertThat(service.loads("findIfPositive")).isEqualTo(3);
    }

    @Test
    void unless_true_returnsWithoutCaching() {
        assertThat(service.findUnlessNull(404)).isNull();
        assertThat(service.findUnlessNull(404)).isNull();
        assertThat(service.findUnlessNull(1)).isNotNull();
        assertThat(service.findUnlessNull(1)).isNotNull();
        assertThat(service.loads("findUnlessNull")).isEqualTo(3);
    }

    @Test
    void cached_ttl_expires() {
        // ttl "100ms": Awaitility waits for the expiry instead of sleeping a fixed time
        service.findShortLived(1);
        service.findShortLived(1);
        assertThat(service.loads("findShortLived")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> template.getIfPresent("shortLived", 1L, Product.class) == null);
        service.findShortLived(1);
        assertThat(service.loads("findShortLived")).isEqualTo(2);
    }

    @Test
    void cached_genericList() {
        List<Product> first = service.byCategory(7);
        List<Product> second = service.byCategory(7);
        assertThat(second).isEqualTo(first).hasSize(2).allSatisfy(p -> assertThat(p).isInstanceOf(Product.class));
        assertThat(service.loads("byCategory")).isEqualTo(1);
    }

    @Test
    void cached_genericMap() {
        Map<String, Product> first = service.byName(7);
        Map<String, Product> second = service.byName(7);
        assertThat(second).isEqualTo(first).containsKeys("p1", "p2");
        assertThat(service.loads("byName")).isEqualTo(1);
    }

    @Test
    void cached_optional_cachesTheInnerValue() {
        assertThat(service.findOptional(1)).contains(new Product(1, "p1", 7));
        assertThat(service.findOptional(1)).contains(new Product(1, "p1", 7));
        assertThat(service.findOptional(404)).isEmpty();
        assertThat(service.findOptional(404)).isEmpty();
        assertThat(service.loads("findOptional")).isEqualTo(2);
        assertThat(template.getIfPresent("optional", 1L, Product.class)).isEqualTo(new CachedValue<>(new Product(1, "p1", 7)));
        assertThat(template.getIfPresent("optional", 404L, Product.class)).isEqualTo(new CachedValue<>(null));
    }

    @Test
    void cached_completableFuture_usesRememberAsync() throws Exception {
        assertThat(service.findAsync(1).get(5, TimeUnit.SECONDS)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.findAsync(1).get(5, TimeUnit.SECONDS)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.loads("findAsync")).isEqualTo(1);
        assertThat(template.getIfPresent("async", 1L, Product.class)).isEqualTo(new CachedValue<>(new Product(1, "p1", 7)));
    }

    @Test
    void cached_completableFuture_failureReachesTheCallerUnchanged() {
        CompletableFuture<Product> failed = service.findAsyncFailing(1);
        assertThat(failed).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(ProductNotFoundException.class).withMessage("no product 1");
        service.findAsyncFailing(1).exceptionally(t -> null).join();
        assertThat(service.loads("findAsyncFailing")).isEqualTo(2);
    }

    @Test
    void cached_checkedException_reachesTheCallerUnchanged() {
        assertThatThrownBy(() -> service.findOrThrow(9)).isSameAs(service.lastThrown());
        assertThatThrownBy(() -> service.findOrThrow(9)).isInstanceOf(ProductNotFoundException.class).hasMessage("no product 9");
        assertThat(service.loads("findOrThrow")).isEqualTo(2);
    }

    @Test
    void cached_runtimeException_reachesTheCallerUnchanged() {
        assertThatThrownBy(() -> service.failingUpdate(3)).isExactlyInstanceOf(IllegalStateException.class).hasMessage("update failed");
    }

    @Test
    void classMethod_isProxiedWithCglib() {
        assertThat(AopUtils.isCglibProxy(service)).isTrue();
    }

    @Test
    void interfaceMethodAnnotation_worksThroughAJdkProxy() throws Exception {
        assertThat(AopUtils.isJdkDynamicProxy(repository)).isTrue();
        assertThat(repository.load(1)).isEqualTo(new Product(1, "repo-1", 3));
        assertThat(repository.load(1)).isEqualTo(new Product(1, "repo-1", 3));
        assertThat(context.getBean(ProductRepositoryImpl.class.getName(), ProductRepository.class)).isSameAs(repository);
        assertThat(ProductRepositoryImpl.LOADS.get()).isEqualTo(1);
        repository.remove(1);
        repository.load(1);
        assertThat(ProductRepositoryImpl.LOADS.get()).isEqualTo(2);
        assertThatThrownBy(() -> repository.loadOrThrow(77)).isInstanceOf(ProductNotFoundException.class);
    }

    @Test
    void selfInvocation_isNotIntercepted() {
        service.findThroughThis(1);
        service.findThroughThis(1);
        assertThat(service.loads("find")).isEqualTo(2);
    }

    @Test
    void stampede_throughTheAnnotation_loadsOnce() throws Exception {
        int threads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            service.arrived().set(0);
            List<Future<Product>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    service.arrived().incrementAndGet();
                    return service.findSlow(42);
                }));
            }
            start.countDown();
            for (Future<Product> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new Product(42, "p42", 7));
            }
            assertThat(service.loads("findSlow")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLaminaCaching
    static class Config {

        @Bean
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }

        @Bean
        ProductService productService() {
            return new ProductService();
        }

        @Bean(name = "io.lamina.cache.spring.CachedAnnotationTest$ProductRepositoryImpl")
        ProductRepository productRepository() {
            ProductRepositoryImpl.LOADS.set(0);
            return new ProductRepositoryImpl();
        }
    }

    /** Thrown by the service: a checked exception the methods declare. */
    static final class ProductNotFoundException extends Exception {
        private static final long serialVersionUID = 1L;

        ProductNotFoundException(String message) {
            super(message);
        }
    }

    /** A class without interfaces: proxied with CGLIB. */
    static class ProductService {

        final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
        final AtomicInteger arrived = new AtomicInteger();
        volatile ProductNotFoundException lastThrown;

        // fields of a CGLIB proxy are not the bean's: tests read them through methods
        ProductNotFoundException lastThrown() {
            return lastThrown;
        }

        AtomicInteger arrived() {
            return arrived;
        }

        int loads(String method) {
            AtomicInteger n = loads.get(method);
            return n == null ? 0 : n.get();
        }

        private void count(String method) {
            loads.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        }

        private static Product product(long id) {
            return id == 404 ? null : new Product(id, "p" + id, id == 3 ? 8 : 7);
        }

        @Cached(cache = "products", key = "#id", ttl = "30m", nullTtl = "10s", tags = "'category:' + #result.categoryId")
        public Product find(long id) {
            count("find");
            return product(id);
        }

        public Product findThroughThis(long id) {
            return find(id);
        }

        @Cached(cache = "localized", key = "'product-' + #p0")
        public Product findLocalized(long id, String locale) {
            count("findLocalized");
            return new Product(id, "p" + id + "-" + locale, 7);
        }

        @Cached(cache = "byDefault")
        public Product findByDefaultKey(long id) {
            return product(id);
        }

        @Cached(cache = "byPair")
        public Product findByPair(long id, String variant) {
            count("findByPair");
            return product(id);
        }

        @Cached(cache = "lists", key = "#root.methodName")
        public List<Product> all() {
            count("all");
            return List.of(new Product(1, "p1", 7));
        }

        @InvalidateTags("'category:' + #categoryId")
        public void categoryChanged(long categoryId) {
            count("categoryChanged");
        }

        @Invalidate(cache = "products", key = "#product.id")
        @Invalidate(cache = "lists", key = "'all'")
        public void update(Product product) {
        }

        @Invalidate(cache = "products", key = "#id", beforeInvocation = true)
        public void failingDelete(long id) {
            throw new IllegalStateException("delete failed");
        }

        @Invalidate(cache = "products", key = "#id")
        public void failingUpdate(long id) {
            throw new IllegalStateException("update failed");
        }

        @Cached(cache = "conditional", key = "#id", condition = "#id > 0")
        public Product findIfPositive(long id) {
            count("findIfPositive");
            return product(id);
        }

        @Cached(cache = "unless", key = "#id", unless = "#result == null")
        public Product findUnlessNull(long id) {
            count("findUnlessNull");
            return product(id);
        }

        @Cached(cache = "shortLived", ttl = "100ms")
        public Product findShortLived(long id) {
            count("findShortLived");
            return product(id);
        }

        @Cached(cache = "byCategory", key = "#categoryId")
        public List<Product> byCategory(long categoryId) {
            count("byCategory");
            return List.of(new Product(1, "p1", categoryId), new Product(2, "p2", categoryId));
        }

        @Cached(cache = "byName", key = "#categoryId")
        public Map<String, Product> byName(long categoryId) {
            count("byName");
            return Map.of("p1", new Product(1, "p1", categoryId), "p2", new Product(2, "p2", categoryId));
        }

        @Cached(cache = "optional", key = "#id", tags = "'category:' + #result.categoryId")
        public Optional<Product> findOptional(long id) {
            count("findOptional");
            return Optional.ofNullable(product(id));
        }

        @Cached(cache = "async", key = "#id", tags = "'category:' + #result.categoryId")
        public CompletableFuture<Product> findAsync(long id) {
            count("findAsync");
            return CompletableFuture.supplyAsync(() -> product(id));
        }

        @Cached(cache = "asyncFailing", key = "#id")
        public CompletableFuture<Product> findAsyncFailing(long id) {
            count("findAsyncFailing");
            return CompletableFuture.failedFuture(new ProductNotFoundException("no product " + id));
        }

        @Cached(cache = "throwing", key = "#id")
        public Product findOrThrow(long id) throws ProductNotFoundException {
            count("findOrThrow");
            lastThrown = new ProductNotFoundException("no product " + id);
            throw lastThrown;
        }

        @Cached(cache = "slow", key = "#id")
        public Product findSlow(long id) {
            count("findSlow");
            // keep the load open until every caller has arrived, so that they overlap it
            await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 32);
            return product(id);
        }
    }

    /** Annotated on the interface only; the implementation implements it: proxied with a JDK proxy. */
    interface ProductRepository {

        @Cached(cache = "repository", key = "#id")
        Product load(long id);

        @Invalidate(cache = "repository", key = "#id")
        void remove(long id);

        @Cached(cache = "repositoryThrowing", key = "#id")
        Product loadOrThrow(long id) throws ProductNotFoundException;
    }

    static class ProductRepositoryImpl implements ProductRepository {

        static final AtomicInteger LOADS = new AtomicInteger();

        @Override
        public Product load(long id) {
            LOADS.incrementAndGet();
            return new Product(id, "repo-" + id, 3);
        }

        @Override
        public void remove(long id) {
        }

        @Override
        public Product loadOrThrow(long id) throws ProductNotFoundException {
            throw new ProductNotFoundException("no product " + id);
        }
    }
}
