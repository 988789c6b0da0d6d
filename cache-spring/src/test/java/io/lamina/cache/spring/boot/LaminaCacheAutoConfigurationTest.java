package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.RemoteTier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** One test per condition of {@link LaminaCacheAutoConfiguration}. Redis URLs point where nothing listens. */
@Timeout(30)
@ExtendWith(OutputCaptureExtension.class)
class LaminaCacheAutoConfigurationTest {

    private static final String NO_REDIS_LINE = "Lamina cache: no Redis configured (lamina.cache.redis.* or "
            + "spring.data.redis.*); running with the in-process tier only";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));

    @Test
    void template_isBuiltFromProperties_withNamespaceDefaultsAndPerCacheOptions() {
        runner.withPropertyValues(
                "lamina.cache.namespace=shop",
                "lamina.cache.require-declared-caches=true",
                "lamina.cache.defaults.cache-nulls=false",
                "lamina.cache.caches.products.ttl=30m",
                "lamina.cache.caches.products.cache-nulls=true",
                "lamina.cache.caches.orders.null-ttl=10s").run(context -> {
                    assertThat(context).hasNotFailed();
                    CacheTemplate template = context.getBean(CacheTemplate.class);
                    assertThat(template.namespace()).isEqualTo("shop");
                    assertThat(template.cacheNames()).containsExactlyInAnyOrder("products", "orders");

                    AtomicInteger productLoads = new AtomicInteger();
                    template.remember("products", 1, String.class, () -> { productLoads.incrementAndGet(); return null; });
                    template.remember("products", 1, String.class, () -> { productLoads.incrementAndGet(); return null; });
                    assertThat(productLoads).as("products caches nulls (its own option)").hasValue(1);

                    AtomicInteger orderLoads = new AtomicInteger();
                    template.remember("orders", 1, String.class, () -> { orderLoads.incrementAndGet(); return null; });
                    template.remember("orders", 1, String.class, () -> { orderLoads.incrementAndGet(); return null; });
                    assertThat(orderLoads).as("orders inherits cache-nulls=false from the defaults").hasValue(2);

                    assertThatThrownBy(() -> template.remember("undeclared", 1, String.class, () -> "x"))
                            .isInstanceOf(IllegalArgumentException.class);
                });
    }

    @Test
    void template_backsOff_whenTheApplicationDefinesOne() {
        runner.withPropertyValues("lamina.cache.namespace=auto", "lamina.cache.redis.url=redis://127.0.0.1:1")
                .withBean(CacheTemplate.class, () -> CacheTemplate.builder().namespace("mine").build())
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CacheTemplate.class);
                    assertThat(context.getBean(CacheTemplate.class).namespace()).isEqualTo("mine");
                    assertThat(context).doesNotHaveBean(RemoteTier.class).doesNotHaveBean(LaminaRedisSettings.class);
                });
    }

    @Test
    void noRedisConfigured_runsL1Only_andSaysSoOnce(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheTemplate.class).doesNotHaveBean(RemoteTier.class);
            CacheTemplate template = context.getBean(CacheTemplate.class);
            AtomicInteger loads = new AtomicInteger();
            assertThat(template.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
            assertThat(template.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        });
        assertThat(output.getAll().split(java.util.regex.Pattern.quote(NO_REDIS_LINE), -1)).hasSize(2);
    }

    @Test
    void laminaRedisUrl_buildsTheRedisTier_andStartsWithRedisDown() {
        runner.withPropertyValues("lamina.cache.redis.url=redis://127.0.0.1:1",
                "lamina.cache.redis.command-timeout=200ms", "lamina.cache.redis.connect-timeout=200ms",
                "lamina.cache.defaults.lock-wait=200ms").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RedisTier.class);
                    LaminaRedisSettings settings = context.getBean(LaminaRedisSettings.class);
                    assertThat(settings.source()).isEqualTo("lamina.cache.redis.url");
                    assertThat(settings.uris()).containsExactly("redis://127.0.0.1:1");
                    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMillis(200));
                    assertRemembers(context);
                });
    }

    @Test
    void redisTier_isAnnouncedByOneInfoLine_namingTiersAndTopology_withoutCredentials(CapturedOutput output) {
        runner.withPropertyValues("lamina.cache.namespace=shop", "lamina.cache.redis.url=redis://app:s3cret@127.0.0.1:1/2",
                "lamina.cache.redis.connect-timeout=200ms").run(context -> assertThat(context).hasNotFailed());
        String line = "Lamina cache: tiers L1 (in-process) + L2 Redis, standalone 127.0.0.1:1/2 from lamina.cache.redis.url;"
                + " namespace 'shop'";
        assertThat(output.getAll().split(java.util.regex.Pattern.quote(line), -1)).hasSize(2);
        assertThat(output.getAll()).doesNotContain("s3cret");
    }

    @Test
    void springDataRedisHostAndPort_areUsed_whenLaminasOwnAreAbsent() {
        runner.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1",
                "spring.data.redis.database=2", "spring.data.redis.username=app", "spring.data.redis.password=secret",
                "spring.data.redis.timeout=300ms", "lamina.cache.defaults.lock-wait=200ms").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(RedisTier.class);
                    LaminaRedisSettings settings = context.getBean(LaminaRedisSettings.class);
                    assertThat(settings.source()).isEqualTo("spring.data.redis.host");
                    assertThat(settings.uris()).containsExactly("redis://127.0.0.1:1/2");
                    assertThat(settings.username()).isEqualTo("app");
                    assertThat(settings.password()).isEqualTo("secret");
                    assertThat(settings.toString()).doesNotContain("secret");
                    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMillis(300));
                    assertRemembers(context);
                });
    }

    @Test
    void redisConfigured_withoutCacheRedisOnTheClasspath_runsL1Only_andWarns(CapturedOutput output) {
        runner.withClassLoader(new FilteredClassLoader(RedisTier.class))
                .withPropertyValues("lamina.cache.redis.url=redis://127.0.0.1:1").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CacheTemplate.class)
                            .doesNotHaveBean(LaminaRedisSettings.class);
                    assertThat(context.getBean(CacheTemplate.class).remember("c", 1, String.class, () -> "v")).isEqualTo("v");
                });
        assertThat(output.getAll()).contains("Redis is configured but io.lamina:cache-redis is not on the classpath")
                .doesNotContain(NO_REDIS_LINE);
    }

    @Test
    void unknownProperty_failsStartup_namingIt() {
        runner.withPropertyValues("lamina.cache.defaults.ttll=1m").run(context ->
                assertThat(messages(context)).contains("lamina.cache.defaults.ttll"));
    }

    @Test
    void negativeDuration_failsStartup_namingTheProperty() {
        runner.withPropertyValues("lamina.cache.caches.products.ttl=-1s").run(context ->
                assertThat(messages(context)).contains("lamina.cache.caches.products.ttl must be positive, got PT-1S"));
    }

    @Test
    void malformedRedisUrl_failsStartup_namingTheProperty() {
        runner.withPropertyValues("lamina.cache.redis.url=redis://").run(context ->
                assertThat(messages(context)).contains("lamina.cache.redis.url is invalid").contains("malformed Redis URI"));
    }

    @Test
    void withoutMicrometer_noMetricsBean() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheTemplate.class);
            assertThat(context.containsBean("laminaMeterRegistryCustomizer")).isFalse();
            assertRemembers(context);
        });
    }

    private static void assertRemembers(AssertableApplicationContext context) {
        CacheTemplate template = context.getBean(CacheTemplate.class);
        AtomicInteger loads = new AtomicInteger();
        assertThat(template.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        assertThat(template.remember("c", "k", String.class, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
        assertThat(loads).hasValue(1);
    }

    /** Every message in the startup failure's cause chain, one per line. */
    static String messages(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        StringBuilder all = new StringBuilder();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

}
