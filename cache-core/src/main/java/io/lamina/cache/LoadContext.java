package io.lamina.cache;

import java.time.Duration;
import java.util.Collection;

/**
 * What a {@link ContextLoader} or {@link AsyncLoader} can say about the value it loads. Not thread-safe;
 * valid only while the load runs.
 */
public interface LoadContext {

    /** The cache being filled. */
    String cacheName();

    /** The caller's key object, as passed to {@code remember}. */
    Object key();

    /**
     * Adds tags to the entry; {@link CacheTemplate#invalidateTags} of any of them invalidates it.
     *
     * @throws NullPointerException if a tag is null
     * @throws IllegalArgumentException if a tag is blank or too long, or the entry would carry more tags
     *         than the template allows
     */
    LoadContext tags(String... tags);

    /** Same as {@link #tags(String...)}. */
    LoadContext tags(Collection<String> tags);

    /**
     * Overrides the entry's TTL (jitter is still added).
     *
     * @throws IllegalArgumentException if the TTL is zero or negative
     */
    LoadContext ttl(Duration ttl);

    /**
     * Returns the loaded value to the caller (and to callers waiting for the same load) without storing
     * it in any tier, as Spring's {@code unless} does.
     */
    LoadContext doNotCache();
}
