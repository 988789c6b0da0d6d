/**
 * The {@code lamina} Actuator endpoint: every cache with its effective options and live stats, and the node's
 * bus and remote-tier state. Active when spring-boot-actuator is on the classpath.
 */
package io.lamina.cache.spring.boot.actuate;
