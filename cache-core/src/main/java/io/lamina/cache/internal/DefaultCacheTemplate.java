package io.lamina.cache.internal;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.BreakerState;
import io.lamina.cache.NodeStats;
import io.lamina.cache.internal.metrics.TemplateMetrics;
import io.lamina.cache.CacheOptions;
import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import io.lamina.cache.ContextLoader;
import io.lamina.cache.Loader;
import io.lamina.cache.TypeRef;
import io.lamina.cache.internal.key.KeyFormatter;
import io.lamina.cache.internal.key.Names;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.remote.RateLimitedLog;
import io.lamina.cache.internal.remote.RemoteAccess;
import io.lamina.cache.internal.replay.Intent;
import io.lamina.cache.internal.replay.ReplayQueue;
import io.lamina.cache.internal.bus.BusMessage;
import io.lamina.cache.internal.bus.Coherence;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.spi.TagKey;
import java.util.ArrayList;
import io.lamina.cache.internal.stats.StatsCounter;
import io.lamina.cache.internal.tag.TagRegistry;
import io.lamina.cache.internal.tag.TagVersion;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The {@link CacheTemplate}: argument checks, the L1 hit path, and dispatch to the named cache. */
public final class DefaultCacheTemplate implements CacheTemplate {

    private final TemplateConfig config;
    private final TemplateContext context;
    private final ConcurrentHashMap<String, NamedCache> caches = new ConcurrentHashMap<>();
    private final RemoteAccess remote;
    /** Invalidations Redis did not take, replayed once it takes writes again (null without a remote tier). */
    private final ReplayQueue replays;
    private final Coherence coherence;
    /** Failures of operations that belong to no single cache (tag invalidations). */
    private final io.lamina.cache.internal.stats.StatsCounter templateStats = new io.lamina.cache.internal.stats.StatsCounter();
    /** Tag versions (invalidateTags, invalidateAll) the remote tier did not take. */
    private final java.util.concurrent.atomic.LongAdder tagBumpFailures = new java.util.concurrent.atomic.LongAdder();
    private final TemplateMetrics metrics;
    private volatile boolean closed;

