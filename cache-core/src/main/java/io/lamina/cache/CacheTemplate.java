package io.lamina.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
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
     * The most keys one bulk loader call is given: {@code rememberAll} with more L1 misses loads them in groups of
     * this size, one after the other.
     */
    int MAX_BATCH = 1000;

    /**
     * Returns the cached values of many keys at once, loading the missing ones with one call of {@code loader}.
     *
     * <p>Keys with the same string form ({@code "42"} and {@code 42L}) are one key; the first key object given is the
     * one in the result and in the loader's set. The result is in the order of {@code keys} and holds every key whose
     * value is non-null; keys the loader leaves out or maps to null are cached as null (unless {@code cacheNulls} is
     * off) and absent from the result. L1 hits cost nothing; L1 misses are read from the remote tier in a constant
     * number of round trips per server (per slot group on a cluster); the keys missing from both tiers are claimed
     * with their fill leases in bulk, loaded with one loader call (chunks of {@link #MAX_BATCH}) and stored in bulk.
     * Every promise of {@code remember} holds per key: a key another caller or node is loading is waited for (bounded
     * by {@code lockWait}, then the lock-timeout policy) instead of loaded again; a key written or invalidated while
     * the load runs is not stored with the loaded value; stats count per key.
     *
     * @return a new, modifiable map in the order of {@code keys}
     * @throws NullPointerException if {@code keys}, an element of it, {@code type} or {@code loader} is null
     * @throws IllegalArgumentException for an unsupported key type or a bad cache name, before any I/O
     * @throws CacheLoaderException if the loader threw a checked exception or returned a null map
     * @throws IllegalStateException if the loader asks for one of its own keys
     */
    <K, V> Map<K, V> rememberAll(String cache, Collection<? extends K> keys, Class<V> type, BulkLoader<K, ? extends V> loader);

    /** As {@link #rememberAll(String, Collection, Class, BulkLoader)} for a generic type. */
    <K, V> Map<K, V> rememberAll(String cache, Collection<? extends K> keys, TypeRef<V> type, BulkLoader<K, ? extends V> loader);

    /** As {@link #rememberAll(String, Collection, Class, BulkLoader)}; the loader may set tags and TTLs per key. */
    <K, V> Map<K, V> rememberAll(String cache, Collection<? extends K> keys, Class<V> type,
            BulkContextLoader<K, ? extends V> loader);

    /** As {@link #rememberAll(String, Collection, Class, BulkContextLoader)} for a generic type. */
    <K, V> Map<K, V> rememberAll(String cache, Collection<? extends K> keys, TypeRef<V> type,
            BulkContextLoader<K, ? extends V> loader);

    /**
     * Asynchronous {@code rememberAll}: argument errors are thrown at once; L1 hits of every key complete the future
     * at once; otherwise the lookup and the loader run on the template's loader pool (never on a client I/O thread)
     * and the caller's thread never blocks. Same semantics as {@link #rememberAll(String, Collection, Class, BulkLoader)}.
     */
    <K, V> CompletableFuture<Map<K, V>> rememberAllAsync(String cache, Collection<? extends K> keys, Class<V> type,
            BulkLoader<K, ? extends V> loader);

    /** As {@link #rememberAllAsync(String, Collection, Class, BulkLoader)} for a generic type. */
    <K, V> CompletableFuture<Map<K, V>> rememberAllAsync(String cache, Collection<? extends K> keys, TypeRef<V> type,
            BulkLoader<K, ? extends V> loader);

    /** As {@link #rememberAllAsync(String, Collection, Class, BulkLoader)}; the loader may set tags and TTLs per key. */
    <K, V> CompletableFuture<Map<K, V>> rememberAllAsync(String cache, Collection<? extends K> keys, Class<V> type,
            BulkContextLoader<K, ? extends V> loader);

    /** As {@link #rememberAllAsync(String, Collection, Class, BulkContextLoader)} for a generic type. */
    <K, V> CompletableFuture<Map<K, V>> rememberAllAsync(String cache, Collection<? extends K> keys, TypeRef<V> type,
            BulkContextLoader<K, ? extends V> loader);

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
     * If Redis does not take it, nothing is thrown: it is queued and replayed as an invalidation of the key (never as
     * the value) once Redis takes writes again; so are failed invalidations of every kind below.
     */
    void put(String cache, Object key, Object value);

    /**
     * {@link #put(String, Object, Object)} of every entry (null values stored as the null sentinel, the cache's TTL,
     * fenced against running loads), with the remote writes sent together and one invalidation message for the call.
     * With the remote tier down the entries still land in L1, and nothing is thrown.
     *
     * @throws NullPointerException if {@code entries} or one of its keys is null
     * @throws IllegalArgumentException for an unsupported key type, before any write
     */
    void putAll(String cache, Map<?, ?> entries);

    /** As {@link #put(String, Object, Object)} with this entry's TTL and tags. */
    void put(String cache, Object key, Object value, Duration ttl, String... tags);

    /**
     * Removes {@code key} from every tier and node; a load of it that is still running cannot store its result.
     * Invalidations of one cache that overlap in time on this node are sent to Redis together, with one bus message.
     * If Redis does not take it, nothing is thrown: this node's copy is still dropped, and the invalidation is queued
     * and replayed once Redis takes writes again.
     */
    void invalidate(String cache, Object key);

    /**
     * {@link #invalidate(String, Object)} of every key, sent together: one script per Redis server (per slot group on a
     * Cluster) and one bus message for all of them (per 1 000 keys). Keys that name the same entry count once. Every
     * key's copy on this node is dropped and its running loads fenced, whatever Redis answers; keys Redis did not take
     * are queued and replayed, nothing is thrown. An empty collection does nothing.
     *
     * @throws NullPointerException if {@code keys} or one of its keys is null, before any I/O
     * @throws IllegalArgumentException for an unsupported key type, before any I/O
     */
    void invalidateAll(String cache, Collection<?> keys);

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
