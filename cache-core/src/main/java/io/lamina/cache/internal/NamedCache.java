package io.lamina.cache.internal;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.ContextLoader;
import io.lamina.cache.Loader;
import io.lamina.cache.internal.key.Names;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.l1.LocalTier;
import io.lamina.cache.internal.load.Failures;
import io.lamina.cache.internal.load.Flight;
import io.lamina.cache.internal.load.LoadContextImpl;
import io.lamina.cache.internal.stats.StatsCounter;
import io.lamina.cache.internal.tag.TagVersion;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One named cache: its L1, its running loads and its counters, with the read path (miss, single-flight,
 * load, fenced fill) and the write path (put, invalidate, invalidate all).
 *
 * <p>Fencing: every fill of L1 and every removal from it go through {@code compute} on the key, and a
 * removal or put fences the key's running flight inside that same {@code compute}; a fill skips a fenced
 * flight. So a load that started before an invalidation of its key can never store its result after it.
 * {@code invalidateAll} does the same for every flight through the cache's generation.
 */
public final class NamedCache {

    private final String name;
    private final ResolvedOptions options;
    private final TemplateContext context;
    private final LocalTier l1;
    private final StatsCounter stats = new StatsCounter();
    private final ConcurrentHashMap<Object, Flight> flights = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    public NamedCache(String name, ResolvedOptions options, TemplateContext context) {
        this.name = name;
        this.options = options;
        this.context = context;
        this.l1 = new LocalTier(options, context.clock(), stats::evictions);
    }

    public String name() {
        return name;
    }

    public ResolvedOptions options() {
        return options;
    }

    public StatsCounter stats() {
        return stats;
    }

    /** The L1 entry of {@code key} if it may be served now as a {@code raw}, else null. The hot path: no allocation. */
    public L1Entry freshL1(Object key, Class<?> raw) {
        L1Entry e = l1.get(key);
        if (e == null) {
            return null;
        }
        if (e.timed() && context.clock().nanoTime() >= e.freshUntil()) {
            return null;
        }
        Object v = e.value();
        if (!e.tagsCurrent() || (v != L1Entry.NULL && !raw.isInstance(v))) {
            return null;
        }
        return e;
    }

    /** The slow path of {@code remember}: L1 missed. Runs the loader at most once per key in this JVM at a time. */
    public Object load(Object key, Class<?> raw, Duration ttl, Object loader) {
        context.keys().format(key);
        Thread me = Thread.currentThread();
        boolean counted = false;
        while (true) {
            Flight mine = new Flight(me, context.tags().sequence(), generation.get());
            Flight running = flights.putIfAbsent(key, mine);
            if (running != null) {
                if (running.ownedBy(me)) {
                    throw new IllegalStateException("recursive load: the loader of key " + key + " in cache '" + name
                            + "' asked for the same key");
                }
                if (!counted) {
                    stats.miss();
                    counted = true;
                }
                long joined = context.tags().sequence();
                Object result = await(running, key);
                if (running.staleFor(joined)) {
                    continue;
                }
                return served(result, raw, key);
            }
            try {
                L1Entry filled = freshL1(key, raw);
                if (filled != null) {
                    // a flight finished between our L1 miss and our flight starting
                    if (!counted) {
                        stats.l1Hit(filled.value() == L1Entry.NULL);
                    }
                    mine.future().complete(filled.value());
                    return unwrap(filled.value());
                }
                if (!counted) {
                    stats.miss();
                }
                return lead(mine, key, ttl, loader);
            } finally {
                flights.remove(key, mine);
            }
        }
    }

    private Object lead(Flight mine, Object key, Duration ttl, Object loader) {
        LoadContextImpl ctx = new LoadContextImpl(name, key, context.maxTagsPerEntry());
        long start = context.clock().nanoTime();
        Object value;
        try {
            value = loader instanceof Loader<?> plain ? plain.load() : ((ContextLoader<?>) loader).load(ctx);
        } catch (Throwable failure) {
            stats.loadFailure(context.clock().nanoTime() - start);
            mine.future().completeExceptionally(failure);
            throw Failures.propagate(failure, name, key);
        } finally {
            ctx.close();
        }
        stats.loadSuccess(context.clock().nanoTime() - start);
        fill(mine, key, value, ttl, ctx);
        mine.future().complete(value == null ? L1Entry.NULL : value);
        return value;
    }

    /** The slow path of {@code rememberAsync}. Never blocks. */
    public CompletableFuture<Object> loadAsync(Object key, Class<?> raw, AsyncLoader<?> loader) {
        context.keys().format(key);
        return loadAsync(key, raw, loader, false);
    }

