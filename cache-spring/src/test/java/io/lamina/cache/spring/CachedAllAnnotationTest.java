package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link CachedAll}: one call for the missing ids, each element under the key {@link Cached} gives the single-id method. */
@Timeout(30)
class CachedAllAnnotationTest {

    private AnnotationConfigApplicationContext context;
    private Catalog catalog;
    private CacheTemplate template;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        catalog = context.getBean(Catalog.class);
        template = context.getBean(CacheTemplate.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void mapResult_callsTheMethodOnceWithTheMissingIds_andSharesEntriesWithCached() {
        assertThat(catalog.find(2L)).isEqualTo(new Product(2, "p2", 7));
        Map<Long, Product> page = catalog.findAll(List.of(3L, 2L, 404L, 1L));
        assertThat(page).containsExactly(Map.entry(3L, new Product(3, "p3", 7)), Map.entry(2L, new Product(2, "p2", 7)),
                Map.entry(1L, new Product(1, "p1", 7)));
        assertThat(catalog.calls()).containsExactly("find[2]", "findAll[3, 404, 1]");
        // the single-id method reads what the bulk one stored, the missing id included (cached as null)
        assertThat(catalog.find(3L)).isEqualTo(new Product(3, "p3", 7));
        assertThat(catalog.find(404L)).isNull();
        assertThat(catalog.findAll(List.of(1L, 2L, 3L))).hasSize(3);
        assertThat(catalog.calls()).hasSize(2);
        // tags per element, from the tags expression
        template.invalidateTags("category:7");
        assertThat(catalog.findAll(List.of(3L))).hasSize(1);
        assertThat(catalog.calls()).hasSize(3).endsWith("findAll[3]");
    }

    @Test
    void listResult_findsEachElementsIdByExpression_andKeepsTheIdsOrder() {
        List<Product> list = catalog.findList(Set.of(5L));
        assertThat(list).containsExactly(new Product(5, "p5", 7));
        List<Product> again = catalog.findList(new java.util.LinkedHashSet<>(List.of(6L, 5L)));
        assertThat(again).containsExactly(new Product(6, "p6", 7), new Product(5, "p5", 7));
        assertThat(catalog.calls()).containsExactly("findList[5]", "findList[6]");
        assertThat(catalog.find(6L)).isEqualTo(new Product(6, "p6", 7));
        assertThat(catalog.calls()).hasSize(2);
    }

    @Test
    void aFailingMethod_throwsItsOwnException_andNothingIsCached() {
        assertThatThrownBy(() -> catalog.failing(List.of(1L))).isInstanceOf(IOException.class);
        assertThat(template.getIfPresent("products", 1L, Product.class)).isNull();
    }

    @Test
    void invalidAnnotations_failAtStartup() {
        try (AnnotationConfigApplicationContext bad = new AnnotationConfigApplicationContext()) {
            bad.register(Config.class, BadConfig.class);
            assertThatThrownBy(bad::refresh).hasStackTraceContaining("a List or Flux result needs id");
        }
    }

    @Test
    void condition_false_callsTheMethodWithEveryId_andCachesNothing() {
        assertThat(catalog.findAllIf(List.of(1L, 2L), false)).hasSize(2);
        assertThat(catalog.findAllIf(List.of(1L, 2L), false)).hasSize(2);
        assertThat(template.getIfPresent("products", 1L, Product.class)).isNull();
        assertThat(catalog.findAllIf(List.of(1L, 2L), true)).hasSize(2);
        assertThat(catalog.findAllIf(List.of(1L, 2L), true)).hasSize(2);
        assertThat(catalog.calls()).containsExactly("findAllIf[1, 2]", "findAllIf[1, 2]", "findAllIf[1, 2]");
    }

    @Test
    void unless_true_returnsTheValue_butDoesNotCacheIt() {
        assertThat(catalog.findDrafts(List.of(1L, 2L))).containsExactly(Map.entry(1L, new Product(1, "draft1", 7)),
                Map.entry(2L, new Product(2, "draft2", 7)));
        assertThat(catalog.findDrafts(List.of(1L, 2L))).hasSize(2);
        assertThat(catalog.calls()).containsExactly("findDrafts[1, 2]", "findDrafts[1]");
    }

    @Test
    void completableFutureOfMap_goesThroughRememberAllAsync_withTheSameEntriesNullsAndTags() throws Exception {
        CompletableFuture<Map<Long, Product>> page = catalog.findAllAsync(List.of(3L, 404L, 1L));
        assertThat(page.get(5, TimeUnit.SECONDS)).containsExactly(Map.entry(3L, new Product(3, "p3", 7)), Map.entry(1L, new Product(1, "p1", 7)));
        assertThat(catalog.findAllAsync(List.of(1L, 404L, 3L)).get(5, TimeUnit.SECONDS)).hasSize(2);
        assertThat(catalog.find(3L)).isEqualTo(new Product(3, "p3", 7));
        assertThat(catalog.find(404L)).isNull();
        assertThat(catalog.calls()).containsExactly("findAllAsync[3, 404, 1]");
        template.invalidateTags("category:7");
        assertThat(catalog.findAllAsync(List.of(3L)).get(5, TimeUnit.SECONDS)).hasSize(1);
        assertThat(catalog.calls()).containsExactly("findAllAsync[3, 404, 1]", "findAllAsync[3]");
        assertThat(catalog.threads()).as("the method runs on").allMatch(name -> name.startsWith("lamina-loader-")).hasSize(2);
    }

    @Test
    void aFailingFutureMethod_failsTheFutureWithItsOwnException() {
        assertThat(catalog.failingAsync(List.of(1L))).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).havingCause().isInstanceOf(IOException.class);
        assertThat(template.getIfPresent("products", 1L, Product.class)).isNull();
    }

