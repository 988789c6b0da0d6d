package io.lamina.cache.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spring.boot.LaminaCacheAutoConfiguration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code lamina} Actuator endpoint: one test per condition of its auto-configuration, and what it returns. */
@Timeout(30)
class LaminaCacheEndpointTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class, LaminaCacheEndpointAutoConfiguration.class))
            .withPropertyValues("lamina.cache.namespace=shop", "lamina.cache.caches.products.ttl=30m",
                    "lamina.cache.caches.products.null-ttl=20s", "lamina.cache.caches.products.refresh-ahead=0.8",
                    "lamina.cache.defaults.lock-wait=2s");

    @Test
    void exposed_listsEveryCacheWithItsEffectiveOptionsAndLiveStats() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=lamina").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LaminaCacheEndpoint.class);
            CacheTemplate template = context.getBean(CacheTemplate.class);
            template.remember("products", 1, String.class, () -> "p1");
            template.remember("products", 1, String.class, () -> "p1");
            template.remember("products", 404, String.class, () -> null);

            Map<String, Object> all = context.getBean(LaminaCacheEndpoint.class).caches();
            assertThat(all).containsEntry("namespace", "shop");
            assertThat(section(all, "node")).containsEntry("remote", false).containsEntry("breakerState", "CLOSED");
            Map<String, Object> products = section(section(all, "caches"), "products");
            assertThat(section(products, "options")).containsEntry("ttl", "PT30M").containsEntry("nullTtl", "PT20S")
                    .containsEntry("refreshAhead", 0.8).containsEntry("lockWait", "PT2S")
                    .containsEntry("maximumSize", 10_000L).containsEntry("jitter", "10% of each TTL")
                    .containsEntry("onLockTimeout", "LOAD");
            assertThat(section(products, "stats")).containsEntry("requests", 3L).containsEntry("l1Hits", 1L)
                    .containsEntry("misses", 2L).containsEntry("loadSuccesses", 2L).containsEntry("hitRatio", 1.0 / 3)
                    .doesNotContainKey("l2HitRatio");
        });
    }

    @Test
    void oneCache_bySelector_andAnUnknownOneIsNullWithoutBeingCreated() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=lamina").run(context -> {
            LaminaCacheEndpoint endpoint = context.getBean(LaminaCacheEndpoint.class);
            assertThat(endpoint.cache("products")).containsEntry("name", "products");
            assertThat(endpoint.cache("nope")).isNull();
            assertThat(context.getBean(CacheTemplate.class).cacheNames()).doesNotContain("nope");
        });
    }

    @Test
    void delete_invalidatesTheWholeCache() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=lamina").run(context -> {
            CacheTemplate template = context.getBean(CacheTemplate.class);
            template.remember("products", 1, String.class, () -> "old");
            context.getBean(LaminaCacheEndpoint.class).invalidateAll("products");
            assertThat(template.remember("products", 1, String.class, () -> "new")).isEqualTo("new");
            context.getBean(LaminaCacheEndpoint.class).invalidateAll("nope");
            assertThat(template.cacheNames()).doesNotContain("nope");
        });
    }

    @Test
    void notExposed_noEndpointBean() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LaminaCacheEndpoint.class));
    }

    @Test
    void withoutActuator_noEndpointBean() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=lamina")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LaminaCacheEndpoint.class)
                        .hasSingleBean(CacheTemplate.class));
    }

    @Test
    void theApplicationsOwnEndpoint_winsOverOurs() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=lamina")
                .withBean("myEndpoint", LaminaCacheEndpoint.class, () -> new LaminaCacheEndpoint(
                        CacheTemplate.builder().namespace("mine").build()))
                .run(context -> assertThat(context).hasSingleBean(LaminaCacheEndpoint.class)
                        .getBean(LaminaCacheEndpoint.class).extracting(e -> e.caches().get("namespace")).isEqualTo("mine"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> map, String key) {
        assertThat(map).containsKey(key);
        return (Map<String, Object>) map.get(key);
    }
}
