package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.InvalidateTags;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Two Spring Boot application contexts as two nodes on real Redis: @Cached hits and misses, a stampede
 * through the annotation, and @InvalidateTags on one context invalidating the other's L1.
 */
@RedisTest
@Timeout(60)
class SpringTwoNodesIT {

    public record Product(long id, long categoryId, String name) {
    }

    /** The shared "database" both nodes read, counting its queries. */
    static final class Database {
        final Map<Long, Product> rows = new ConcurrentHashMap<>();
        final AtomicInteger queries = new AtomicInteger();
        volatile long delayMillis;

        Product find(long id) {
            queries.incrementAndGet();
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return rows.get(id);
        }
    }

    public static class ProductService {
        private final Database database;

        public ProductService(Database database) {
            this.database = database;
        }

        @Cached(cache = "products", key = "#id", ttl = "10m", tags = "'category:' + #result.categoryId()")
        public Product find(long id) {
            return database.find(id);
        }

        @InvalidateTags("'category:' + #product.categoryId()")
        public void update(Product product) {
            database.rows.put(product.id(), product);
        }
    }

    @SpringBootApplication(proxyBeanMethods = false)
    static class Node {
        @Bean
        ProductService productService(Database database) {
            return new ProductService(database);
        }
    }

    private static final Database DATABASE = new Database();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private ProductService node1;
    private ProductService node2;

    @BeforeEach
    void start(RedisServer redis, @RedisNamespace String namespace) {
        DATABASE.rows.clear();
        DATABASE.queries.set(0);
        DATABASE.delayMillis = 0;
        String ns = namespace + "-" + System.nanoTime();
        node1 = node(redis, ns).getBean(ProductService.class);
        node2 = node(redis, ns).getBean(ProductService.class);
    }

    private ConfigurableApplicationContext node(RedisServer redis, String namespace) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Node.class)
                .web(WebApplicationType.NONE)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("database", DATABASE))
                .properties("lamina.cache.namespace=" + namespace, "lamina.cache.redis.url=" + redis.uri(),
                        "lamina.cache.bus-check-interval=100ms", "spring.main.banner-mode=off")
                .run();
        contexts.add(context);
        return context;
    }

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void cachedHitsAndMisses_acrossTwoNodes() {
        DATABASE.rows.put(1L, new Product(1, 7, "mug"));
        assertThat(node1.find(1)).isEqualTo(new Product(1, 7, "mug"));
        assertThat(node2.find(1)).isEqualTo(new Product(1, 7, "mug"));   // an L2 hit on node 2
        assertThat(node1.find(1)).isEqualTo(new Product(1, 7, "mug"));   // an L1 hit on node 1
        assertThat(DATABASE.queries).hasValue(1);
    }

    @Test
    void aStampedeThroughTheAnnotation_queriesTheDatabaseOnce() throws Exception {
        DATABASE.rows.put(2L, new Product(2, 7, "teapot"));
        DATABASE.delayMillis = 200;
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Product>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ProductService node = i % 2 == 0 ? node1 : node2;
                calls.add(pool.submit(() -> {
                    start.await();
                    return node.find(2);
                }));
            }
            start.countDown();
            for (Future<Product> call : calls) {
                assertThat(call.get(20, TimeUnit.SECONDS).name()).isEqualTo("teapot");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(DATABASE.queries).as("one query for 50 callers on two nodes").hasValue(1);
    }

    @Test
    void invalidateTagsOnOneNode_invalidatesTheOthersL1() {
        DATABASE.rows.put(3L, new Product(3, 9, "old name"));
        node1.find(3);
        node2.find(3);
        assertThat(DATABASE.queries).hasValue(1);

        node1.update(new Product(3, 9, "new name"));

        assertThat(node1.find(3).name()).isEqualTo("new name");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(node2.find(3).name()).isEqualTo("new name"));
        assertThat(DATABASE.queries).as("one reload for both nodes").hasValue(2);
    }
}
