package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * The meters of {@link LaminaCacheMetrics}. Needs micrometer-core on the test classpath; where it is missing (the
 * Boot 4 re-run declares no Micrometer) these are skipped, and
 * {@code LaminaCacheAutoConfigurationTest.withoutMicrometer_noMetricsBean} covers the absence. Micrometer types
 * appear only inside {@link Meters}, so this class loads without Micrometer.
 */
@Timeout(30)
@EnabledIf("micrometerPresent")
class LaminaCacheMetricsAutoConfigurationTest {

    static boolean micrometerPresent() {
        return ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry",
                LaminaCacheMetricsAutoConfigurationTest.class.getClassLoader());
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class))
            .withPropertyValues("lamina.cache.caches.products.ttl=5m");

    @Test
    void meters_areBoundPerDeclaredCache_whenAMeterRegistryBeanExists() {
        Meters.withRegistry(runner).run(context -> {
            assertThat(context).hasNotFailed();
            CacheTemplate template = context.getBean(CacheTemplate.class);
            template.remember("products", 1, String.class, () -> "p1");
            template.remember("products", 1, String.class, () -> "p1");
            template.put("products", 2, "p2");

            assertThat(Meters.count(context, LaminaMeterNames.GETS, "result", "miss")).isEqualTo(1.0);
            assertThat(Meters.count(context, LaminaMeterNames.GETS, "result", "hit")).isEqualTo(1.0);
            assertThat(Meters.count(context, LaminaMeterNames.LOADS, "result", "success")).isEqualTo(1.0);
            assertThat(Meters.count(context, LaminaMeterNames.LOADS, "result", "failure")).isEqualTo(0.0);
            assertThat(Meters.count(context, LaminaMeterNames.PUTS)).isEqualTo(1.0);
            assertThat(Meters.count(context, LaminaMeterNames.EVICTIONS)).isZero();
            assertThat(Meters.count(context, LaminaMeterNames.TIER_GETS, "tier", "l1", "result", "hit")).isEqualTo(1.0);
            assertThat(Meters.count(context, LaminaMeterNames.TIER_GETS, "tier", "l2", "result", "miss")).isEqualTo(1.0);
            assertThat(Meters.loadTimerCount(context)).isEqualTo(1.0);
        });
    }

    @Test
    void noMeters_whenThereIsNoMeterRegistryBean() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(Meters.registryBeans(context)).isZero();
            assertThat(context.getBean(CacheTemplate.class).remember("products", 1, String.class, () -> "p1")).isEqualTo("p1");
        });
    }

    /** Every use of a Micrometer type in this test. */
    static final class Meters {

        static ApplicationContextRunner withRegistry(ApplicationContextRunner runner) {
            return runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
        }

        static double count(ApplicationContext context, String name, String... tags) {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            return registry.get(name).tag("cache", "products").tags(tags).functionCounter().count();
        }

        static double loadTimerCount(ApplicationContext context) {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            return registry.get(LaminaMeterNames.LOAD_DURATION).tag("cache", "products").functionTimer().count();
        }

        static int registryBeans(ApplicationContext context) {
            return context.getBeansOfType(MeterRegistry.class).size();
        }
    }
}
