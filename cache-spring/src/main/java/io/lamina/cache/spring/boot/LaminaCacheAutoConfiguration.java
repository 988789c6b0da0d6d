package io.lamina.cache.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.TypeRef;
import io.lamina.cache.redis.RedisTier;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spring.LaminaCacheAdvisor;
import io.lamina.cache.spring.LaminaCacheManager;
import io.lamina.cache.spring.TransactionAwareCacheTemplate;
import io.lamina.cache.spring.TransactionMode;
import io.lamina.cache.spring.TypeNames;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of Lamina: a {@link CacheTemplate} from {@code lamina.cache.*}, with a Redis tier from
 * {@code lamina.cache.redis.*} or {@code spring.data.redis.*} when cache-redis is on the classpath; the advisor of
 * Lamina's annotations; a Spring {@link CacheManager}; and Micrometer meters when the application has a
 * {@link MeterRegistry}. Every bean backs off when the application defines its
 * own. Uses only APIs common to Spring Boot 3.5, 4.0 and 4.1.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration", // Boot 3
        "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration" }) // Boot 4
@ConditionalOnClass(CacheTemplate.class)
@ConditionalOnProperty(prefix = "lamina.cache", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(LaminaCacheProperties.class)
public class LaminaCacheAutoConfiguration {

    private static final Log LOG = LogFactory.getLog(LaminaCacheAutoConfiguration.class);
    static final String REDIS_TIER_CLASS = "io.lamina.cache.redis.RedisTier";
    static final String TRANSACTIONS_CLASS = "org.springframework.transaction.support.TransactionSynchronizationManager";
    /** The name of the optional {@link java.util.concurrent.Executor} bean the template continues async work on. */
    public static final String EXECUTOR_BEAN = "laminaCacheExecutor";

    /**
     * The template. Uses the application's {@link RemoteTier} bean if it has one (the one built from the Redis
     * properties otherwise); with none, runs with the in-process tier only and says so once at startup.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CacheTemplate cacheTemplate(LaminaCacheProperties properties, ObjectProvider<RemoteTier> remote,
            ObjectProvider<LaminaCacheTemplateCustomizer> customizers, Environment environment, ResourceLoader resourceLoader,
            ObjectProvider<LaminaRedisSettings> settings) {
        BareDurations.check(environment);
        RemoteTier tier = remote.getIfUnique();
        if (tier == null) {
            if (RedisSettingsResolver.isConfigured(Binder.get(environment))
                    && !ClassUtils.isPresent(REDIS_TIER_CLASS, resourceLoader.getClassLoader())) {
                LOG.warn("Lamina cache: Redis is configured but io.lamina:cache-redis is not on the classpath;"
                        + " running with the in-process tier only");
            } else {
                LOG.info("Lamina cache: no Redis configured (lamina.cache.redis.* or spring.data.redis.*);"
                        + " running with the in-process tier only");
            }
        }
        CacheTemplate template = TemplateFromProperties.build(properties, tier, customizers.orderedStream().toList());
        if (tier != null) {
            LaminaRedisSettings s = settings.getIfAvailable();
            LOG.info("Lamina cache: tiers L1 (in-process) + L2 Redis, " + (s == null
                    ? "the application's RemoteTier bean (" + tier.getClass().getName() + ")"
                    : io.lamina.cache.spring.boot.health.Topology.describe(s) + " from " + s.source())
                    + "; namespace '" + template.namespace() + "'");
        }
        return ClassUtils.isPresent(TRANSACTIONS_CLASS, resourceLoader.getClassLoader())
                ? TransactionAwareCacheTemplate.wrap(template, properties.getTransactionAware()) : template;
    }

    /** The Redis tier, when cache-redis is present, Redis is configured and the application has no tier or template. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = REDIS_TIER_CLASS)
    @ConditionalOnMissingBean({ CacheTemplate.class, RemoteTier.class })
    @Conditional(RedisConfigured.class)
    static class RedisTierConfiguration {

        @Bean
        LaminaRedisSettings laminaRedisSettings(LaminaCacheProperties properties, Environment environment) {
            BareDurations.check(environment);
            return RedisSettingsResolver.resolve(properties.getRedis(), Binder.get(environment))
                    .orElseThrow(() -> new IllegalStateException("Redis settings vanished after the condition matched"));
        }

        /** Closed by the template too; closing twice is a no-op. */
        @Bean(destroyMethod = "close")
        RedisTier laminaRedisTier(LaminaRedisSettings settings) {
            return RedisTierFactory.build(settings);
        }
    }

    /**
     * The advisor behind {@code @Cached}, {@code @Invalidate} and {@code @InvalidateTags}, and an auto-proxy creator.
     * Backs off when the application has its own advisor (for example from {@code @EnableLaminaCaching}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.lamina.cache.spring.LaminaCacheAdvisor")
    @ConditionalOnMissingBean(LaminaCacheAdvisor.class)
    @Import(AutoProxyRegistrar.class)
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static class AdvisorConfiguration {

        /** Looks the template up on the first intercepted call, so proxying beans does not create it early. */
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static LaminaCacheAdvisor laminaCacheAdvisor(ObjectProvider<CacheTemplate> template, Environment environment) {
            LaminaCacheAdvisor advisor = new LaminaCacheAdvisor(template::getObject);
            advisor.setTransactionMode(Binder.get(environment).bind(TemplateFromProperties.PREFIX + ".transaction-aware",
                    TransactionMode.class).orElse(TransactionMode.BOTH));
            return advisor;
        }
    }

    /**
     * Spring's {@code CacheManager} over the template, so {@code @Cacheable} code uses Lamina; value types come from
     * {@code lamina.cache.cache-manager.*}. A good neighbour: registered only when the application has no
     * {@code CacheManager} bean of its own, has not chosen a Spring cache provider with {@code spring.cache.type}
     * (any value, {@code none} included), and has not set {@code lamina.cache.cache-manager.enabled=false}. This
     * auto-configuration runs before Boot's cache auto-configuration, so when it registers its manager, Boot's
     * provider detection backs off, as it does for any application-defined manager.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.lamina.cache.spring.LaminaCacheManager")
    @ConditionalOnProperty(prefix = "lamina.cache.cache-manager", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    @Conditional(NoSpringCacheTypeChosen.class)
    static class CacheManagerConfiguration {

        @Bean
        @ConditionalOnMissingBean(CacheManager.class)
        LaminaCacheManager cacheManager(CacheTemplate template, LaminaCacheProperties properties, ResourceLoader resourceLoader) {
            LaminaCacheProperties.CacheManager config = properties.getCacheManager();
            LaminaCacheManager.Builder builder = LaminaCacheManager.builder(template);
            ClassLoader loader = resourceLoader.getClassLoader();
            config.getTypes().forEach((name, type) -> TemplateFromProperties.apply(
                    "lamina.cache.cache-manager.types." + name, () -> builder.cache(name, TypeNames.parse(type, loader))));
            if (config.getDefaultType() != null) {
                TemplateFromProperties.apply("lamina.cache.cache-manager.default-type",
                        () -> builder.defaultType(TypeRef.of(TypeNames.parse(config.getDefaultType(), loader))));
            }
            return builder.build();
        }
    }

    /**
     * Lamina's meters (see {@code LaminaMeterNames}) on the application's {@link MeterRegistry}, when Micrometer is on
     * the classpath and there is exactly one registry (or a primary one). Boot's common tags
     * ({@code management.metrics.tags.*}) apply as to any meter.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {

        @Bean
        LaminaCacheTemplateCustomizer laminaMeterRegistryCustomizer(ObjectProvider<MeterRegistry> registries) {
            return builder -> {
                MeterRegistry registry = registries.getIfUnique();
                if (registry != null) {
                    builder.meterRegistry(registry);
                }
            };
        }
    }

    /**
     * The executor a bean named {@value #EXECUTOR_BEAN} gives ({@code CacheTemplateBuilder.executor}): where
     * {@code rememberAsync} (and {@code @Cached} methods returning a {@code CompletableFuture}, {@code Mono} or
     * {@code Flux}) invoke their loaders and complete their futures once a Redis reply arrives. Without it, the
     * common fork-join pool.
     */
    @Configuration(proxyBeanMethods = false)
    static class ExecutorConfiguration {

        @Bean
        LaminaCacheTemplateCustomizer laminaExecutorCustomizer(org.springframework.beans.factory.ListableBeanFactory beans) {
            return builder -> {
                if (beans.containsBean(EXECUTOR_BEAN)) {
                    builder.executor(beans.getBean(EXECUTOR_BEAN, java.util.concurrent.Executor.class));
                }
            };
        }
    }

    /**
     * The codec from the application's Jackson 2 {@code ObjectMapper} bean ({@code lamina.cache.codec.*}); without a
     * unique one, Lamina's own mapper. A Jackson 3 mapper (Boot 4's default) is not used: Lamina's codec is Jackson 2.
     */
    @Configuration(proxyBeanMethods = false)
    static class CodecConfiguration {

        @Bean
        LaminaCacheTemplateCustomizer laminaCodecCustomizer(ObjectProvider<ObjectMapper> mappers, LaminaCacheProperties properties) {
            LaminaCacheProperties.Codec codec = properties.getCodec();
            if (codec.getMaxBytes() <= 0) {
                throw new IllegalArgumentException("lamina.cache.codec.max-bytes must be positive, got " + codec.getMaxBytes());
            }
            if (codec.getMaxDepth() <= 0) {
                throw new IllegalArgumentException("lamina.cache.codec.max-depth must be positive, got " + codec.getMaxDepth());
            }
            return new ApplicationObjectMapperCodec(codec.isApplicationObjectMapper() ? mappers::getIfUnique : () -> null,
                    codec.getMaxBytes(), codec.getMaxDepth());
        }
    }

    /** Matches when {@code spring.cache.type} is unset: the application has not picked a Spring cache provider. */
    static final class NoSpringCacheTypeChosen implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String type = context.getEnvironment().getProperty("spring.cache.type");
            return type == null || type.isBlank();
        }
    }

    /** Matches when lamina.cache.redis.* or spring.data.redis.* names a Redis. */
    static final class RedisConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return RedisSettingsResolver.isConfigured(Binder.get(context.getEnvironment()));
        }
    }
}
