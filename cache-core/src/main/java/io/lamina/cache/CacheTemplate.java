package io.lamina.cache;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Lamina's façade: a read-through cache with an in-process tier (L1) and, when configured, a shared
 * remote tier (L2).
 *
 * <p>All methods are thread-safe. A cache is named by a non-blank {@code cache} name; keys are any
 * non-null object with a stable string form (strings, numbers, UUIDs, enums, {@code java.time} values,
 * records and lists of those, or a {@link CacheKey}); the caller always names the value's type. Bad
 * arguments throw before anything is loaded or cached: {@link NullPointerException} for a null argument,
 * {@link IllegalArgumentException} for a blank or unknown cache name, an unsupported key, or a
 * non-positive TTL.
 *
 * <p>Loads are single-flight: concurrent callers of one key share one loader run. A loader's unchecked
 * exception reaches every waiting caller unchanged; a checked one is wrapped in
 * {@link CacheLoaderException}; nothing is cached for a failure.
 */
public interface CacheTemplate extends AutoCloseable {

    /** A builder for a template. */
    static CacheTemplateBuilder builder() {
        return new CacheTemplateBuilder();
    }

    /**
     * Returns the cached value of {@code key}, or loads, caches and returns it. A null result is cached as
     * the null sentinel for the cache's null TTL (unless {@code cacheNulls} is off) and returned as null.
     *
     * @throws IllegalStateException if the loader of a key calls {@code remember} for the same key
     */
    <V> V remember(String cache, Object key, Class<V> type, Loader<? extends V> loader);

    /** As {@link #remember(String, Object, Class, Loader)} with a TTL for this entry instead of the cache's. */
    <V> V remember(String cache, Object key, Class<V> type, Duration ttl, Loader<? extends V> loader);

    /** As {@link #remember(String, Object, Class, Loader)}; the loader may set the entry's tags and TTL. */
    <V> V remember(String cache, Object key, Class<V> type, ContextLoader<? extends V> loader);

    /** As {@link #remember(String, Object, Class, Loader)} for a generic type. */
    <V> V remember(String cache, Object key, TypeRef<V> type, Loader<? extends V> loader);

    /** As {@link #remember(String, Object, Class, Duration, Loader)} for a generic type. */
    <V> V remember(String cache, Object key, TypeRef<V> type, Duration ttl, Loader<? extends V> loader);

    /** As {@link #remember(String, Object, Class, ContextLoader)} for a generic type. */
    <V> V remember(String cache, Object key, TypeRef<V> type, ContextLoader<? extends V> loader);

    /**
     * Asynchronous {@code remember}: never blocks the calling thread on a load. A hit returns a completed
     * future. The returned future is the caller's own: completing or cancelling it does not affect the
     * load or other callers. Argument errors are thrown, not returned in the future.
     */
    <V> CompletableFuture<V> rememberAsync(String cache, Object key, Class<V> type, AsyncLoader<? extends V> loader);

    /** As {@link #rememberAsync(String, Object, Class, AsyncLoader)} with a loader that needs no context. */
    <V> CompletableFuture<V> rememberAsync(String cache, Object key, Class<V> type,
            Supplier<? extends CompletionStage<? extends V>> loader);

    /** As {@link #rememberAsync(String, Object, Class, AsyncLoader)} for a generic type. */
    <V> CompletableFuture<V> rememberAsync(String cache, Object key, TypeRef<V> type, AsyncLoader<? extends V> loader);

    /**
     * The cached value of {@code key} without loading: {@code null} when nothing fresh is cached, a
     * {@link CachedValue} (whose value may be null for a cached null) when something is.
     */
    <V> CachedValue<V> getIfPresent(String cache, Object key, Class<V> type);

    /** As {@link #getIfPresent(String, Object, Class)} for a generic type. */
    <V> CachedValue<V> getIfPresent(String cache, Object key, TypeRef<V> type);

    /**
     * Stores {@code value} (null allowed: stored as the null sentinel) under {@code key} with the cache's
     * TTL. Other nodes drop their L1 copy; a load of the same key that is still running cannot overwrite it.
     */
    void put(String cache, Object key, Object value);

    /** As {@link #put(String, Object, Object)} with this entry's TTL and tags. */
    void put(String cache, Object key, Object value, Duration ttl, String... tags);

    /** Removes {@code key} from every tier and node; a load of it that is still running cannot store its result. */
    void invalidate(String cache, Object key);

    /**
     * Invalidates every entry that carries any of {@code tags}, in every cache, on every node. Costs the
     * same whatever the number of entries.
     *
     * @throws IllegalArgumentException if no tag is given or a tag is blank
     */
    void invalidateTags(String... tags);

    /** Invalidates every entry of one named cache, on every node; other caches are untouched. */
    void invalidateAll(String cache);

    /**
     * A snapshot of one cache's counters since the template was built: hits per tier, misses, loads, hit ratios.
     * Works without Micrometer. A cache name not used yet is created (with the defaults) unless declaration is required.
     *
     * @throws IllegalArgumentException if the name is blank, invalid, or unknown while declaration is required
     */
    CacheStats stats(String cache);

    /**
     * A snapshot of this node's own counters: invalidation messages sent, received and failed, bus reconnects and
     * L1 flushes, whether the bus is healthy, and the remote tier's circuit-breaker state. Works without Micrometer.
     */
    NodeStats nodeStats();

    /**
     * The options {@code cache} runs with: its own, then the template defaults, then the built-in defaults, every
     * option set. Jitter stays unset when it was never configured (the built-in window is 10% of each TTL);
     * {@code l1Ttl} stays unset when L1 copies live as long as the entry.
     *
     * @throws IllegalArgumentException as {@link #stats}
     */
    CacheOptions options(String cache);

    /** The names of the caches that exist now: declared ones and, unless declaration is required, those used. */
    Set<String> cacheNames();

    /** The namespace every key of this template starts with. */
    String namespace();

    /** Releases the template's resources; further calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
