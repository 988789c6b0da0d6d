package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.tests.redis.ForwardingTier;
import io.lamina.cache.spring.boot.health.LaminaHealth;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Boot starts the Redis tier in the background (issue 15, footprint): the context is up without waiting for Redis,
 * even unreachable, serves from L1 and the loaders meanwhile, and uses L2 once the tier is up; the health says the
 * client is starting while it is.
 */
@Timeout(60)
class BootBackgroundStartIT {

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private ConfigurableApplicationContext app(String... properties) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "lamina.cache.namespace=bg-" + System.nanoTime())
                .properties(properties).run();
        open.add(context);
        return context;
    }

    @Test
    void theContextStarts_withRedisUnreachable_withoutWaitingForConnectTimeouts_andServesFromTheLoader() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        long began = System.nanoTime();
        ConfigurableApplicationContext context = app("lamina.cache.redis.url=redis://127.0.0.1:" + closedPort,
                "lamina.cache.redis.connect-timeout=10s", "lamina.cache.redis.command-timeout=300ms",
                "lamina.cache.defaults.lock-wait=300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("no connect timeout was waited for").isLessThan(Duration.ofSeconds(10));
        assertThat(context.getBean(RedisTier.class)).isNotNull();
        CacheTemplate template = context.getBean(CacheTemplate.class);
        AtomicInteger loads = new AtomicInteger();
        assertThat(template.remember("c", "k", String.class, () -> "loaded " + loads.incrementAndGet())).isEqualTo("loaded 1");
        assertThat(template.remember("c", "k", String.class, () -> "loaded " + loads.incrementAndGet()))
                .as("the second call is an L1 hit").isEqualTo("loaded 1");
        Object indicator = context.getBean("laminaHealthIndicator");
        assertThat(LaminaHealthIT.status(indicator)).isEqualTo("DEGRADED");
    }

    @Test
    void onceTheTierIsUp_entriesGoToRedis_andAnotherNodeIsServedFromIt() throws Exception {
        OwnedRedisServer redis = RedisServers.startOwned();
        open.add(redis);
        String namespace = "bg-shared-" + System.nanoTime();
        ConfigurableApplicationContext a = app("lamina.cache.redis.url=" + redis.uri(), "lamina.cache.namespace=" + namespace);
        ConfigurableApplicationContext b = app("lamina.cache.redis.url=" + redis.uri(), "lamina.cache.namespace=" + namespace);
        RedisTier tier = a.getBean(RedisTier.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !tier.isStarting());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(LaminaHealthIT.status(a.getBean("laminaHealthIndicator"))).isEqualTo("UP"));
        AtomicInteger loads = new AtomicInteger();
        assertThat(a.getBean(CacheTemplate.class).remember("products", "1", String.class, () -> "p" + loads.incrementAndGet()))
                .isEqualTo("p1");
        RedisClient raw = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            assertThat(c.sync().exists(namespace + ":e:{products:1}")).as("the entry is in Redis").isEqualTo(1L);
        } finally {
            raw.shutdown();
        }
        CacheTemplate other = b.getBean(CacheTemplate.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !b.getBean(RedisTier.class).isStarting());
        assertThat(other.remember("products", "1", String.class, () -> "p" + loads.incrementAndGet()))
                .as("served from Redis, not loaded again").isEqualTo("p1");
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void health_saysTheClientIsStarting_whileTheTierIsStarting_thenUp() throws Exception {
        OwnedRedisServer redis = RedisServers.startOwned();
        open.add(redis);
        RedisTier real = RedisTier.create(redis.uri());
        Starting tier = new Starting(real);
        CacheTemplate template = CacheTemplate.builder().namespace("bg-health-" + System.nanoTime()).remote(tier).build();
        open.add(template);
        LaminaHealth health = new LaminaHealth(template, tier, "standalone", "DEGRADED");

        LaminaHealth.Result starting = health.check();
        assertThat(starting.status()).isEqualTo("DEGRADED");
        assertThat(String.valueOf(starting.details().get("reason"))).contains("still starting");

        tier.started.set(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(health.check().status()).isEqualTo("UP"));
    }

    /** A real Redis tier that says it is starting until the test says otherwise. */
    private static final class Starting extends ForwardingTier {
        final AtomicBoolean started = new AtomicBoolean();

        Starting(RemoteTier tier) {
            super(tier);
        }

        @Override
        public boolean isStarting() {
            return !started.get();
        }
    }
}
