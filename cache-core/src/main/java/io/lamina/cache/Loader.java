package io.lamina.cache;

/**
 * Loads a value from the source of truth when it is not cached: {@code () -> repository.find(id)}.
 *
 * <p>May return {@code null}; null results are cached as a sentinel for the cache's null TTL (unless
 * {@code cacheNulls} is off). A checked exception is wrapped in {@link CacheLoaderException}; an
 * unchecked one reaches every waiting caller unchanged. Nothing is cached for a failed load.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface Loader<V> {

    /** Loads the value; runs at most once per key per JVM at a time. */
    V load() throws Exception;
}
