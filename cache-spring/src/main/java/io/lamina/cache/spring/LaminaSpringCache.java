package io.lamina.cache.spring;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import io.lamina.cache.TypeRef;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * One Lamina cache seen as a Spring {@link Cache}; made by {@link LaminaCacheManager}, which explains the
 * typing. Reads decode with the cache's declared type; a cached null is a {@code SimpleValueWrapper(null)}.
 * Thread-safe.
 */
public final class LaminaSpringCache implements Cache {

    private final String name;
    private final CacheTemplate template;
    private final TypeRef<Object> type;
    private final Executor retrieveExecutor;

    LaminaSpringCache(String name, CacheTemplate template, TypeRef<Object> type, Executor retrieveExecutor) {
        this.name = name;
        this.template = template;
        this.type = type;
        this.retrieveExecutor = retrieveExecutor;
    }

    @Override
    public String getName() {
        return name;
    }

    /** The {@link CacheTemplate}. */
    @Override
    public Object getNativeCache() {
        return template;
    }

    /** The value type this cache decodes with. */
    public TypeRef<Object> valueType() {
        return type;
    }

    @Override
    public ValueWrapper get(Object key) {
        CachedValue<Object> found = template.getIfPresent(name, key, type);
        return found == null ? null : new SimpleValueWrapper(found.value());
    }

    /**
     * Decodes with the declared type, or with {@code type} when that is more specific.
     *
     * @throws IllegalStateException if the cached value is not a {@code type}
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Class<T> type) {
        TypeRef<Object> lookup = type != null && type != this.type.rawType() && this.type.rawType().isAssignableFrom(type)
                ? TypeRef.of(type) : this.type;
        CachedValue<Object> found = template.getIfPresent(name, key, lookup);
        if (found == null) {
            return null;
        }
        Object value = found.value();
        if (value != null && type != null && !type.isInstance(value)) {
            throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: " + value);
        }
        return (T) value;
    }

    /**
     * Read-through through {@link CacheTemplate#remember}: one {@code valueLoader} run per key per JVM, and
     * per cluster while the remote tier is up. A failure of the loader is a {@link ValueRetrievalException}.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        return (T) template.remember(name, key, type, () -> {
            try {
                return valueLoader.call();
            } catch (Exception e) {
                throw new ValueRetrievalException(key, valueLoader, e);
            }
        });
    }

    /**
     * A future of a {@link ValueWrapper} on a hit (a cached null included), or null on a miss. Lamina has no
     * asynchronous lookup: the lookup runs on the manager's retrieve executor when one is set, else on the
     * calling thread (an L1 hit does no I/O; an L2 read is bounded by the remote tier's timeouts); with an
     * executor, a miss is a future completing with null.
     */
    @Override
    public CompletableFuture<?> retrieve(Object key) {
        if (retrieveExecutor == null) {
            ValueWrapper found = get(key);
            return found == null ? null : CompletableFuture.completedFuture(found);
        }
        return CompletableFuture.supplyAsync(() -> get(key), retrieveExecutor);
    }

    /** Read-through through {@link CacheTemplate#rememberAsync}: single-flight like {@link #get(Object, Callable)}. */
    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        AsyncLoader<Object> loader = ctx -> (CompletableFuture<Object>) valueLoader.get();
        return (CompletableFuture<T>) template.rememberAsync(name, key, type, loader);
    }

    @Override
    public void put(Object key, Object value) {
        template.put(name, key, value);
    }

    /**
     * Stores {@code value} unless something is cached; through {@code remember}, so it is single-flight
     * with loads of the same key.
     */
    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        boolean[] stored = new boolean[1];
        Object current = template.remember(name, key, type, () -> {
            stored[0] = true;
            return value;
        });
        return stored[0] ? null : new SimpleValueWrapper(current);
    }

    @Override
    public void evict(Object key) {
        template.invalidate(name, key);
    }

    @Override
    public void clear() {
        template.invalidateAll(name);
    }

    @Override
    public String toString() {
        return "LaminaSpringCache{" + name + ", " + type + '}';
    }
}
