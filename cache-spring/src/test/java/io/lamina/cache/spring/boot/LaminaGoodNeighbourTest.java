package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spring.LaminaCacheAdvisor;
import io.lamina.cache.spring.LaminaCacheManager;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCache;
import org.springframework.data.redis.cache.RedisCacheManager;

/**
 * Lamina next to an application's own Spring Cache: one test per condition of the CacheManager registration rule
 * (no application CacheManager, spring.cache.type unset, lamina.cache.cache-manager.enabled not false) and of
 * lamina.cache.enabled. Nothing here talks to Redis: cache resolution fails before any I/O when it fails.
 */
@Timeout(30)
class LaminaGoodNeighbourTest {

    /** An application that used Spring Cache before it added Lamina. */
    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class LegacyApp {
        @Bean
        LegacyService legacyService() {
            return new LegacyService();
        }
    }

    public static class LegacyService {
        private final java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();

        public int queries() {
            return queries.get();
        }

        @Cacheable("legacy")
        public String find(long id) {
            queries.incrementAndGet();
            return "row-" + id;
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class))
            .withConfiguration(BootClasses.autoConfigurations(BootClasses.CACHE_AUTO_CONFIGURATION))
            .withUserConfiguration(LegacyApp.class);

    @Test
    void springCacheTypeRedis_withDataRedis_keepsTheApplicationsRedisCacheManager_andItsLegacyCache() {
        runner.withConfiguration(BootClasses.autoConfigurations(BootClasses.DATA_REDIS_AUTO_CONFIGURATION))
                .withPropertyValues("spring.cache.type=redis", "spring.data.redis.port=1",
                        "lamina.cache.defaults.lock-wait=200ms")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CacheManager.class)
                            .doesNotHaveBean(LaminaCacheManager.class);
                    CacheManager manager = context.getBean(CacheManager.class);
                    assertThat(manager).isInstanceOf(RedisCacheManager.class);
                    assertThat(manager.getCache("legacy")).as("the existing @Cacheable(\"legacy\") still resolves")
                            .isInstanceOf(RedisCache.class);
                    assertThat(context).as("Lamina itself is still there, on the same Redis settings")
                            .hasSingleBean(CacheTemplate.class).hasSingleBean(LaminaRedisSettings.class);
                });
    }

    @Test
    void springCacheTypeSimple_keepsBootsManager() {
        runner.withPropertyValues("spring.cache.type=simple").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheManager.class).doesNotHaveBean(LaminaCacheManager.class);
            assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
            assertThat(context.getBean(LegacyService.class).find(1)).isEqualTo("row-1");
        });
    }

    @Test
    void applicationCacheManagerBean_isKept() {
        runner.withBean("appCacheManager", CacheManager.class, () -> new ConcurrentMapCacheManager("legacy"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CacheManager.class).hasBean("appCacheManager");
                    assertThat(context.getBean(LegacyService.class).find(2)).isEqualTo("row-2");
                });
    }

    @Test
    void noChoiceMade_laminasManagerServesSpringCache_andBootsDetectionBacksOff() {
        runner.withPropertyValues("lamina.cache.cache-manager.types.legacy=java.lang.String").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheManager.class);
            assertThat(context.getBean(CacheManager.class)).isInstanceOf(LaminaCacheManager.class);
            LegacyService service = context.getBean(LegacyService.class);
            assertThat(service.find(3)).isEqualTo("row-3");
            assertThat(service.find(3)).isEqualTo("row-3");
            assertThat(service.queries()).as("the second call is a hit").isEqualTo(1);
            assertThat(context.getBean(CacheTemplate.class).stats("legacy").puts()).isEqualTo(1);
        });
    }

    @Test
    void cacheManagerDisabled_keepsTheTemplate_andLeavesSpringCacheToBoot() {
        runner.withPropertyValues("lamina.cache.cache-manager.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheTemplate.class).hasSingleBean(CacheManager.class)
                    .doesNotHaveBean(LaminaCacheManager.class);
            assertThat(context.getBean(CacheManager.class).getClass().getName()).as("Boot's own detection, not Redisson's"
                    + " JCache provider (Lamina excludes Redisson's cache-api)").doesNotContain("jcache");
            assertThat(context.getBean(LegacyService.class).find(4)).isEqualTo("row-4");
        });
    }

    @Test
    void laminaDisabled_turnsEverythingOff_andStartupSucceeds() {
        runner.withConfiguration(AutoConfigurations.of(
                        io.lamina.cache.spring.boot.actuate.LaminaCacheEndpointAutoConfiguration.class))
                .withPropertyValues("lamina.cache.enabled=false", "lamina.cache.redis.url=redis://127.0.0.1:1")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(CacheTemplate.class)
                            .doesNotHaveBean(LaminaCacheAdvisor.class).doesNotHaveBean(LaminaCacheManager.class)
                            .doesNotHaveBean(LaminaRedisSettings.class)
                            .doesNotHaveBean(io.lamina.cache.spring.boot.actuate.LaminaCacheEndpoint.class);
                    assertThat(context.getBean(LegacyService.class).find(5)).isEqualTo("row-5");
                });
    }

    @Test
    void laminaEnabledTrue_isAKnownProperty() {
        runner.withPropertyValues("lamina.cache.enabled=true", "lamina.cache.cache-manager.types.legacy=java.lang.String").run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(CacheTemplate.class));
    }

    @Test
    @SuppressWarnings("unchecked")
    void laminasCaches_showInActuatorCaches_whenItsManagerIsInUse() throws Exception {
        runner.withConfiguration(BootClasses.autoConfigurations(BootClasses.CACHES_ENDPOINT_AUTO_CONFIGURATION))
                .withPropertyValues("lamina.cache.cache-manager.types.legacy=java.lang.String",
                        "lamina.cache.cache-manager.types.products=java.lang.String",
                        "management.endpoints.web.exposure.include=caches")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Object endpoint = context.getBean(BootClasses.load(BootClasses.CACHES_ENDPOINT));
                    Object descriptor = endpoint.getClass().getMethod("caches").invoke(endpoint);
                    Map<Object, Object> managers = (Map<Object, Object>) invoke(descriptor, "getCacheManagers");
                    assertThat(managers).containsOnlyKeys("cacheManager");
                    Map<Object, Object> caches = (Map<Object, Object>) invoke(managers.get("cacheManager"), "getCaches");
                    assertThat(caches).containsOnlyKeys("legacy", "products");
                });
    }

    private static Object invoke(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }
}
