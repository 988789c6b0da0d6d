package io.lamina.cache.spring;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import io.lamina.cache.ContextLoader;
import io.lamina.cache.Loader;
import io.lamina.cache.NodeStats;
import io.lamina.cache.TypeRef;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A {@link CacheTemplate} whose writes follow Spring transactions: while transaction synchronization is active on
 * the calling thread (inside {@code @Transactional} or a {@code TransactionTemplate}), {@code put},
 * {@code putAll}, {@code invalidate}, {@code invalidateTags} and both {@code invalidateAll} take effect as the {@link TransactionMode}
 * says (by default at once <em>and</em> again after the commit); outside one, at once. Reads and loads are passed
 * through unchanged.
 *
 * <p>The Boot auto-configuration makes its {@code CacheTemplate} bean one of these when spring-tx is on the class
 * path ({@code lamina.cache.transaction-aware}), and the interceptor of {@link Invalidate} and
 * {@link InvalidateTags} wraps the template it uses, so annotations are covered with any template bean. Wrapping
 * twice is a no-op ({@link #wrap}).
 *
 * <p>Arguments are checked at the call: in {@link TransactionMode#AFTER_COMMIT} null arguments throw at once; other
 * argument errors (an unknown cache when declaration is required) surface at commit. Work registered for after the
 * commit runs on the committing thread, after the transaction's resources are released; a failing remote tier
 * there is a miss and a meter, as for any write. {@code remember} inside a transaction loads what the transaction
 * sees, including its own uncommitted rows; with {@code BOTH} the after-commit invalidation of that key removes
 * such a value again. Thread-safe.
 */
public final class TransactionAwareCacheTemplate implements CacheTemplate {

    private final CacheTemplate target;
    private final TransactionMode mode;

    private TransactionAwareCacheTemplate(CacheTemplate target, TransactionMode mode) {
        this.target = target;
        this.mode = mode;
    }

    /**
     * {@code template} made transaction-aware with {@code mode}; {@code template} itself when the mode is
     * {@link TransactionMode#IMMEDIATE} or it already is transaction-aware.
     *
     * @throws NullPointerException if an argument is null
     */
    public static CacheTemplate wrap(CacheTemplate template, TransactionMode mode) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(mode, "mode");
        if (mode == TransactionMode.IMMEDIATE || template instanceof TransactionAwareCacheTemplate) {
            return template;
        }
        return new TransactionAwareCacheTemplate(template, mode);
    }

    /** The mode writes follow inside a transaction. */
    public TransactionMode mode() {
        return mode;
    }

    /** The wrapped template. */
    public CacheTemplate target() {
        return target;
    }

    // ---- writes -----------------------------------------------------------------------------------------

    @Override
    public void put(String cache, Object key, Object value) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(key, "key");
        write(() -> target.invalidate(cache, key), () -> target.put(cache, key, value));
    }

    @Override
    public void put(String cache, Object key, Object value, Duration ttl, String... tags) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(key, "key");
        String[] copy = tags == null ? null : tags.clone();
        write(() -> target.invalidate(cache, key), () -> target.put(cache, key, value, ttl, copy));
    }

    @Override
    public void putAll(String cache, java.util.Map<?, ?> entries) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(entries, "entries");
        java.util.Map<Object, Object> copy = new java.util.LinkedHashMap<>(entries);
        copy.keySet().forEach(k -> Objects.requireNonNull(k, "entries holds a null key"));
        write(() -> target.invalidateAll(cache, copy.keySet()), () -> target.putAll(cache, copy));
    }

    @Override
    public void invalidate(String cache, Object key) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(key, "key");
        write(() -> target.invalidate(cache, key), () -> target.invalidate(cache, key));
    }

    @Override
    public void invalidateAll(String cache, java.util.Collection<?> keys) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(keys, "keys");
        java.util.List<Object> copy = new java.util.ArrayList<>(keys);
        copy.forEach(k -> Objects.requireNonNull(k, "keys holds a null key"));
        write(() -> target.invalidateAll(cache, copy), () -> target.invalidateAll(cache, copy));
    }

    @Override
    public void invalidateTags(String... tags) {
        Objects.requireNonNull(tags, "tags");
        String[] copy = tags.clone();
        Arrays.stream(copy).forEach(t -> Objects.requireNonNull(t, "tag"));
        write(() -> target.invalidateTags(copy), () -> target.invalidateTags(copy));
    }

    @Override
    public void invalidateAll(String cache) {
        Objects.requireNonNull(cache, "cache");
        write(() -> target.invalidateAll(cache), () -> target.invalidateAll(cache));
    }

    /**
     * Outside a transaction: {@code write} now. Inside: {@code now} (the invalidation) unless the mode is
     * after-commit only, then {@code write} after the commit.
     */
    private void write(Runnable now, Runnable write) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            write.run();
            return;
        }
        if (mode == TransactionMode.BOTH) {
            now.run();
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                write.run();
            }
        });
    }

    // ---- everything else, unchanged ---------------------------------------------------------------------

    @Override
    public <V> V remember(String cache, Object key, Class<V> type, Loader<? extends V> loader) {
        return target.remember(cache, key, type, loader);
    }

    @Override
    public <V> V remember(String cache, Object key, Class<V> type, Duration ttl, Loader<? extends V> loader) {
        return target.remember(cache, key, type, ttl, loader);
    }

    @Override
    public <V> V remember(String cache, Object key, Class<V> type, ContextLoader<? extends V> loader) {
        return target.remember(cache, key, type, loader);
    }

    @Override
    public <V> V remember(String cache, Object key, TypeRef<V> type, Loader<? extends V> loader) {
        return target.remember(cache, key, type, loader);
    }

    @Override
    public <V> V remember(String cache, Object key, TypeRef<V> type, Duration ttl, Loader<? extends V> loader) {
        return target.remember(cache, key, type, ttl, loader);
    }

    @Override
    public <V> V remember(String cache, Object key, TypeRef<V> type, ContextLoader<? extends V> loader) {
        return target.remember(cache, key, type, loader);
    }

    @Override
    public <V> CompletableFuture<V> rememberAsync(String cache, Object key, Class<V> type, AsyncLoader<? extends V> loader) {
        return target.rememberAsync(cache, key, type, loader);
    }

    @Override
    public <V> CompletableFuture<V> rememberAsync(String cache, Object key, Class<V> type,
            Supplier<? extends CompletionStage<? extends V>> loader) {
        return target.rememberAsync(cache, key, type, loader);
    }

    @Override
    public <V> CompletableFuture<V> rememberAsync(String cache, Object key, TypeRef<V> type, AsyncLoader<? extends V> loader) {
        return target.rememberAsync(cache, key, type, loader);
    }

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, Class<V> type,
            io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return target.rememberAll(cache, keys, type, loader);
    }

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, TypeRef<V> type,
            io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return target.rememberAll(cache, keys, type, loader);
    }

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, Class<V> type,
            io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return target.rememberAll(cache, keys, type, loader);
    }

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, TypeRef<V> type,
            io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return target.rememberAll(cache, keys, type, loader);
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            Class<V> type, io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return target.rememberAllAsync(cache, keys, type, loader);
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            TypeRef<V> type, io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return target.rememberAllAsync(cache, keys, type, loader);
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            Class<V> type, io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return target.rememberAllAsync(cache, keys, type, loader);
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            TypeRef<V> type, io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return target.rememberAllAsync(cache, keys, type, loader);
    }

    @Override
    public <V> CachedValue<V> getIfPresent(String cache, Object key, Class<V> type) {
        return target.getIfPresent(cache, key, type);
    }

    @Override
    public <V> CachedValue<V> getIfPresent(String cache, Object key, TypeRef<V> type) {
        return target.getIfPresent(cache, key, type);
    }

    @Override
    public CacheStats stats(String cache) {
        return target.stats(cache);
    }

    @Override
    public NodeStats nodeStats() {
        return target.nodeStats();
    }

    @Override
    public CacheOptions options(String cache) {
        return target.options(cache);
    }

    @Override
    public Set<String> cacheNames() {
        return target.cacheNames();
    }

    @Override
    public String namespace() {
        return target.namespace();
    }

    /** Closes the wrapped template. */
    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "TransactionAwareCacheTemplate{" + mode + ", " + target + '}';
    }
}