    private CompletableFuture<Object> loadAsync(Object key, Class<?> raw, AsyncLoader<?> loader, boolean counted) {
        Flight mine = new Flight(null, context.tags().sequence(), generation.get());
        Flight running = flights.putIfAbsent(key, mine);
        if (running != null) {
            if (!counted) {
                stats.miss();
            }
            long joined = context.tags().sequence();
            return running.future().handle((result, failure) -> {
                if (failure != null) {
                    return CompletableFuture.failedFuture(Failures.forAsync(failure, name, key));
                }
                if (running.staleFor(joined)) {
                    return loadAsync(key, raw, loader, true);
                }
                return CompletableFuture.completedFuture(result);
            }).thenCompose(f -> f);
        }
        L1Entry filled = freshL1(key, raw);
        if (filled != null) {
            flights.remove(key, mine);
            if (!counted) {
                stats.l1Hit(filled.value() == L1Entry.NULL);
            }
            mine.future().complete(filled.value());
            return CompletableFuture.completedFuture(filled.value());
        }
        if (!counted) {
            stats.miss();
        }
        LoadContextImpl ctx = new LoadContextImpl(name, key, context.maxTagsPerEntry());
        long start = context.clock().nanoTime();
        CompletionStage<?> stage;
        try {
            stage = loader.load(ctx);
            if (stage == null) {
                throw new NullPointerException("the async loader of key " + key + " in cache '" + name + "' returned null instead of a CompletionStage");
            }
        } catch (Throwable failure) {
            finishFailed(mine, key, ctx, start, failure);
            return CompletableFuture.failedFuture(Failures.forAsync(failure, name, key));
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                finishFailed(mine, key, ctx, start, failure);
                result.completeExceptionally(Failures.forAsync(failure, name, key));
                return;
            }
            try {
                ctx.close();
                stats.loadSuccess(context.clock().nanoTime() - start);
                fill(mine, key, value, null, ctx);
                Object stored = value == null ? L1Entry.NULL : value;
                mine.future().complete(stored);
                result.complete(stored);
            } catch (Throwable unexpected) {
                mine.future().completeExceptionally(unexpected);
                result.completeExceptionally(unexpected);
            } finally {
                flights.remove(key, mine);
            }
        });
        return result;
    }

    private void finishFailed(Flight mine, Object key, LoadContextImpl ctx, long start, Throwable failure) {
        ctx.close();
        stats.loadFailure(context.clock().nanoTime() - start);
        mine.future().completeExceptionally(Failures.unwrap(failure));
        flights.remove(key, mine);
    }

    /** Builds the entry of a loaded value and stores it, unless the flight was fenced or a tag went stale meanwhile. */
    private void fill(Flight flight, Object key, Object value, Duration callTtl, LoadContextImpl ctx) {
        if (value == null && !options.cacheNulls()) {
            return;
        }
        Duration ttl = ctx.ttlOverride() != null ? ctx.ttlOverride()
                : value == null ? options.nullTtl()
                : callTtl != null ? callTtl : options.ttl();
        L1Entry entry = entry(value, ttl, ctx.tagSet());
        l1.map().compute(key, (k, current) -> {
            if (flight.fenced() || flight.generation() != generation.get()) {
                return current;
            }
            if (entry.taggedAfter(flight.tagSequence())) {
                flight.markTagStale();
                return current;
            }
            return entry;
        });
    }

    private L1Entry entry(Object value, Duration ttl, Collection<String> tags) {
        long now = context.clock().nanoTime();
        long ttlNanos = options.jitteredNanos(ttl);
        long l1Nanos = options.l1Ttl() == null ? ttlNanos : Math.min(ttlNanos, Durations.toNanos(options.l1Ttl()));
        long freshUntil = Durations.saturatedAdd(now, l1Nanos);
        long expiresAt = Durations.saturatedAdd(freshUntil, Durations.toNanos(options.failSafe()));
        TagVersion[] versions = new TagVersion[tags.size()];
        long[] observed = new long[versions.length];
        int i = 0;
        for (String tag : tags) {
            versions[i] = context.tags().version(tag);
            observed[i] = versions[i].version();
            i++;
        }
        return new L1Entry(value == null ? L1Entry.NULL : value, freshUntil, options.refreshAt(now, l1Nanos), expiresAt,
                versions, observed);
    }

    /** {@code getIfPresent}: the fresh L1 value, counted as a hit or a miss. */
    public L1Entry peek(Object key, Class<?> raw) {
        L1Entry e = freshL1(key, raw);
        if (e == null) {
            stats.miss();
        } else {
            stats.l1Hit(e.value() == L1Entry.NULL);
        }
        return e;
    }

    /** Stores {@code value}; a running load of the key can no longer store its own result. */
    public void put(Object key, Object value, Duration ttl, Collection<String> tags) {
        context.keys().format(key);
        stats.put();
        if (value == null && !options.cacheNulls()) {
            invalidate(key);
            return;
        }
        L1Entry entry = entry(value, ttl != null ? ttl : value == null ? options.nullTtl() : options.ttl(), tags);
        l1.map().compute(key, (k, current) -> {
            fence(k);
            return entry;
        });
    }

    /** Removes {@code key}; a running load of it can no longer store its result. */
    public void invalidate(Object key) {
        l1.map().compute(key, (k, current) -> {
            fence(k);
            return null;
        });
    }

    /** Removes every entry; every running load is fenced. */
    public void invalidateAll() {
        generation.incrementAndGet();
        flights.forEach((k, flight) -> {
            flight.fence();
            flights.remove(k, flight);
        });
        l1.invalidateAll();
    }

    private void fence(Object key) {
        Flight running = flights.get(key);
        if (running != null) {
            running.fence();
            flights.remove(key, running);
        }
    }

    /** L1 size now, for stats and tests. */
    public long l1Size() {
        l1.cleanUp();
        return l1.estimatedSize();
    }

    private Object await(Flight flight, Object key) {
        try {
            return flight.future().get();
        } catch (InterruptedException e) {
            throw Failures.interrupted(name, key, e);
        } catch (ExecutionException e) {
            throw Failures.propagate(e.getCause(), name, key);
        }
    }

    private Object served(Object result, Class<?> raw, Object key) {
        if (result != L1Entry.NULL && !raw.isInstance(result)) {
            throw new IllegalStateException("key " + key + " of cache '" + name + "' was loaded as "
                    + result.getClass().getName() + " but requested as " + raw.getName());
        }
        return unwrap(result);
    }

    static Object unwrap(Object stored) {
        return stored == L1Entry.NULL ? null : stored;
    }

    /** Validates a cache name (for the façade). */
    static String checkName(String cacheName) {
        return Names.checkName("cache name", cacheName);
    }
}
