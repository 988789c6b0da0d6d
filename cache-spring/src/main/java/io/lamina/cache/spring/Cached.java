package io.lamina.cache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches a method's result in a Lamina cache: the first call of a key runs the method, later calls of the
 * same key get the cached value from L1 or L2; concurrent callers of a cold key share one method call per
 * JVM, and one per cluster while Redis is up.
 *
 * <pre>{@code
 * @Cached(cache = "products", key = "#id", ttl = "30m", tags = "'category:' + #result.categoryId")
 * public Product find(long id) { ... }
 * }</pre>
 *
 * <p><b>Expressions.</b> Every expression is SpEL, parsed once when the bean is proxied; an expression
 * that does not parse, a bad duration or a blank cache name fails the application's startup with a
 * message naming the method. Parameters are {@code #name} (compile with {@code -parameters}),
 * {@code #p0} or {@code #a0}; the root object ({@link LaminaExpressionRoot}) offers {@code #root.args},
 * {@code #root.method}, {@code #root.methodName}, {@code #root.target} and {@code #root.targetClass}.
 * {@code #result} is the method's value: for {@code Optional<T>} the inner value (or null), for
 * {@code CompletableFuture<T>} and {@code Mono<T>} the completed value, for {@code Flux<T>} the list.
 *
 * <p><b>Return types.</b> The value's type is the method's generic return type resolved against the bean
 * class ({@code List<Product>}, {@code Map<String, Product>} ...); it is never read from the stored bytes.
 * {@code Optional<T>} caches {@code T} (an empty optional is cached as null) and is re-wrapped on the way
 * out. {@code CompletableFuture<T>} and {@code CompletionStage<T>} cache {@code T} through
 * {@code rememberAsync}; the caller gets a {@code CompletableFuture}, and a failure of the method (thrown
 * or in its future) completes that future exceptionally. {@code Mono<T>} caches {@code T} (an empty Mono as
 * null) and {@code Flux<T>} caches the collected {@code List<T>}, replayed as a Flux; both through
 * {@code rememberAsync}, looked up on each subscription, the method running only on a miss (needs Reactor).
 * {@code Stream}, {@code Iterator}, other publishers and Kotlin {@code suspend} functions fail startup.
 * Primitive results are boxed.
 *
 * <p><b>Exceptions.</b> The caller sees the method's own exception unchanged, checked or not; nothing is
 * cached for a failure.
 *
 * <p><b>Proxies.</b> Applied by {@link LaminaCacheAdvisor} through a Spring proxy (JDK or CGLIB), so a call
 * from inside the same object ({@code this.find(id)}) is <em>not</em> intercepted and not cached. The
 * annotation works on a class method, on the interface method it implements, and is inherited.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Cached {

    /** The Lamina cache name; must not be blank. */
    String cache();

    /**
     * SpEL for the key. Empty: the single argument itself, {@code List.of(args)} for several arguments, the
     * method name for none. The key must not be null and must have a stable form (see {@code CacheTemplate}).
     */
    String key() default "";

    /**
     * TTL of a non-null result: {@code "500ms"}, {@code "10s"}, {@code "30m"}, {@code "2h"}, {@code "1d"} or
     * ISO-8601 ({@code "PT30S"}). Empty: the cache's TTL.
     */
    String ttl() default "";

    /** TTL of a null result (same format as {@link #ttl()}). Empty: the cache's null TTL. */
    String nullTtl() default "";

    /**
     * SpEL tags of the entry, evaluated after the method ran with {@code #result} bound; each gives a
     * String or a Collection of Strings (null is ignored). For a null result, a tag expression that fails
     * because it navigates into the null is skipped.
     */
    String[] tags() default {};

    /** SpEL evaluated before the call; false calls the method directly, without any caching. Empty: always cache. */
    String condition() default "";

    /** SpEL evaluated after the method ran, with {@code #result}; true returns the result without caching it. */
    String unless() default "";
}
