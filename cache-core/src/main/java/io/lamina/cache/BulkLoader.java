package io.lamina.cache;

import java.util.Map;
import java.util.Set;

/**
 * Loads many values at once from the source of truth, for {@link CacheTemplate#rememberAll}:
 * {@code missing -> repository.findAllById(missing)}.
 *
 * <p>Called once with exactly the keys missing from every tier (in groups of at most
 * {@link CacheTemplate#MAX_BATCH} keys when there are more). The returned map holds the values found; a key it
 * leaves out, or maps to null, is cached as null (unless {@code cacheNulls} is off). Keys it returns that were not
 * asked for are ignored (and counted). Returning a null map is a failure of the load. A checked exception is wrapped
 * in {@link CacheLoaderException}; an unchecked one reaches the caller, and every caller waiting for one of the
 * keys, unchanged; nothing is cached for a failed load.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface BulkLoader<K, V> {

    /**
     * Loads the values of {@code missing} (never empty; iteration in the caller's order; not modifiable).
     * Runs on the calling thread of {@code rememberAll}, on the loader pool for {@code rememberAllAsync}.
     */
    Map<K, V> load(Set<K> missing) throws Exception;
}
