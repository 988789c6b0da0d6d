package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.spring.Cached;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code @Cached} on {@code Mono}, {@code Flux} and {@code CompletableFuture} methods, two Boot contexts as two
 * nodes on real Redis: values read back on the other node (from L2) decode to the declared element type, and
 * concurrent subscribers on both nodes cost one call of the method.
 */
@RedisTest
@Timeout(60)
class SpringReactiveTwoNodesIT {

    public record Product(long id, long categoryId, String name, BigDecimal price) {
    }

    /** The shared "database": counts the subscriptions that reached it; a gate holds them while a test needs it. */
    static final class Database {
        final Map<Long, Product> rows = new ConcurrentHashMap<>();
        final AtomicInteger queries = new AtomicInteger();
        volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

        Mono<Product> find(long id) {
            return Mono.defer(() -> {
                queries.incrementAndGet();
                return Mono.fromFuture(gate).then(Mono.justOrEmpty(rows.get(id)));
            });
        }

        Flux<Product> byCategory(long categoryId) {
            return Flux.defer(() -> {
                queries.incrementAndGet();
                return Flux.fromIterable(rows.values()).filter(p -> p.categoryId() == categoryId).sort((a, b) -> Long.compare(a.id(), b.id()));
            });
        }
    }

    public static class ReactiveProductService {
        private final Database database;

        public ReactiveProductService(Database database) {
            this.database = database;
        }

        @Cached(cache = "products", key = "#id", tags = "'category:' + #result.categoryId()")
        public Mono<Product> find(long id) {
            return database.find(id);
        }

        @Cached(cache = "categories", key = "#categoryId", tags = "'category:' + #categoryId")
        public Flux<Product> byCategory(long categoryId) {
            return database.byCategory(categoryId);
        }

        @Cached(cache = "futures", key = "#id")
        public CompletableFuture<Product> findAsync(long id) {
            return database.find(id).toFuture();
        }
    }

    /** Not a @Configuration, so that the component scan of the other Spring tests in this package skips it. */
    @EnableAutoConfiguration
    static class Node {
        @Bean
        ReactiveProductService reactiveProductService(Database database) {
            return new ReactiveProductService(database);
        }
    }

    private static final Database DATABASE = new Database();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private ReactiveProductService node1;
    private ReactiveProductService node2;

    @BeforeEach
    void start(RedisServer redis, @RedisNamespace String namespace) {
        DATABASE.rows.clear();
        DATABASE.queries.set(0);
        DATABASE.gate = CompletableFuture.completedFuture(null);
        String ns = namespace + "-" + System.nanoTime();
        node1 = node(redis, ns).getBean(ReactiveProductService.class);
        node2 = node(redis, ns).getBean(ReactiveProductService.class);
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
    void mono_loadedOnOneNode_isAnL2HitOnTheOther_withItsExactType() {
        DATABASE.rows.put(1L, new Product(1, 7, "mug", new BigDecimal("29.90")));
        assertThat(node1.find(1).block(Duration.ofSeconds(10))).isEqualTo(new Product(1, 7, "mug", new BigDecimal("29.90")));
        Product fromL2 = node2.find(1).block(Duration.ofSeconds(10));
        assertThat(fromL2).isEqualTo(new Product(1, 7, "mug", new BigDecimal("29.90")));
        assertThat(fromL2.price().scale()).isEqualTo(2);
        assertThat(DATABASE.queries).hasValue(1);
    }

    @Test
    void emptyMono_isACachedNull_onBothNodes() {
        assertThat(node1.find(404).blockOptional(Duration.ofSeconds(10))).isEmpty();
        assertThat(node2.find(404).blockOptional(Duration.ofSeconds(10))).isEmpty();
        assertThat(node1.find(404).blockOptional(Duration.ofSeconds(10))).isEmpty();
        assertThat(DATABASE.queries).hasValue(1);
    }

    @Test
    void flux_isCachedAsAList_andTheOtherNodeReplaysItsElementsAsProducts() {
        DATABASE.rows.put(1L, new Product(1, 7, "mug", new BigDecimal("29.90")));
        DATABASE.rows.put(2L, new Product(2, 7, "cup", new BigDecimal("5.00")));
        DATABASE.rows.put(3L, new Product(3, 8, "pot", new BigDecimal("12.50")));
        List<Product> first = node1.byCategory(7).collectList().block(Duration.ofSeconds(10));
        List<Product> fromL2 = node2.byCategory(7).collectList().block(Duration.ofSeconds(10));
        assertThat(first).extracting(Product::name).containsExactly("mug", "cup");
        assertThat(fromL2).hasSize(2).allSatisfy(p -> assertThat(p).isInstanceOf(Product.class));
        assertThat(fromL2).isEqualTo(first);
        assertThat(fromL2.get(1).price()).isEqualTo(new BigDecimal("5.00"));
        assertThat(DATABASE.queries).hasValue(1);
    }

    @Test
    void hundredConcurrentSubscribersOnTwoNodes_cost_oneCallOfTheMethod() throws Exception {
        DATABASE.rows.put(5L, new Product(5, 7, "teapot", new BigDecimal("19.99")));
        CompletableFuture<Void> gate = new CompletableFuture<>();
        DATABASE.gate = gate;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch subscribed = new CountDownLatch(100);
        List<CompletableFuture<Product>> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ReactiveProductService node = i % 2 == 0 ? node1 : node2;
            CompletableFuture<Product> result = new CompletableFuture<>();
            results.add(result);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    node.find(5).subscribe(result::complete, result::completeExceptionally);
                    subscribed.countDown();
                } catch (InterruptedException e) {
                    result.completeExceptionally(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("no subscribe call blocked").isTrue();
        // every subscriber has subscribed while the one load is held at the gate
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(DATABASE.queries).hasValue(1));
        assertThat(results).noneMatch(CompletableFuture::isDone);
        gate.complete(null);
        for (CompletableFuture<Product> result : results) {
            assertThat(result.get(20, TimeUnit.SECONDS).name()).isEqualTo("teapot");
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
        assertThat(DATABASE.queries).as("one call of the method for 100 subscribers on two nodes").hasValue(1);
    }

    @Test
    void completableFuture_loadedOnOneNode_isAnL2HitOnTheOther() throws Exception {
        DATABASE.rows.put(6L, new Product(6, 7, "jug", new BigDecimal("7.10")));
        assertThat(node1.findAsync(6).get(10, TimeUnit.SECONDS).price()).isEqualTo(new BigDecimal("7.10"));
        assertThat(node2.findAsync(6).get(10, TimeUnit.SECONDS)).isEqualTo(new Product(6, 7, "jug", new BigDecimal("7.10")));
        assertThat(DATABASE.queries).hasValue(1);
    }
}