    @Test
    void monoOfList_andFluxOfValues_lookUpOnEachSubscription() {
        Mono<List<Product>> mono = catalog.findMono(List.of(6L, 5L));
        assertThat(catalog.calls()).as("nothing before a subscription").isEmpty();
        assertThat(mono.block(Duration.ofSeconds(5))).containsExactly(new Product(6, "p6", 7), new Product(5, "p5", 7));
        assertThat(mono.block(Duration.ofSeconds(5))).hasSize(2);
        Flux<Product> flux = catalog.findFlux(new java.util.LinkedHashSet<>(List.of(7L, 5L)));
        assertThat(flux.collectList().block(Duration.ofSeconds(5))).containsExactly(new Product(7, "p7", 7), new Product(5, "p5", 7));
        assertThat(catalog.findMonoMap(List.of(8L, 5L)).block(Duration.ofSeconds(5)))
                .containsExactly(Map.entry(8L, new Product(8, "p8", 7)), Map.entry(5L, new Product(5, "p5", 7)));
        assertThat(catalog.calls()).containsExactly("findMono[6, 5]", "findFlux[7]", "findMonoMap[8]");
        assertThat(catalog.find(7L)).isEqualTo(new Product(7, "p7", 7));
        assertThat(catalog.calls()).hasSize(3);
    }

    @Test
    void unsupportedAsyncReturnTypes_failAtStartup_namingTheMethod() {
        try (AnnotationConfigApplicationContext bad = new AnnotationConfigApplicationContext()) {
            bad.register(Config.class, BadAsyncConfig.class);
            assertThatThrownBy(bad::refresh).hasStackTraceContaining("setOfValues").hasStackTraceContaining("must return a Map<id, value>");
        }
        try (AnnotationConfigApplicationContext bad = new AnnotationConfigApplicationContext()) {
            bad.register(Config.class, BadFluxConfig.class);
            assertThatThrownBy(bad::refresh).hasStackTraceContaining("fluxWithoutId").hasStackTraceContaining("a List or Flux result needs id");
        }
    }

    static class Catalog {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        public List<String> threads() {
            return threads;
        }

        /** Through the proxy: its own fields are not the target's. */
        public List<String> calls() {
            return calls;
        }

        @Cached(cache = "products", key = "#id")
        public Product find(Long id) {
            calls.add("find[" + id + "]");
            return id == 404 ? null : new Product(id, "p" + id, 7);
        }

        @CachedAll(cache = "products", tags = "'category:' + #result.categoryId()")
        public Map<Long, Product> findAll(Collection<Long> ids) {
            calls.add("findAll" + ids);
            Map<Long, Product> found = new LinkedHashMap<>();
            ids.stream().filter(id -> id != 404).forEach(id -> found.put(id, new Product(id, "p" + id, 7)));
            return found;
        }

