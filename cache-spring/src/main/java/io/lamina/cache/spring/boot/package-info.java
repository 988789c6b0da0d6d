/**
 * Spring Boot auto-configuration of Lamina: {@link io.lamina.cache.spring.boot.LaminaCacheProperties} bound from
 * {@code lamina.cache.*}, a {@link io.lamina.cache.CacheTemplate} with its Redis tier (from {@code lamina.cache.redis.*}
 * or Spring Boot's {@code spring.data.redis.*}), the annotation advisor, the Spring {@code CacheManager} and the
 * Micrometer meters. Works on Spring Boot 3.5, 4.0 and 4.1.
 */
package io.lamina.cache.spring.boot;
