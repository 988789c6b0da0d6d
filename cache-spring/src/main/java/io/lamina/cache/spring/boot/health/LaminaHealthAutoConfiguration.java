package io.lamina.cache.spring.boot.health;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spring.boot.LaminaCacheAutoConfiguration;
import io.lamina.cache.spring.boot.LaminaCacheProperties;
import io.lamina.cache.spring.boot.LaminaRedisSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code lamina} health contributor, when the application has Boot's health support (spring-boot-actuator on Boot
 * 3, spring-boot-health on Boot 4) and a {@link CacheTemplate}. Off with {@code management.health.lamina.enabled=false};
 * the status when Redis is not usable is {@code lamina.cache.health.not-up-status} (default {@code DEGRADED}, which
 * leaves the application UP). Backs off when the application defines a bean named {@code laminaHealthIndicator}.
 */
@AutoConfiguration(after = LaminaCacheAutoConfiguration.class)
@ConditionalOnProperty(prefix = "management.health.lamina", name = "enabled", havingValue = "true", matchIfMissing = true)
public class LaminaHealthAutoConfiguration {

    static final String BOOT4_INDICATOR = "org.springframework.boot.health.contributor.HealthIndicator";
    static final String BOOT3_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";

    static LaminaHealth health(CacheTemplate template, ObjectProvider<RemoteTier> tier,
            ObjectProvider<LaminaRedisSettings> settings, ObjectProvider<LaminaCacheProperties> properties) {
        LaminaRedisSettings s = settings.getIfAvailable();
        LaminaCacheProperties p = properties.getIfAvailable();
        String status = p == null ? "DEGRADED" : p.getHealth().getNotUpStatus();
        return new LaminaHealth(template, tier.getIfUnique(), s == null ? null : Topology.describe(s), status);
    }

    /** Boot 4: health lives in spring-boot-health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT4_INDICATOR)
    @ConditionalOnBean(CacheTemplate.class)
    static class Boot4 {
        @Bean
        @ConditionalOnMissingBean(name = "laminaHealthIndicator")
        LaminaBoot4HealthIndicator laminaHealthIndicator(CacheTemplate template, ObjectProvider<RemoteTier> tier,
                ObjectProvider<LaminaRedisSettings> settings, ObjectProvider<LaminaCacheProperties> properties) {
            return new LaminaBoot4HealthIndicator(health(template, tier, settings, properties));
        }
    }

    /** Boot 3: health lives in spring-boot-actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT3_INDICATOR)
    @ConditionalOnMissingClass(BOOT4_INDICATOR)
    @ConditionalOnBean(CacheTemplate.class)
    static class Boot3 {
        @Bean
        @ConditionalOnMissingBean(name = "laminaHealthIndicator")
        LaminaHealthIndicator laminaHealthIndicator(CacheTemplate template, ObjectProvider<RemoteTier> tier,
                ObjectProvider<LaminaRedisSettings> settings, ObjectProvider<LaminaCacheProperties> properties) {
            return new LaminaHealthIndicator(health(template, tier, settings, properties));
        }
    }
}
