package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
            assertThatThrownBy(bad::refresh).hasStackTraceContaining("a List result needs id");
        }
    }

    static class Catalog {
        final List<String> calls = new CopyOnWriteArrayList<>();

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
