package io.lamina.cache.internal.load;

import io.lamina.cache.BulkLoadContext;
import io.lamina.cache.internal.key.KeyFormatter;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link BulkLoadContext} of one bulk loader call: one {@link LoadContextImpl} per asked key (by string form),
 * which the bulk path reads when it stores each value.
 */
public final class BulkContextImpl implements BulkLoadContext<Object> {

    private final String cacheName;
    private final KeyFormatter keys;
    private final Map<String, LoadContextImpl> perKey;

    /** @param perKey the context of each asked key, by its string form */
    public BulkContextImpl(String cacheName, KeyFormatter keys, Map<String, LoadContextImpl> perKey) {
        this.cacheName = cacheName;
        this.keys = keys;
        this.perKey = perKey;
    }

    @Override
    public String cacheName() {
        return cacheName;
    }

    @Override
    public BulkLoadContext<Object> tags(Object key, String... tags) {
        Objects.requireNonNull(tags, "tags");
        of(key).tags(tags);
        return this;
    }

    @Override
    public BulkLoadContext<Object> tags(Object key, Collection<String> tags) {
        of(key).tags(tags);
        return this;
    }

    @Override
    public BulkLoadContext<Object> ttl(Object key, Duration ttl) {
        of(key).ttl(ttl);
        return this;
    }

    @Override
    public BulkLoadContext<Object> doNotCache(Object key) {
        of(key).doNotCache();
        return this;
    }

    private LoadContextImpl of(Object key) {
        Objects.requireNonNull(key, "key");
        LoadContextImpl ctx = perKey.get(keys.format(key));
        if (ctx == null) {
            throw new IllegalArgumentException("key " + key + " was not asked for in this bulk load of cache '" + cacheName + "'");
        }
        return ctx;
    }
}
