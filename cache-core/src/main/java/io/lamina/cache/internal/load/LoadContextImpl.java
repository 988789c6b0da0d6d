package io.lamina.cache.internal.load;

import io.lamina.cache.LoadContext;
import io.lamina.cache.internal.key.Names;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** The {@link LoadContext} handed to one loader run. Validates every call at once. */
public final class LoadContextImpl implements LoadContext {

    /** Longest tag accepted. */
    public static final int MAX_TAG_LENGTH = 256;

    private final String cacheName;
    private final Object key;
    private final int maxTags;
    private final Set<String> tags = new LinkedHashSet<>();
    private Duration ttl;
    private volatile boolean doNotCache;
    private volatile boolean closed;

    public LoadContextImpl(String cacheName, Object key, int maxTags) {
        this.cacheName = cacheName;
        this.key = key;
        this.maxTags = maxTags;
    }

    @Override
    public String cacheName() {
        return cacheName;
    }

    @Override
    public Object key() {
        return key;
    }

    @Override
    public LoadContext tags(String... more) {
        Objects.requireNonNull(more, "tags");
        return tags(java.util.Arrays.asList(more));
    }

    @Override
    public LoadContext tags(Collection<String> more) {
        checkOpen();
        Objects.requireNonNull(more, "tags");
        for (String tag : more) {
            Names.checkTag(tag, MAX_TAG_LENGTH);
        }
        Set<String> merged = new LinkedHashSet<>(tags);
        merged.addAll(more);
        if (merged.size() > maxTags) {
            throw new IllegalArgumentException("an entry may carry at most " + maxTags + " tags, got " + merged.size()
                    + " for key " + key + " of cache '" + cacheName + "'");
        }
        tags.addAll(more);
        return this;
    }

    @Override
    public LoadContext ttl(Duration ttl) {
        checkOpen();
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        this.ttl = ttl;
        return this;
    }

    @Override
    public LoadContext doNotCache() {
        checkOpen();
        this.doNotCache = true;
        return this;
    }

    /** Whether the loader asked for its value not to be cached. */
    public boolean cacheable() {
        return !doNotCache;
    }

    /** The tags set so far. */
    public Set<String> tagSet() {
        return tags;
    }

    /** The TTL set by the loader, or null. */
    public Duration ttlOverride() {
        return ttl;
    }

    /** Ends the context: the load is over, later calls are a bug in the loader. */
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the LoadContext of key " + key + " of cache '" + cacheName + "' is used after its load finished");
        }
    }
}
