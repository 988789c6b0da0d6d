package io.lamina.cache;

import java.time.Duration;
import java.util.Collection;

/**
 * What a {@link BulkContextLoader} can say about the values it loads, key by key. Not thread-safe; valid only
 * while the load runs. A key is named by the key object given to the loader or any key with the same string form.
 */
public interface BulkLoadContext<K> {

    /** The cache being filled. */
    String cacheName();

    /**
     * Adds tags to the entry of {@code key}; {@link CacheTemplate#invalidateTags} of any of them invalidates it.
     *
     * @throws NullPointerException if the key or a tag is null
     * @throws IllegalArgumentException if the key was not asked for, a tag is blank or too long, or the entry would
     *         carry more tags than the template allows
     */
    BulkLoadContext<K> tags(K key, String... tags);

    /** Same as {@link #tags(Object, String...)}. */
    BulkLoadContext<K> tags(K key, Collection<String> tags);

    /**
     * Overrides the TTL of the entry of {@code key} (jitter is still added).
     *
     * @throws IllegalArgumentException if the key was not asked for or the TTL is zero or negative
     */
    BulkLoadContext<K> ttl(K key, Duration ttl);

    /** Returns the value of {@code key} to the caller without storing it in any tier. */
    BulkLoadContext<K> doNotCache(K key);
}
