package io.lamina.cache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches a bulk method element by element, through {@code CacheTemplate.rememberAll}: the method takes a collection
 * of ids and returns a {@code Map} of id to value or a {@code List} of values; each value is cached under its own key,
 * the same key {@link Cached} gives the single-id method of the same cache, so both share one set of entries.
 *
 * <pre>{@code
 * @Cached(cache = "products", key = "#id")
 * public Product find(long id) { ... }
 *
 * @CachedAll(cache = "products")                      // keys: the ids, as above
 * public Map<Long, Product> findAll(Collection<Long> ids) { ... }
 *
 * @CachedAll(cache = "products", id = "id")           // a List: each element's id is its id property
 * public List<Product> findAllList(List<Long> ids) { ... }
 * }</pre>
 *
 * <p><b>The call.</b> The ids are the method's one parameter declared as {@code Collection}, {@code List} or
 * {@code Set}. Cached ids are served from L1 or L2; the method is called once, with a collection of the same kind
 * holding only the ids missing from both tiers (in the caller's order, duplicates removed), and the other arguments
 * unchanged (so they must not change which value an id has). No id missing: the method is not called.
 *
 * <p><b>How the id of each returned value is found.</b> For a {@code Map} result, the map's key is the id. For a
 * {@code List} result, {@link #id()} is evaluated on each element (the element is the SpEL root object, also
 * {@code #element}). An id asked for but absent from the result is cached as null (unless the cache does not
 * cache nulls) and absent from what the caller gets; null elements and ids not asked for are ignored.
 *
 * <p><b>The result.</b> For a {@code Map}, a map in the order of the given ids holding every id with a non-null value;
 * for a {@code List}, the values in the order of the given ids. Exceptions of the method reach the caller unchanged;
 * nothing is cached for a failure. Invalid attributes fail startup, naming the method.
 *
 * <p><b>Asynchronous and reactive methods.</b> A method may return a {@code CompletableFuture} or
 * {@code CompletionStage} of a {@code Map} or {@code List}, a {@code Mono} of one, or a {@code Flux} of values (which
 * needs {@link #id()}, as a {@code List}). The lookup goes through {@code rememberAllAsync}: the caller never blocks,
 * and the method is called for the missing ids on the template's loader pool, where its result is awaited; a
 * {@code Mono} or {@code Flux} looks up on each subscription. Any other return type fails startup, naming the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CachedAll {

    /** The Lamina cache name; must not be blank. */
    String cache();

    /**
     * SpEL for the cache key of one id, with {@code #id} bound to it. Empty: the id itself, which is the key
     * {@link Cached} uses for a single-id method with the default key or {@code key = "#id"}.
     */
    String key() default "";

    /** For a {@code List} result (required then): SpEL evaluated on each element giving its id. Unused for a Map. */
    String id() default "";

    /**
     * SpEL tags of each loaded value's entry, evaluated per element with {@code #result} bound to it (and {@code #id}
     * to its id), as {@link Cached#tags()} does for one value; not evaluated for ids without a value.
     */
    String[] tags() default {};

    /** TTL of a non-null value (format of {@link Cached#ttl()}). Empty: the cache's TTL. */
    String ttl() default "";

    /** TTL of an id without a value. Empty: the cache's null TTL. */
    String nullTtl() default "";

    /**
     * SpEL evaluated before the call, on the method's arguments; false calls the method directly with every id, without
     * any caching. Empty: always cache.
     */
    String condition() default "";

    /**
     * SpEL evaluated per loaded value, with {@code #result} bound to it (and {@code #id} to its id); true returns the
     * value without caching it (the next call loads that id again). Not evaluated for ids without a value.
     */
    String unless() default "";
}
