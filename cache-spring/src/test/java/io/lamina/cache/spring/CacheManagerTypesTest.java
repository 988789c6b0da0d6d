package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.TypeRef;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The Spring CacheManager's caches and the names Spring's cache annotations use: an undeclared name, or a generic
 * result declared by its raw class, fails startup, naming the method; a declared generic type works.
 */
@Timeout(30)
class CacheManagerTypesTest {

    @Test
    void aCacheAnnotationNamingAnUndeclaredCache_failsStartup_namingMethodAndCache() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Declared.class, UsesUndeclared.class).close())
                .hasStackTraceContaining("io.lamina.cache.spring.CacheManagerTypesTest$UsesUndeclared.legacy(long)")
                .hasStackTraceContaining("'legacy'")
                .hasStackTraceContaining("lamina.cache.cache-manager.types.legacy");
    }

    @Test
    void cacheConfigDefaultNames_areCheckedToo() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Declared.class, UsesClassDefault.class).close())
                .hasStackTraceContaining("UsesClassDefault.find(long)").hasStackTraceContaining("'fromCacheConfig'");
    }

    @Test
    void aGenericResultDeclaredByItsRawClass_failsStartup_withTheTypeToDeclare() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(RawList.class, UsesLists.class).close())
                .hasStackTraceContaining("UsesLists.list(long)")
                .hasStackTraceContaining("java.util.List<io.lamina.cache.spring.Product>");
    }

    @Test
    void aDeclaredGenericType_starts_andCachesTheList() {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Declared.class, UsesLists.class)) {
            UsesLists lists = context.getBean(UsesLists.class);
            assertThat(lists.list(7)).containsExactly(new Product(7, "p7", 1));
            assertThat(lists.list(7)).containsExactly(new Product(7, "p7", 1));
            LaminaSpringCache cache = (LaminaSpringCache) context.getBean(CacheManager.class).getCache("productLists");
            assertThat(cache.valueType()).isEqualTo(new TypeRef<List<Product>>() {});
            assertThat(context.getBean(CacheTemplate.class).stats("productLists").puts()).as("one miss, then a hit").isEqualTo(1);
            assertThat(context.getBean(CacheTemplate.class).stats("productLists").l1Hits()).isEqualTo(1);
        }
    }

    @Test
    void withADefaultType_undeclaredNamesAreCreatedWithIt() {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(WithDefault.class, UsesUndeclared.class)) {
            assertThat(context.getBean(UsesUndeclared.class).legacy(3)).isEqualTo("legacy-3");
            assertThat(context.getBean(CacheManager.class).getCache("legacy")).isNotNull();
        }
    }

    @Test
    void aNamedOtherCacheManager_isNotChecked() {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Declared.class, UsesOtherManager.class)) {
            assertThat(context.getBean(UsesOtherManager.class)).isNotNull();
        }
    }

    @Test
    void withoutEnableCaching_theAnnotationsAreInert_andNotChecked() {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(NoCaching.class, UsesUndeclared.class)) {
            assertThat(context.getBean(UsesUndeclared.class).legacy(1)).isEqualTo("legacy-1");
        }
    }

    // ---- configurations and beans ------------------------------------------------------------------------

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Base {
        @Bean(destroyMethod = "close")
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(Base.class)
    static class Declared {
        @Bean
        LaminaCacheManager cacheManager(CacheTemplate template) {
            return LaminaCacheManager.builder(template)
                    .cache("products", Product.class)
                    .cache("productLists", new TypeRef<List<Product>>() {})
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NoCaching {
        @Bean(destroyMethod = "close")
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }

        @Bean
        LaminaCacheManager cacheManager(CacheTemplate template) {
            return LaminaCacheManager.builder(template).cache("products", Product.class).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(Base.class)
    static class RawList {
        @Bean
        LaminaCacheManager cacheManager(CacheTemplate template) {
            return LaminaCacheManager.builder(template).cache("productLists", List.class).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(Base.class)
    static class WithDefault {
        @Bean
        LaminaCacheManager cacheManager(CacheTemplate template) {
            return LaminaCacheManager.builder(template).defaultType(String.class).build();
        }
    }

    public static class UsesUndeclared {
        @Cacheable("legacy")
        public String legacy(long id) {
            return "legacy-" + id;
        }

        @CacheEvict("products")
        public void evict(long id) {
        }
    }

    @CacheConfig(cacheNames = "fromCacheConfig")
    public static class UsesClassDefault {
        @Cacheable
        public Product find(long id) {
            return new Product(id, "p" + id, 1);
        }
    }

    public static class UsesLists {
        @Cacheable("productLists")
        public List<Product> list(long id) {
            return List.of(new Product(id, "p" + id, 1));
        }
    }

    public static class UsesOtherManager {
        @Cacheable(cacheNames = "elsewhere", cacheManager = "someOtherManager")
        public String find(long id) {
            return "x";
        }
    }
}
