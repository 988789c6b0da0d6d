package io.lamina.cache;

/**
 * A value found in the cache by {@link CacheTemplate#getIfPresent}. {@code value} is {@code null} when the
 * cache holds the null sentinel (the loader returned null and it was cached).
 *
 * @param value the cached value, or null for a cached null
 * @param <V> the value type
 */
public record CachedValue<V>(V value) {
}
