package io.lamina.cache.spring.boot;

import io.lamina.cache.CacheTemplateBuilder;

/**
 * Customizes the {@link CacheTemplateBuilder} of the auto-configured template after the {@code lamina.cache.*}
 * properties are applied and before it is built. Every such bean is applied, in {@code @Order}. The auto-configuration
 * contributes one itself that binds the application's {@code MeterRegistry}.
 */
@FunctionalInterface
public interface LaminaCacheTemplateCustomizer {

    /** Adjusts {@code builder}; called once, on the thread that creates the template bean. */
    void customize(CacheTemplateBuilder builder);
}
