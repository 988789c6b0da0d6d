package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.tests.redis.OwnedRedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The lamina health contributor on real Redis servers this test owns: UP with details while Redis answers, DEGRADED
 * (not DOWN) with the reason once the test kills it, and authentication failures named as such, in the health reason
 * and in the log. Runs on every supported Boot line (cache-spring-boot4*-tests re-run it).
 */
@Timeout(60)
class LaminaHealthIT {

    /** Auto-configuration only: no component scan, which would pick up the other tests' applications. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final List<OwnedRedisServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
        servers.forEach(OwnedRedisServer::close);
    }

    private ConfigurableApplicationContext app(String... properties) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "lamina.cache.namespace=health-" + System.nanoTime(),
                        "lamina.cache.redis.command-timeout=300ms", "lamina.cache.redis.connect-timeout=300ms",
                        "lamina.cache.defaults.lock-wait=300ms")
                .properties(properties).run();
        contexts.add(context);
        return context;
    }

    private OwnedRedisServer server() {
        OwnedRedisServer server = RedisServers.startOwned();
        servers.add(server);
        return server;
    }

    @Test
    void up_withDetails_whileRedisAnswers_thenDegradedWithTheReason_onceRedisIsKilled() throws Exception {
        OwnedRedisServer redis = server();
        ConfigurableApplicationContext context = app("lamina.cache.redis.url=" + redis.uri());
        Object indicator = context.getBean("laminaHealthIndicator");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(indicator)).isEqualTo("UP"));
        context.getBean(CacheTemplate.class).remember("warm", "k", String.class, () -> "a miss takes the lock");
        Map<String, Object> up = details(indicator);
        assertThat(up).containsEntry("tiers", "L1+L2").containsEntry("topology", "standalone " + redis.host() + ":"
                + redis.port()).containsEntry("breaker", "CLOSED").containsEntry("busHealthy", true).containsKey("pingMillis")
                .containsEntry("lockBreaker", "CLOSED").containsEntry("replayPending", 0L);
        // a breaker per path: the data route, and the lock's apart
        assertThat(up.get("breakers")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("data", "CLOSED").containsEntry("lock@data", "CLOSED");

        redis.stop();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(indicator)).isEqualTo("DEGRADED"));
        assertThat(String.valueOf(details(indicator).get("reason"))).containsAnyOf("unreachable", "did not answer",
                "circuit breaker", "invalidation bus");
        CacheTemplate template = context.getBean(CacheTemplate.class);
        assertThat(template.remember("c", "k", String.class, () -> "served")).as("Lamina still serves").isEqualTo("served");
    }

    @Test
    void wrongPassword_isReportedAsAnAuthenticationFailure_inHealthAndLog() throws Exception {
        OwnedRedisServer redis = server();
        RedisClient admin = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = admin.connect()) {
            connection.sync().configSet("requirepass", "right-password");
        } finally {
            admin.shutdown();
        }
        List<String> lines = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (lines) {
                    lines.add(String.valueOf(record.getMessage()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ConfigurableApplicationContext context = app("lamina.cache.redis.url=redis://" + redis.host() + ":" + redis.port(),
                "lamina.cache.redis.password=wrong-password");
        Logger logger = Logger.getLogger("io.lamina.cache");   // after startup: Boot resets java.util.logging
        logger.addHandler(handler);
        try {
            Object indicator = context.getBean("laminaHealthIndicator");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(status(indicator)).isEqualTo("DEGRADED");
                assertThat(String.valueOf(details(indicator).get("reason"))).contains("authentication failed")
                        .containsAnyOf("WRONGPASS", "NOAUTH");
            });
            assertThat(String.valueOf(details(indicator).get("reason"))).doesNotContain("wrong-password");

            CacheTemplate template = context.getBean(CacheTemplate.class);
            assertThat(template.remember("c", "k", String.class, () -> "served")).isEqualTo("served");
            // failures are logged at most once per 10 s; the first one may be another connect failure (Lettuce, now and
            // then: "RedisHandshakeHandler not registered"), so the authentication failure may come with the next line
            await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                template.invalidate("c", "k");
                assertThat(template.remember("c", "k", String.class, () -> "served")).isEqualTo("served");
                synchronized (lines) {
                    assertThat(lines).anySatisfy(line -> assertThat(line).contains("Redis authentication failed")
                            .containsAnyOf("WRONGPASS", "NOAUTH").doesNotContain("wrong-password"));
                }
            });
        } finally {
            logger.removeHandler(handler);
        }
    }

    static Object health(Object indicator) throws Exception {
        return indicator.getClass().getMethod("health").invoke(indicator);
    }

    static String status(Object indicator) throws Exception {
        Object health = health(indicator);
        Object status = health.getClass().getMethod("getStatus").invoke(health);
        return (String) status.getClass().getMethod("getCode").invoke(status);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> details(Object indicator) throws Exception {
        Object health = health(indicator);
        return (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
    }
}
