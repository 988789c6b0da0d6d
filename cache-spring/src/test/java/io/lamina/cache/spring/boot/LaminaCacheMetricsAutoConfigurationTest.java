package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.LaminaMeterNames;
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
 * The meters the auto-configuration binds through its {@link LaminaCacheTemplateCustomizer}. Needs micrometer-core on the test classpath; where it is missing (the
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
            assertThat(Meters.count(context, LaminaMeterNames.TIER_GETS, "tier", "l1", "result", "miss")).isEqualTo(1.0);
            assertThat(Meters.loadTimerCount(context)).isEqualTo(1.0);
            assertThat(Meters.namespaceTag(context)).isEqualTo("lamina");
        });
    }

    @Test
    void withBootsMetricsAutoConfiguration_laminasMetersCarryTheCommonTags() {
        Class<?>[] bootMetrics = loadable(
                "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration");
        if (bootMetrics == null) {   // Boot 4 moved them to its own module, spring-boot-micrometer-metrics
            bootMetrics = loadable(
                    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration");
        }
        assertThat(bootMetrics).as("Boot's metrics auto-configuration is on every tested Boot's class path").isNotNull();
        runner.withConfiguration(AutoConfigurations.of(bootMetrics))
                .withPropertyValues("management.metrics.tags.application=shop-api").run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(CacheTemplate.class).remember("products", 1, String.class, () -> "p1");
                    assertThat(Meters.count(context, LaminaMeterNames.GETS, "result", "miss", "application", "shop-api"))
                            .isEqualTo(1.0);
                });
    }

    private static Class<?>[] loadable(String... names) {
        Class<?>[] classes = new Class<?>[names.length];
        for (int i = 0; i < names.length; i++) {
            if (!ClassUtils.isPresent(names[i], LaminaCacheMetricsAutoConfigurationTest.class.getClassLoader())) {
                return null;
            }
            classes[i] = ClassUtils.resolveClassName(names[i], LaminaCacheMetricsAutoConfigurationTest.class.getClassLoader());
        }
        return classes;
    }

    @Test
    void aCacheFirstUsedAfterStartup_isPublishedToo() {
        Meters.withRegistry(runner).run(context -> {
            CacheTemplate template = context.getBean(CacheTemplate.class);
            template.remember("late", 1, String.class, () -> "x");
            assertThat(Meters.countOf(context, "late", LaminaMeterNames.GETS, "result", "miss")).isEqualTo(1.0);
        });
    }

    @Test
    void theApplicationsOwnCustomizers_runAfterTheProperties() {
        Meters.withRegistry(runner).withBean(LaminaCacheTemplateCustomizer.class,
                () -> builder -> builder.cache("fromCustomizer")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CacheTemplate.class).cacheNames()).contains("products", "fromCustomizer");
            assertThat(Meters.countOf(context, "fromCustomizer", LaminaMeterNames.GETS, "result", "hit")).isZero();
        });
    }

    @Test
    void closingTheContext_removesTheMeters() {
        Meters.withRegistry(runner).run(context -> {
            MeterRegistryHolder.keep(context);
            assertThat(MeterRegistryHolder.meters()).isPositive();
        });
        assertThat(MeterRegistryHolder.meters()).isZero();
    }

    /** Keeps the registry of a closed context to look at afterwards (Micrometer types stay inside {@link Meters}). */
    static final class MeterRegistryHolder {
        private static Object registry;

        static void keep(ApplicationContext context) {
            registry = Meters.registry(context);
        }

        static int meters() {
            return Meters.size(registry);
        }
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
            return countOf(context, "products", name, tags);
        }

        static double countOf(ApplicationContext context, String cache, String name, String... tags) {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            return registry.get(name).tag("cache", cache).tags(tags).functionCounter().count();
        }

        static String namespaceTag(ApplicationContext context) {
            return context.getBean(MeterRegistry.class).get(LaminaMeterNames.GETS).tag("cache", "products").meter().getId()
                    .getTag(LaminaMeterNames.TAG_NAMESPACE);
        }

        static Object registry(ApplicationContext context) {
            return context.getBean(MeterRegistry.class);
        }

        static int size(Object registry) {
            return (int) ((MeterRegistry) registry).getMeters().stream()
                    .filter(m -> m.getId().getName().startsWith("cache.") || m.getId().getName().startsWith("lamina.")).count();
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
