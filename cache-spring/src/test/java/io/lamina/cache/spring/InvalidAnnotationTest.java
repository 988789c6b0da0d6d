package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

@Timeout(30)
class InvalidAnnotationTest {

    @Test
    void badKeyExpression_failsStartup_namingTheMethod() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, BadKeyConfig.class).close())
                .hasStackTraceContaining("@Cached on io.lamina.cache.spring.InvalidAnnotationTest$BadKey.find(long)")
                .hasStackTraceContaining("cannot parse key '#id +'");
    }

    @Test
    void badExpressionOnASecondMethod_failsStartupToo() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, BadSecondConfig.class).close())
                .hasStackTraceContaining("@InvalidateTags on io.lamina.cache.spring.InvalidAnnotationTest$BadSecond.update(Product)")
                .hasStackTraceContaining("cannot parse tag");
    }

    @Test
    void badTtl_failsStartup_namingTheMethod() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, BadTtlConfig.class).close())
                .hasStackTraceContaining("@Cached on io.lamina.cache.spring.InvalidAnnotationTest$BadTtl.find(long)")
                .hasStackTraceContaining("invalid duration '5x'");
    }

    @Test
    void blankCacheName_failsStartup_namingTheMethod() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, BlankCacheConfig.class).close())
                .hasStackTraceContaining("@Invalidate on io.lamina.cache.spring.InvalidAnnotationTest$BlankCache.remove(long)")
                .hasStackTraceContaining("cache name is blank");
    }

    @Test
    void voidCachedMethod_failsStartup() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, VoidConfig.class).close())
                .hasStackTraceContaining("VoidCached.run()")
                .hasStackTraceContaining("must return a value");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLaminaCaching
    static class Base {
        @Bean
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }
    }

    @Import(BadKey.class)
    static class BadKeyConfig {
    }

    @Import(BadSecond.class)
    static class BadSecondConfig {
    }

    @Import(BadTtl.class)
    static class BadTtlConfig {
    }

    @Import(BlankCache.class)
    static class BlankCacheConfig {
    }

    @Import(VoidCached.class)
    static class VoidConfig {
    }

    static class BadKey {
        @Cached(cache = "products", key = "#id +")
        public Product find(long id) {
            return null;
        }
    }

    static class BadSecond {
        @Cached(cache = "products", key = "#id")
        public Product find(long id) {
            return null;
        }

        @InvalidateTags("'category:' + #product.categoryId)")
        public void update(Product product) {
        }
    }

    static class BadTtl {
        @Cached(cache = "products", ttl = "5x")
        public Product find(long id) {
            return null;
        }
    }

    static class BlankCache {
        @Invalidate(cache = " ")
        public void remove(long id) {
        }
    }

    static class VoidCached {
        @Cached(cache = "products")
        public void run() {
        }
    }
}