    public DefaultCacheTemplate(TemplateConfig config) {
        this.config = config;
        this.context = new TemplateContext(config.namespace(), config.clock(), config.codec(),
                new KeyFormatter(KeyFormatter.DEFAULT_MAX_LENGTH), new TagRegistry(config.remote() != null, config.clock()),
                config.maxTagsPerEntry(), Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()),
                config.tagTtl(), Arguments.loaderPool(config), new io.lamina.cache.internal.load.Handoff(config.executor(), config.remote() != null),
                config.signer());
        this.replays = config.remote() == null ? null : new ReplayQueue(config.namespace(),
                new ReplayActions(config.remote(), context, new BusHandler(), this::coherence, () -> new ArrayList<>(caches.keySet())),
                config.replayCapacity(), config.remote().operationTimeout());
        this.remote = config.remote() == null ? null : new RemoteAccess(config.remote(), replays);
        config.caches().forEach((name, options) -> caches.put(name, newCache(name, options)));
        InvalidationBus bus = config.remote() == null ? null : config.remote().bus();
        this.coherence = bus == null ? null
                : new Coherence(config.namespace(), context.nodeId(), bus, new BusHandler(), config.busCheckInterval());
        this.metrics = config.metrics().create(config.namespace());
        try {
            caches.values().forEach(cache -> metrics.bindCache(cache, true));
            if (remote != null) {
                metrics.bindNode(this::nodeStats);
            }
        } catch (RuntimeException e) {
            metrics.close();
            context.loaders().shutdownNow();
            throw e;
        }
        if (coherence != null) {
            coherence.start();
        }
    }

    /** Applies what other nodes announce. */
    private final class BusHandler implements Coherence.Handler {
        private final RateLimitedLog busLog = new RateLimitedLog();

        @Override
        public void keys(String cache, List<String> formattedKeys) {
            NamedCache named = caches.get(cache);
            if (named != null) {
                named.invalidateFromBus(formattedKeys);
            }
        }

        // a version above the remote clock plus the skew bound is forged: the registry rejects it (counted) and
        // forgets the tag, so it is read from Redis at its next use; the message still drops what it names
        @Override
        public void tags(List<String> tags, long[] versions) {
            for (int i = 0; i < tags.size() && i < versions.length; i++) {
                TagVersion view = context.tags().advance(tags.get(i), versions[i]);
                if (!view.known()) {
                    busLog.warn("invalidation bus: rejected a far-future or invalid version of a tag (forged message?); "
                            + "the tag is read from Redis again at its next use (" + context.tags().rejected() + " rejected so far)");
                }
            }
        }

        @Override
        public void all(String cache, long version) {
            TagVersion view = context.tags().advance(MissPath.cacheTag(cache), version);
            if (!view.known()) {
                busLog.warn("invalidation bus: rejected a far-future or invalid version of cache '" + cache
                        + "' (forged message?); its tag is read from Redis again at its next use (" + context.tags().rejected()
                        + " rejected so far)");
            }
            NamedCache named = caches.get(cache);
            if (named != null) {
                named.invalidateAll();
            }
        }

        @Override
        public void flush(String reason) {
            context.tags().forgetAll();
            caches.values().forEach(NamedCache::invalidateAll);
        }

        @Override
        public void forgetTags() {
            context.tags().forgetAll();
        }
    }

    private NamedCache newCache(String name, CacheOptions options) {
        return new NamedCache(name, ResolvedOptions.resolve(options, config.defaults(), remote != null), context, remote);
    }

    // ---- remember -------------------------------------------------------------------------------------

    @Override
    public <V> V remember(String cache, Object key, Class<V> type, Loader<? extends V> loader) {
        return cast(rememberAny(cache, key, type, null, loader));
    }

    @Override
    public <V> V remember(String cache, Object key, Class<V> type, Duration ttl, Loader<? extends V> loader) {
        return cast(rememberAny(cache, key, type, Arguments.checkTtl(ttl), loader));
    }

    @Override
    public <V> V remember(String cache, Object key, Class<V> type, ContextLoader<? extends V> loader) {
        return cast(rememberAny(cache, key, type, null, loader));
    }

    @Override
    public <V> V remember(String cache, Object key, TypeRef<V> type, Loader<? extends V> loader) {
        return cast(rememberAny(cache, key, type, null, loader));
    }

    @Override
    public <V> V remember(String cache, Object key, TypeRef<V> type, Duration ttl, Loader<? extends V> loader) {
        return cast(rememberAny(cache, key, type, Arguments.checkTtl(ttl), loader));
    }

    @Override
    public <V> V remember(String cache, Object key, TypeRef<V> type, ContextLoader<? extends V> loader) {
        return cast(rememberAny(cache, key, type, null, loader));
    }

    private Object rememberAny(String cacheName, Object key, Object typeSpec, Duration ttl, Object loader) {
        NamedCache cache = cache(cacheName);
        Class<?> raw = Arguments.raw(typeSpec);
        if (key == null) {
            throw new NullPointerException("key");
        }
        if (loader == null) {
            throw new NullPointerException("loader");
        }
        L1Entry hit = cache.freshL1(key, raw);
        if (hit != null) {
            Object v = hit.value();
            cache.stats().l1Hit(v == L1Entry.NULL);
            afterHit(cache, hit, key, typeSpec, raw, ttl, loader);
            return v == L1Entry.NULL ? null : v;
        }
        return cache.load(key, Arguments.type(typeSpec), raw, ttl, loader);
    }

    /** Past the refresh point: start a background refresh. A stand-in stale value: count it. Untimed entries skip both. */
    private void afterHit(NamedCache cache, L1Entry hit, Object key, Object typeSpec, Class<?> raw, Duration ttl, Object loader) {
        if (hit.timed()) {
            if (hit.stale()) {
                cache.stats().staleServed();
            } else if (hit.refreshAt() != Long.MAX_VALUE && context.clock().nanoTime() >= hit.refreshAt()) {
                cache.maybeRefresh(hit, key, Arguments.type(typeSpec), raw, ttl, loader);
            }
        }
    }

    // ---- rememberAsync --------------------------------------------------------------------------------

    @Override
    public <V> CompletableFuture<V> rememberAsync(String cache, Object key, Class<V> type, AsyncLoader<? extends V> loader) {
        return rememberAsyncRaw(cache, key, type, loader);
    }

    @Override
    public <V> CompletableFuture<V> rememberAsync(String cache, Object key, Class<V> type,
            Supplier<? extends CompletionStage<? extends V>> loader) {
        Objects.requireNonNull(loader, "loader");
        AsyncLoader<V> adapted = ctx -> {
            @SuppressWarnings("unchecked")
            CompletionStage<V> stage = (CompletionStage<V>) loader.get();
            return stage;
        };
        return rememberAsyncRaw(cache, key, type, adapted);
    }

    @Override
    public <V> CompletableFuture<V> rememberAsync(String cache, Object key, TypeRef<V> type, AsyncLoader<? extends V> loader) {
        return rememberAsyncRaw(cache, key, type, loader);
    }

    private <V> CompletableFuture<V> rememberAsyncRaw(String cacheName, Object key, Object typeSpec, AsyncLoader<?> loader) {
        NamedCache cache = cache(cacheName);
        Class<?> raw = Arguments.raw(typeSpec);
        if (key == null) {
            throw new NullPointerException("key");
        }
        if (loader == null) {
            throw new NullPointerException("loader");
        }
        L1Entry hit = cache.freshL1(key, raw);
        if (hit != null) {
            Object v = hit.value();
            cache.stats().l1Hit(v == L1Entry.NULL);
            afterHit(cache, hit, key, typeSpec, raw, null, loader);
            return CompletableFuture.completedFuture(cast(v == L1Entry.NULL ? null : v));
        }
        return cache.loadAsync(key, Arguments.type(typeSpec), raw, loader).thenApply(stored -> {
            if (stored != L1Entry.NULL && !raw.isInstance(stored)) {
                throw new IllegalStateException("key " + key + " of cache '" + cacheName + "' was loaded as "
                        + stored.getClass().getName() + " but requested as " + raw.getName());
            }
            return cast(NamedCache.unwrap(stored));
        });
    }

    // ---- rememberAll ----------------------------------------------------------------------------------

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, Class<V> type,
            io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return rememberAllAny(cache, keys, type, plain(loader));
    }

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, TypeRef<V> type,
            io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return rememberAllAny(cache, keys, type, plain(loader));
    }

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, Class<V> type,
            io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return rememberAllAny(cache, keys, type, withContext(loader));
    }

    @Override
    public <K, V> java.util.Map<K, V> rememberAll(String cache, java.util.Collection<? extends K> keys, TypeRef<V> type,
            io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return rememberAllAny(cache, keys, type, withContext(loader));
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            Class<V> type, io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return rememberAllAsyncAny(cache, keys, type, plain(loader));
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            TypeRef<V> type, io.lamina.cache.BulkLoader<K, ? extends V> loader) {
        return rememberAllAsyncAny(cache, keys, type, plain(loader));
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            Class<V> type, io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return rememberAllAsyncAny(cache, keys, type, withContext(loader));
    }

    @Override
    public <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsync(String cache, java.util.Collection<? extends K> keys,
            TypeRef<V> type, io.lamina.cache.BulkContextLoader<K, ? extends V> loader) {
        return rememberAllAsyncAny(cache, keys, type, withContext(loader));
    }

    @SuppressWarnings("unchecked")
    private static BulkPath.Invoker plain(io.lamina.cache.BulkLoader<?, ?> loader) {
        Objects.requireNonNull(loader, "loader");
        io.lamina.cache.BulkLoader<Object, ?> any = (io.lamina.cache.BulkLoader<Object, ?>) loader;
        return (missing, ctx) -> any.load(missing);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static BulkPath.Invoker withContext(io.lamina.cache.BulkContextLoader<?, ?> loader) {
        Objects.requireNonNull(loader, "loader");
        io.lamina.cache.BulkContextLoader<Object, ?> any = (io.lamina.cache.BulkContextLoader<Object, ?>) loader;
        return (missing, ctx) -> any.load(missing, (io.lamina.cache.BulkLoadContext) ctx);
    }

    /** A hash map's initial capacity for {@code n} entries, so that filling it never resizes it. */
    private static int capacity(int n) {
        return n < 3 ? 4 : (int) Math.min(1 << 30, n / 0.75f + 1);
    }

    /** The keys of a bulk call by string form, first key object first; checked before any I/O. */
    private java.util.LinkedHashMap<String, Object> uniqueKeys(java.util.Collection<?> keys) {
        Objects.requireNonNull(keys, "keys");
        java.util.LinkedHashMap<String, Object> unique = new java.util.LinkedHashMap<>(capacity(keys.size()));
        for (Object key : keys) {
            if (key == null) {
                throw new NullPointerException("keys holds a null element");
            }
            unique.putIfAbsent(context.keys().format(key), key);
        }
        return unique;
    }

    private <K, V> java.util.Map<K, V> rememberAllAny(String cacheName, java.util.Collection<?> keys, Object typeSpec,
            BulkPath.Invoker loader) {
        NamedCache cache = cache(cacheName);
        Class<?> raw = Arguments.raw(typeSpec);
        java.util.LinkedHashMap<String, Object> unique = uniqueKeys(keys);
        java.util.Map<String, Object> values = new java.util.HashMap<>(capacity(unique.size()));
        java.util.Map<String, Object> misses = cache.options().l1Enabled() ? l1Pass(cache, unique, typeSpec, raw, loader, values) : unique;
        if (!misses.isEmpty()) {
            java.util.Map<String, Object> loaded = cache.options().timed()
                    // as remember under a timeout: the loader on the loader pool, so the caller can stop waiting
                    ? awaitTimed(cache, misses.size(), cache.loadAllAsync(misses, Arguments.type(typeSpec), raw, loader))
                    : cache.loadAll(misses, Arguments.type(typeSpec), raw, loader);
            if (values.isEmpty()) {
                values = loaded;
            } else {
                values.putAll(loaded);
            }
        }
        return result(cacheName, unique, values, raw);
    }

    private static java.util.Map<String, Object> awaitTimed(NamedCache cache, int keys,
            CompletableFuture<java.util.Map<String, Object>> load) {
        try {
            return load.get();
        } catch (InterruptedException e) {
            throw io.lamina.cache.internal.load.Failures.interrupted(cache.name(), "(bulk load of " + keys + " keys)", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw io.lamina.cache.internal.load.Failures.propagate(e.getCause(), cache.name(), "(bulk load of " + keys + " keys)");
        }
    }

    /** Serves L1 hits into {@code values}; returns the misses. */
    private java.util.LinkedHashMap<String, Object> l1Pass(NamedCache cache, java.util.Map<String, Object> unique, Object typeSpec,
            Class<?> raw, BulkPath.Invoker loader, java.util.Map<String, Object> values) {
        java.util.LinkedHashMap<String, Object> misses = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, Object> e : unique.entrySet()) {
            L1Entry hit = cache.freshL1(e.getValue(), raw);
            if (hit == null) {
                misses.put(e.getKey(), e.getValue());
                continue;
            }
            cache.stats().l1Hit(hit.value() == L1Entry.NULL);
            if (hit.timed() && (hit.stale() || (hit.refreshAt() != Long.MAX_VALUE && context.clock().nanoTime() >= hit.refreshAt()))) {
                afterHit(cache, hit, e.getValue(), typeSpec, raw, null, cache.singleOf(loader, e.getValue()));
            }
            values.put(e.getKey(), hit.value());
        }
        return misses;
    }

    @SuppressWarnings("unchecked")
    private static <K, V> java.util.Map<K, V> result(String cacheName, java.util.Map<String, Object> unique,
            java.util.Map<String, Object> values, Class<?> raw) {
        java.util.LinkedHashMap<K, V> out = new java.util.LinkedHashMap<>(capacity(unique.size()));
        if (values instanceof ServedPage page && page.servedFrom(unique)) {
            // every key served by one read, in the order of unique: no lookup per key
            for (int i = 0; i < page.count(); i++) {
                Object v = page.value(i);
                if (v == L1Entry.NULL) {
                    continue;
                }
                if (!raw.isInstance(v)) {
                    throw new IllegalStateException("key " + page.key(i) + " of cache '" + cacheName + "' was loaded as "
                            + v.getClass().getName() + " but requested as " + raw.getName());
                }
                out.put((K) page.key(i), (V) v);
            }
            return out;
        }
        for (java.util.Map.Entry<String, Object> e : unique.entrySet()) {
            Object v = values.get(e.getKey());
            if (v == null || v == L1Entry.NULL) {
                continue;
            }
            if (!raw.isInstance(v)) {
                throw new IllegalStateException("key " + e.getValue() + " of cache '" + cacheName + "' was loaded as "
                        + v.getClass().getName() + " but requested as " + raw.getName());
            }
            out.put((K) e.getValue(), (V) v);
        }
        return out;
    }

    private <K, V> CompletableFuture<java.util.Map<K, V>> rememberAllAsyncAny(String cacheName, java.util.Collection<?> keys,
            Object typeSpec, BulkPath.Invoker loader) {
        NamedCache cache = cache(cacheName);
        Class<?> raw = Arguments.raw(typeSpec);
        java.util.LinkedHashMap<String, Object> unique = uniqueKeys(keys);
        java.util.Map<String, Object> values = new java.util.HashMap<>();
        java.util.LinkedHashMap<String, Object> misses = l1Pass(cache, unique, typeSpec, raw, loader, values);
        if (misses.isEmpty()) {
            return CompletableFuture.completedFuture(result(cacheName, unique, values, raw));
        }
        // never blocks: the loader runs on the loader pool, the other steps and the completion on the template's executor
        return cache.loadAllAsync(misses, Arguments.type(typeSpec), raw, loader).thenApply(loaded -> {
            values.putAll(loaded);
            return result(cacheName, unique, values, raw);
        });
    }

    @Override
    public void putAll(String cache, java.util.Map<?, ?> entries) {
        NamedCache named = cache(cache);
        Objects.requireNonNull(entries, "entries");
        java.util.LinkedHashMap<String, Object> keyOf = new java.util.LinkedHashMap<>();
        java.util.Map<String, Object> valueOf = new java.util.HashMap<>();
        for (java.util.Map.Entry<?, ?> e : entries.entrySet()) {
            if (e.getKey() == null) {
                throw new NullPointerException("entries holds a null key");
            }
            String formatted = context.keys().format(e.getKey());
            keyOf.putIfAbsent(formatted, e.getKey());
            valueOf.put(formatted, e.getValue());
        }
        if (keyOf.isEmpty()) {
            return;
        }
        java.util.LinkedHashMap<Object, Object> ordered = new java.util.LinkedHashMap<>();
        keyOf.forEach((formatted, key) -> ordered.put(key, valueOf.get(formatted)));
        named.putAll(ordered);
        if (coherence != null) {
            List<String> all = new ArrayList<>(keyOf.keySet());
            for (int from = 0; from < all.size(); from += BusMessage.MAX_NAMES) {
                int to = Math.min(all.size(), from + BusMessage.MAX_NAMES);
                List<String> chunk = all.subList(from, to);
                if (!awaitPublish(coherence.publish(BusMessage.keys(context.nodeId(), named.name(), chunk)), named)) {
                    unannounced(named, chunk);
                }
            }
        }
    }

    // ---- reads without loading, writes ----------------------------------------------------------------

    @Override
    public <V> CachedValue<V> getIfPresent(String cache, Object key, Class<V> type) {
        return peek(cache, key, (Object) type);
    }

    @Override
    public <V> CachedValue<V> getIfPresent(String cache, Object key, TypeRef<V> type) {
        return peek(cache, key, (Object) type);
    }

    private <V> CachedValue<V> peek(String cacheName, Object key, Object typeSpec) {
        NamedCache cache = cache(cacheName);
        Class<?> raw = Arguments.raw(typeSpec);
        Objects.requireNonNull(key, "key");
        Object found = cache.peek(key, Arguments.type(typeSpec), raw);
        return found == null ? null : new CachedValue<>(cast(NamedCache.unwrap(found)));
    }

    @Override
    public void put(String cache, Object key, Object value) {
        NamedCache named = cache(cache);
        Objects.requireNonNull(key, "key");
        named.put(key, value, null, List.of());
        publishKeys(named, key);
    }

    @Override
    public void put(String cache, Object key, Object value, Duration ttl, String... tags) {
        NamedCache named = cache(cache);
        Objects.requireNonNull(key, "key");
        Arguments.checkTtl(ttl);
        named.put(key, value, ttl, Arguments.checkTags(tags, config.maxTagsPerEntry()));
        publishKeys(named, key);
    }

    @Override
    public void invalidate(String cache, Object key) {
        NamedCache named = cache(cache);
        Objects.requireNonNull(key, "key");
        // the removal and its bus message in one round trip (Redis: one script); overlapping calls share one
        named.invalidate(key, coherence);
    }

    @Override
    public void invalidateAll(String cache, java.util.Collection<?> keys) {
        NamedCache named = cache(cache);
        Objects.requireNonNull(keys, "keys");
        java.util.LinkedHashMap<String, Object> keyOf = new java.util.LinkedHashMap<>();
        for (Object key : keys) {
            if (key == null) {
                throw new NullPointerException("keys holds a null key");
            }
            keyOf.putIfAbsent(context.keys().format(key), key);   // keys that name the same entry collapse
        }
        if (!keyOf.isEmpty()) {
            named.invalidateKeys(keyOf, coherence);
        }
    }

    private void publishKeys(NamedCache named, Object key) {
        if (coherence != null) {
            List<String> formatted = List.of(context.keys().format(key));
            if (!awaitPublish(coherence.publish(BusMessage.keys(context.nodeId(), named.name(), formatted)), named)) {
                unannounced(named, formatted);
            }
        }
    }

    /** Whether the bus took the message. */
    private boolean awaitPublish(CompletableFuture<Boolean> published, NamedCache named) {
        return Boolean.TRUE.equals(remote.await(published, Duration.ZERO, false, "publish", named.stats()));
    }

    /**
     * Keys written whose message the bus did not take: other nodes may keep their old L1 copies, so the message is
     * published again until the bus takes it (a write Redis did not take is queued as a removal already, which wins).
     */
    private void unannounced(NamedCache named, List<String> formattedKeys) {
        for (String formatted : formattedKeys) {
            replays.failed(Intent.key(named.name(), formatted).announcing(0));
        }
    }

    @Override
    public void invalidateTags(String... tags) {
        checkOpen();
        List<String> checked = Arguments.checkTags(tags, Integer.MAX_VALUE);
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("invalidateTags needs at least one tag");
        }
        if (remote == null) {
            for (String tag : checked) {
                context.tags().invalidate(tag);
            }
            return;
        }
        // one O(1) script per tag (each tag lives in its own slot), all in parallel
        List<CompletableFuture<Long>> bumps = new ArrayList<>();
        for (String tag : checked) {
            TagKey key = new TagKey(config.namespace(), context.keys().format(tag));
            bumps.add(remote.start(() -> remote.tier().invalidateTag(key, config.tagTtl())));
        }
        long[] versions = new long[checked.size()];
        boolean[] taken = new boolean[checked.size()];
        for (int i = 0; i < checked.size(); i++) {
            Long version = remote.await(bumps.get(i), Duration.ZERO, null, "invalidation of tag " + checked.get(i), templateStats);
            taken[i] = version != null;
            if (version == null) {
                tagBumpFailures.increment();
                replays.failed(Intent.tag(checked.get(i)));
            } else {
                replays.succeeded(Intent.tag(checked.get(i)));
            }
            versions[i] = version != null ? context.tags().advance(checked.get(i), version).version()
                    : context.tags().invalidate(checked.get(i));
        }
        if (coherence != null) {
            for (int from = 0; from < checked.size(); from += BusMessage.MAX_NAMES) {
                int to = Math.min(checked.size(), from + BusMessage.MAX_NAMES);
                Boolean published = remote.await(coherence.publish(BusMessage.tags(context.nodeId(), checked.subList(from, to),
                        Arrays.copyOfRange(versions, from, to))), Duration.ZERO, false, "publish", templateStats);
                for (int i = from; i < to && !Boolean.TRUE.equals(published); i++) {
                    if (taken[i]) {   // Redis has the new version; other nodes have still to hear of it
                        replays.failed(Intent.tag(checked.get(i)).announcing(versions[i]));
                    }
                }
            }
        }
    }

    @Override
    public void invalidateAll(String cache) {
        NamedCache named = cache(cache);
        if (remote == null) {
            named.invalidateAll();
            return;
        }
        // O(1): the cache's own tag, which every stored entry of the cache carries, gets a new version
        String cacheTag = MissPath.cacheTag(named.name());
        TagKey key = new TagKey(config.namespace(), context.keys().format(cacheTag));
        Long version = remote.await(remote.start(() -> remote.tier().invalidateTag(key, config.tagTtl())), Duration.ZERO, null,
                "invalidateAll of cache " + named.name(), named.stats());
        if (version == null) {
            tagBumpFailures.increment();
            replays.failed(Intent.all(named.name()));
        } else {
            replays.succeeded(Intent.all(named.name()));
        }
        long v = version != null ? context.tags().advance(cacheTag, version).version() : context.tags().invalidate(cacheTag);
        named.invalidateAll();
        if (coherence != null && !awaitPublish(coherence.publish(BusMessage.all(context.nodeId(), named.name(), v)), named)
                && version != null) {
            replays.failed(Intent.all(named.name()).announcing(v));   // Redis has the new version; other nodes have not heard
        }
    }

    @Override
    public CacheStats stats(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cache name");
        NamedCache cache = caches.get(cacheName);
        if (cache == null) {
            cache(cacheName);
            cache = caches.get(cacheName);
        }
        return cache.stats().snapshot();
    }

    @Override
    public NodeStats nodeStats() {
        checkOpen();
        return new NodeStats(
                coherence == null ? 0 : coherence.sent(),
                coherence == null ? 0 : coherence.received(),
                (coherence == null ? 0 : coherence.failed()) + tagBumpFailures.sum(),
                coherence == null ? 0 : coherence.reconnects(),
                coherence == null ? 0 : coherence.flushes(),
                coherence != null && coherence.healthy(),
                remote != null,
                remote == null ? BreakerState.CLOSED : remote.tier().breakerState(),
                remote == null ? BreakerState.CLOSED : remote.tier().lockBreakerState(),
                replays == null ? 0 : replays.queued(),
                replays == null ? 0 : replays.replayed(),
                replays == null ? 0 : replays.dropped(),
                replays == null ? 0 : replays.pending(),
                remote == null ? 0 : (int) remote.tier().breakerStates().values().stream().filter(s -> s == BreakerState.OPEN).count(),
                remote == null ? java.util.Map.of() : remote.tier().events());
    }

    @Override
    public CacheOptions options(String cacheName) {
        return cache(cacheName).options().toCacheOptions();
    }

    /** Counters of a cache, for modules that publish them (metrics). */
    public StatsCounter counters(String cacheName) {
        return cache(cacheName).stats();
    }

    /** Entries in a cache's L1 now (after a sweep of expired entries and pending maintenance). For tests and stats. */
    public long l1Size(String cacheName) {
        return cache(cacheName).l1Size();
    }

    /** Entries in a cache's L1 as Caffeine estimates them, without a sweep (what the size gauge shows). For tests. */
    public long l1SizeEstimate(String cacheName) {
        return cache(cacheName).l1SizeEstimate();
    }

    /** This node's coherence with the others (null without a bus), for tests and metrics. */
    public Coherence coherence() {
        return coherence;
    }

    @Override
    public Set<String> cacheNames() {
        return new TreeSet<>(caches.keySet());
    }

    @Override
    public String namespace() {
        return config.namespace();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        metrics.close();
        if (replays != null) {
            replays.close();
        }
        if (coherence != null) {
            coherence.close();
        }
        context.loaders().shutdownNow();
        caches.values().forEach(NamedCache::invalidateAll);
        if (remote != null) {
            remote.tier().close();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /**
     * The cache found last, for the next call naming it by the same string instance (callers pass a constant): a
     * reference compare instead of a map lookup on the L1 hit path. A plain field on purpose: a racing reader sees
     * this or an earlier cache, each with its final name, and falls back to the map when the name is not identical.
     * Caches are never removed, so a cache once found stays the right one.
     */
    private NamedCache lastCache;

    private NamedCache cache(String cacheName) {
        NamedCache last = lastCache;
        if (last != null && last.name() == cacheName && !closed) {
            return last;
        }
        if (cacheName == null) {
            throw new NullPointerException("cache name");
        }
        if (closed) {
            throw new IllegalStateException("the cache template of namespace '" + config.namespace() + "' is closed");
        }
        NamedCache cache = caches.get(cacheName);
        if (cache != null) {
            lastCache = cache;
            return cache;
        }
        Names.checkName("cache name", cacheName);
        if (config.requireDeclaredCaches()) {
            throw new IllegalArgumentException("unknown cache '" + cacheName + "'; declared caches: " + cacheNames());
        }
        boolean[] created = {false};
        NamedCache named = caches.computeIfAbsent(cacheName, n -> {
            created[0] = true;
            return newCache(n, CacheOptions.inherit());
        });
        if (created[0]) {
            try {
                metrics.bindCache(named, false);
            } catch (RuntimeException e) {
                // publishing is a side show: a registry that refuses a meter never fails a cache call
                System.getLogger("io.lamina.cache").log(System.Logger.Level.WARNING,
                        "the meters of cache '" + cacheName + "' could not be registered", e);
            }
        }
        return named;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the cache template of namespace '" + config.namespace() + "' is closed");
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> V cast(Object value) {
        return (V) value;
    }
}
