/**
 * The {@code lamina} health contributor: {@link io.lamina.cache.spring.boot.health.LaminaHealth} with an adapter for
 * Spring Boot 3 ({@code spring-boot-actuator}) and one for Spring Boot 4 ({@code spring-boot-health}).
 */
package io.lamina.cache.spring.boot.health;
