package io.lamina.cache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Removes one key of one cache, from every tier and node, when the method returns normally (or before it
 * runs, with {@link #beforeInvocation()}). Repeatable.
 *
 * <pre>{@code
 * @Invalidate(cache = "products", key = "#product.id")
 * public void update(Product product) { ... }
 * }</pre>
 *
 * <p>Expressions and the default key follow {@link Cached}'s rules; {@code #result} is bound after the
 * call. Like {@link Cached}, self-invocation is not intercepted.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(Invalidate.List.class)
public @interface Invalidate {

    /** The Lamina cache name; must not be blank. */
    String cache();

    /** SpEL for the key; empty: the same default as {@link Cached#key()}. */
    String key() default "";

    /** Invalidate before the method runs, whatever its outcome. */
    boolean beforeInvocation() default false;

    /** Container of repeated {@link Invalidate} annotations. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {

        /** The repeated annotations. */
        Invalidate[] value();
    }
}
