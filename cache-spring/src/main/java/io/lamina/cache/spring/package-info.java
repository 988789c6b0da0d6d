/**
 * Spring integration of Lamina: the {@link io.lamina.cache.spring.Cached}, {@link io.lamina.cache.spring.Invalidate}
 * and {@link io.lamina.cache.spring.InvalidateTags} annotations, the {@link io.lamina.cache.spring.LaminaCacheAdvisor}
 * that applies them, {@link io.lamina.cache.spring.EnableLaminaCaching} for plain Spring, and
 * {@link io.lamina.cache.spring.LaminaCacheManager} for Spring's own {@code @Cacheable}. Spring Boot
 * auto-configuration lives in {@code io.lamina.cache.spring.boot}.
 */
package io.lamina.cache.spring;
