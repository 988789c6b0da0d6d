package io.lamina.cache.tests.redis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@code String} parameter of a {@link RedisTest} class: the namespace of that test class, e.g.
 * {@code t-ProductCacheIT-3f9a1c07}. The same for every method of the class, different for every
 * class (and every run), so test classes sharing one Redis never see each other's keys. It contains
 * only letters, digits, {@code -} and {@code _}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RedisNamespace {
}
