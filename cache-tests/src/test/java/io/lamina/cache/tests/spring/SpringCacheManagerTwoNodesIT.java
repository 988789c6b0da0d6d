package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Spring's {@code @Cacheable} on Lamina's CacheManager, two Boot contexts as two nodes on real Redis: a cache
 * declared in properties as {@code java.util.List<...Product>} reads back on the other node as products, with
 * {@code BigDecimal} prices exact.
 */
@RedisTest
@Timeout(60)
class SpringCacheManagerTwoNodesIT {

    public record Product(long id, String name, BigDecimal price) {
    }

    static final AtomicInteger QUERIES = new AtomicInteger();

    public static class Catalog {
        @Cacheable("product-lists")
        public List<Product> byCategory(long categoryId) {
            QUERIES.incrementAndGet();
            return List.of(new Product(1, "mug", new BigDecimal("29.90")), new Product(2, "cup", new BigDecimal("5.00")));
        }

        @Cacheable("prices")
        public BigDecimal price(long id) {
            QUERIES.incrementAndGet();
            return new BigDecimal("29.90");
        }
    }

    /** Not a @Configuration, so that the component scan of the other Spring tests in this package skips it. */
    @EnableAutoConfiguration
    @EnableCaching
    static class Node {
        @Bean
        Catalog catalog() {
            return new Catalog();
        }
    }

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private Catalog node1;
    private Catalog node2;

    @BeforeEach
    void start(RedisServer redis, @RedisNamespace String namespace) {
        QUERIES.set(0);
        String ns = namespace + "-" + System.nanoTime();
        node1 = node(redis, ns).getBean(Catalog.class);
        node2 = node(redis, ns).getBean(Catalog.class);
    }

    private ConfigurableApplicationContext node(RedisServer redis, String namespace) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Node.class)
                .web(WebApplicationType.NONE)
                .properties("lamina.cache.namespace=" + namespace, "lamina.cache.redis.url=" + redis.uri(),
                        "lamina.cache.cache-manager.types.product-lists=java.util.List<" + Product.class.getName() + ">",
                        "lamina.cache.cache-manager.types.prices=java.math.BigDecimal",
                        "spring.main.banner-mode=off")
                .run();
        contexts.add(context);
        return context;
    }

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void aListOfRecords_readOnTheOtherNode_isAListOfThoseRecords() {
        List<Product> first = node1.byCategory(7);
        List<Product> fromL2 = node2.byCategory(7);
        assertThat(fromL2).hasSize(2).allSatisfy(p -> assertThat(p).isInstanceOf(Product.class));
        assertThat(fromL2).isEqualTo(first);
        assertThat(fromL2.get(0).price()).isEqualTo(new BigDecimal("29.90"));
        assertThat(QUERIES).hasValue(1);
    }

    @Test
    void aBigDecimal_keepsItsScale_acrossNodes() {
        assertThat(node1.price(1)).isEqualTo(new BigDecimal("29.90"));
        assertThat(node2.price(1)).isEqualTo(new BigDecimal("29.90"));
        assertThat(QUERIES).hasValue(1);
    }
}
