package io.lamina.cache.spring.boot;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/**
 * Boot's own classes by name, for tests that run on Boot 3.5 and 4.x (whose auto-configurations moved packages):
 * the first candidate present on the classpath is taken.
 */
final class BootClasses {

    static final String[] CACHE_AUTO_CONFIGURATION = {
            "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration",
            "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration" };
    static final String[] DATA_REDIS_AUTO_CONFIGURATION = {
            "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
            "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" };
    static final String[] CACHES_ENDPOINT_AUTO_CONFIGURATION = {
            "org.springframework.boot.actuate.autoconfigure.cache.CachesEndpointAutoConfiguration",
            "org.springframework.boot.cache.autoconfigure.CachesEndpointAutoConfiguration" };
    static final String[] CACHES_ENDPOINT = {
            "org.springframework.boot.actuate.cache.CachesEndpoint",
            "org.springframework.boot.cache.actuate.endpoint.CachesEndpoint" };
    static final String[] HEALTH_CONTRIBUTOR_AUTO_CONFIGURATION = {
            "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration" };

    static final String[] HEALTH_REGISTRY_AUTO_CONFIGURATION = {
            "org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration" };
    static final String[] HEALTH_ENDPOINT_AUTO_CONFIGURATION = {
            "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration",
            "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration" };
    static final String[] HEALTH_ENDPOINT = {
            "org.springframework.boot.actuate.health.HealthEndpoint",
            "org.springframework.boot.health.actuate.endpoint.HealthEndpoint" };

    private BootClasses() {
    }

    static Class<?> load(String... candidates) {
        for (String name : candidates) {
            if (ClassUtils.isPresent(name, BootClasses.class.getClassLoader())) {
                return ClassUtils.resolveClassName(name, BootClasses.class.getClassLoader());
            }
        }
        throw new IllegalStateException("none of " + List.of(candidates) + " is on the classpath");
    }

    static AutoConfigurations autoConfigurations(String[]... candidates) {
        List<Class<?>> classes = new ArrayList<>();
        for (String[] c : candidates) {
            classes.add(load(c));
        }
        return AutoConfigurations.of(classes.toArray(Class<?>[]::new));
    }
}