        @CachedAll(cache = "products", id = "id")
        public List<Product> findList(Set<Long> ids) {
            calls.add("findList" + ids);
            List<Product> found = new ArrayList<>();
            ids.forEach(id -> found.add(new Product(id, "p" + id, 7)));
            return found;
        }

        @CachedAll(cache = "products")
        public Map<Long, Product> failing(List<Long> ids) throws IOException {
            throw new IOException("database down");
        }

        @CachedAll(cache = "products", condition = "#cache")
        public Map<Long, Product> findAllIf(List<Long> ids, boolean cache) {
            calls.add("findAllIf" + ids);
            Map<Long, Product> found = new LinkedHashMap<>();
            ids.forEach(id -> found.put(id, new Product(id, "p" + id, 7)));
            return found;
        }

        @CachedAll(cache = "products", unless = "#result.name().startsWith('draft') && #id == 1")
        public Map<Long, Product> findDrafts(List<Long> ids) {
            calls.add("findDrafts" + ids);
            Map<Long, Product> found = new LinkedHashMap<>();
            ids.forEach(id -> found.put(id, new Product(id, (id <= 2 ? "draft" : "p") + id, 7)));
            return found;
        }

        @CachedAll(cache = "products", tags = "'category:' + #result.categoryId()")
        public CompletableFuture<Map<Long, Product>> findAllAsync(List<Long> ids) {
            calls.add("findAllAsync" + ids);
            threads.add(Thread.currentThread().getName());
            return CompletableFuture.supplyAsync(() -> {
                Map<Long, Product> found = new LinkedHashMap<>();
                ids.stream().filter(id -> id != 404).forEach(id -> found.put(id, new Product(id, "p" + id, 7)));
                return found;
            });
        }

        @CachedAll(cache = "products")
        public CompletionStage<Map<Long, Product>> failingAsync(List<Long> ids) {
            return CompletableFuture.failedFuture(new IOException("database down"));
        }

        @CachedAll(cache = "products", id = "id")
        public Mono<List<Product>> findMono(List<Long> ids) {
            return Mono.fromSupplier(() -> {
                calls.add("findMono" + ids);
                return ids.stream().map(id -> new Product(id, "p" + id, 7)).toList();
            });
        }

        @CachedAll(cache = "products")
        public Mono<Map<Long, Product>> findMonoMap(List<Long> ids) {
            return Mono.fromSupplier(() -> {
                calls.add("findMonoMap" + ids);
                Map<Long, Product> found = new LinkedHashMap<>();
                ids.forEach(id -> found.put(id, new Product(id, "p" + id, 7)));
                return found;
            });
        }

        @CachedAll(cache = "products", id = "id")
        public Flux<Product> findFlux(Set<Long> ids) {
            return Flux.defer(() -> {
                calls.add("findFlux" + ids);
                return Flux.fromIterable(ids).map(id -> new Product(id, "p" + id, 7));
            });
        }
    }

    static class BadAsyncCatalog {
        @CachedAll(cache = "products", id = "id")
        public CompletableFuture<Set<Product>> setOfValues(List<Long> ids) {
            return CompletableFuture.completedFuture(Set.of());
        }
    }

    static class BadFluxCatalog {
        @CachedAll(cache = "products")
        public Flux<Product> fluxWithoutId(List<Long> ids) {
            return Flux.empty();
        }
    }

    @Configuration
    static class BadAsyncConfig {
        @Bean
        BadAsyncCatalog badAsyncCatalog() {
            return new BadAsyncCatalog();
        }
    }

    @Configuration
    static class BadFluxConfig {
        @Bean
        BadFluxCatalog badFluxCatalog() {
            return new BadFluxCatalog();
        }
    }

    static class BadCatalog {
        @CachedAll(cache = "products")
        public List<Product> noId(List<Long> ids) {
            return List.of();
        }
    }

    @Configuration
    @EnableLaminaCaching
    static class Config {
        @Bean
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }

        @Bean
        Catalog catalog() {
            return new Catalog();
        }
    }

    @Configuration
    static class BadConfig {
        @Bean
        BadCatalog badCatalog() {
            return new BadCatalog();
        }
    }
}
