package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.Invalidate;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Issue 13, finding 1 in a Spring application: node 1's links to Redis go silent (bytes dropped, no reset) while it
 * runs an {@code @Invalidate}d price update; after the partition heals, both nodes serve the new price within
 * seconds, not after the 10-minute TTL (its invalidation is replayed, and its dead links are reopened).
 */
@RedisTest
@Timeout(90)
class SpringPartitionIT {

    public static class PriceService {
        final Map<String, Long> database;

        public PriceService(Map<String, Long> database) {
            this.database = database;
        }

        @Cached(cache = "prices", key = "#sku", ttl = "10m")
        public Long price(String sku) {
            return database.get(sku);
        }

        @Invalidate(cache = "prices", key = "#sku")
        public void update(String sku, long cents) {
            database.put(sku, cents);
        }
    }

    @SpringBootApplication(proxyBeanMethods = false)
    static class Node {
        @Bean
        PriceService priceService(Map<String, Long> database) {
            return new PriceService(database);
        }
    }

    private final Closer open = new Closer();

    @AfterEach
    void stop() throws Exception {
        open.close();
    }

    private PriceService node(String uri, String namespace, Map<String, Long> database) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Node.class)
                .web(WebApplicationType.NONE)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("database", database))
                .properties("lamina.cache.namespace=" + namespace, "lamina.cache.redis.url=" + uri,
                        "lamina.cache.redis.command-timeout=500ms", "lamina.cache.bus-check-interval=200ms",
                        "spring.main.banner-mode=off")
                .run();
        open.add(context::close);
        return context.getBean(PriceService.class);
    }

    @Test
    void anInvalidatedUpdateDuringASilentPartition_reachesBothNodesSoonAfterItHeals(RedisServer redis,
            @RedisNamespace String namespace) {
        FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        open.add(proxy);
        Map<String, Long> database = new ConcurrentHashMap<>(Map.of("A", 100L));
        PriceService node1 = node(proxy.uri(), namespace, database);
        PriceService node2 = node(redis.uri(), namespace, database);
        await().atMost(Duration.ofSeconds(10)).until(() -> node1.price("A") == 100L && node2.price("A") == 100L);

        proxy.established(FaultProxy.Mode.DROP);   // node 1's links go silent; its invalidation never reaches Redis
        node1.update("A", 250L);
        assertThat(database).containsEntry("A", 250L);
        proxy.established(FaultProxy.Mode.PASS);   // the partition heals

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    assertThat(node2.price("A")).as("node 2").isEqualTo(250L);
                    assertThat(node1.price("A")).as("node 1").isEqualTo(250L);
                });
        PriceService fresh = node(redis.uri(), namespace, database);
        assertThat(fresh.price("A")).as("a node started afterwards").isEqualTo(250L);
    }
}
