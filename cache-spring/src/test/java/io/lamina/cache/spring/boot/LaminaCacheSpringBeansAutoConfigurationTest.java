package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.LaminaCacheAdvisor;
import io.lamina.cache.spring.LaminaCacheManager;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;

/** The Spring glue beans of {@link LaminaCacheAutoConfiguration}: the advisor with its proxying, and the CacheManager. */
@Timeout(30)
class LaminaCacheSpringBeansAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));

    /** A bean with a cached method; a class without interfaces, proxied by CGLIB. */
    public static class Catalog {
        final AtomicInteger loads = new AtomicInteger();

        @Cached(cache = "products", key = "#id")
        public String find(long id) {
            return "product-" + id + "-" + loads.incrementAndGet();
        }
    }

    @Test
    void advisor_isInfrastructure_andCachedMethodsAreProxied() {
        runner.withBean(Catalog.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LaminaCacheAdvisor.class);
            assertThat(context.getBeanFactory().getBeanDefinition("laminaCacheAdvisor").getRole())
                    .isEqualTo(org.springframework.beans.factory.config.BeanDefinition.ROLE_INFRASTRUCTURE);
            Catalog catalog = context.getBean(Catalog.class);
            assertThat(AopUtils.isAopProxy(catalog)).isTrue();
            assertThat(catalog.find(7)).isEqualTo("product-7-1");
            assertThat(catalog.find(7)).isEqualTo("product-7-1");
            assertThat(context.getBean(CacheTemplate.class).stats("products").loads()).isEqualTo(1);
        });
    }

    @Test
    void advisor_backsOff_whenTheApplicationDefinesOne() {
        runner.withBean("myAdvisor", LaminaCacheAdvisor.class, () -> new LaminaCacheAdvisor(CacheTemplate.builder().build()))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LaminaCacheAdvisor.class);
                    assertThat(context).hasBean("myAdvisor").doesNotHaveBean("laminaCacheAdvisor");
                });
    }

    @Test
    void cacheManager_isLaminas_withTypesFromProperties() {
        runner.withPropertyValues("lamina.cache.cache-manager.types.products=java.lang.String").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheManager.class);
            assertThat(context.getBean("cacheManager")).isInstanceOf(LaminaCacheManager.class);
            CacheManager manager = context.getBean(CacheManager.class);
            assertThat(manager.getCache("products")).isNotNull();
            assertThat(manager.getCache("unknown")).as("no default type").isNull();
            manager.getCache("products").put("k", "v");
            assertThat(manager.getCache("products").get("k", String.class)).isEqualTo("v");
        });
    }

    @Test
    void cacheManager_backsOff_whenTheApplicationDefinesOne() {
        runner.withBean("cacheManager", CacheManager.class, ConcurrentMapCacheManager::new).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CacheManager.class);
            assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
        });
    }
}
