package io.lamina.cache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Invalidates every entry carrying one of the given tags, in every cache and on every node, when the
 * method returns normally (or before it runs, with {@link #beforeInvocation()}).
 *
 * <pre>{@code
 * @InvalidateTags("'category:' + #product.categoryId")
 * public void update(Product product) { ... }
 * }</pre>
 *
 * <p>Expressions follow {@link Cached}'s rules; {@code #result} is bound after the call. Each gives a
 * String or a Collection of Strings; null is ignored. Like {@link Cached}, self-invocation is not intercepted.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface InvalidateTags {

    /** SpEL expressions giving the tags. At least one. */
    String[] value();

    /** Invalidate before the method runs, whatever its outcome. */
    boolean beforeInvocation() default false;
}
